// `export-guard scan [--json] [--policy FILE] [--lang nl|en] FILE...`
// Exit status: 0 every file allowed, 1 any file blocked, 2 usage error or unreadable path.
import { readFile } from 'node:fs/promises';
import { detect, type Verdict } from '../../shared/detector/index.js';
import { formatCount } from '../../shared/detector/analyse/reasons.js';
import type { Policy } from '../../shared/policy/types.js';
import { loadPolicyFile } from '../policy-file.js';

const HELP = `usage: export-guard scan [--json] [--policy FILE] [--lang nl|en] FILE...

Scans each file (by content, not by name) and says whether it may be attached.
  FILE           a path, or - for standard input
  --json         one JSON object per file per line: file, verdict, kind, reasons, ...
  --policy FILE  a policy JSON file (schema: shared/policy/policy.schema.json); built-in defaults otherwise
  --lang nl|en   language of the reasons (default: nl, or en when LANG starts with en)

Exit status: 0 all allowed, 1 any blocked, 2 usage error or unreadable path.`;

interface ScanArgs {
  json: boolean;
  policyFile?: string;
  lang: 'nl' | 'en';
  files: string[];
}

export function parseScanArgs(argv: string[]): ScanArgs | string {
  const args: ScanArgs = { json: false, lang: process.env.LANG?.startsWith('en') ? 'en' : 'nl', files: [] };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--json') args.json = true;
    else if (arg === '--policy' || arg === '--lang') {
      const value = argv[++i];
      if (value === undefined) return `${arg} needs a value`;
      if (arg === '--policy') args.policyFile = value;
      else if (value === 'nl' || value === 'en') args.lang = value;
      else return `--lang must be nl or en, not '${value}'`;
    } else if (arg === '--') {
      args.files.push(...argv.slice(i + 1));
      break;
    } else if (arg.startsWith('-') && arg !== '-') return `unknown option '${arg}'`;
    else args.files.push(arg);
  }
  if (args.files.length === 0) return 'no FILE given';
  return args;
}

export async function run(argv: string[]): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    console.log(HELP);
    return 0;
  }
  const args = parseScanArgs(argv);
  if (typeof args === 'string') {
    console.error(`export-guard scan: ${args}\n\n${HELP}`);
    return 2;
  }
  let policy: Policy | undefined;
  if (args.policyFile) {
    try {
      policy = await loadPolicyFile(args.policyFile);
    } catch (error) {
      console.error(`export-guard scan: ${(error as Error).message}`);
      return 2;
    }
  }

  let status = 0;
  for (const file of args.files) {
    let bytes: Uint8Array;
    try {
      bytes = file === '-' ? await readStdin() : await readFile(file);
    } catch (error) {
      console.error(`export-guard scan: cannot read '${file}': ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
      status = 2;
      continue;
    }
    const verdict = await detect(bytes, { policy });
    console.log(args.json ? JSON.stringify({ file, ...verdict }) : formatVerdict(file, verdict, args.lang));
    if (verdict.verdict === 'block' && status === 0) status = 1;
  }
  return status;
}

const ROW_WORDS = { nl: ['rij', 'rijen'], en: ['row', 'rows'] } as const;

function formatVerdict(file: string, verdict: Verdict, lang: 'nl' | 'en'): string {
  const label = verdict.verdict === 'block' ? 'BLOCK' : 'ALLOW';
  const [one, other] = ROW_WORDS[lang];
  const rows = verdict.rows > 0 ? `, ${formatCount(verdict.rows, lang)} ${verdict.rows === 1 ? one : other}` : '';
  const head = `${label}  ${file}  (${verdict.kind}${rows})`;
  return [head, ...verdict.reasons.map((r) => `  - ${r.code}: ${r[lang]}`)].join('\n');
}

async function readStdin(): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}
