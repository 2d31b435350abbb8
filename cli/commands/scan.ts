// `export-guard scan [--json] [--policy FILE] [--lang nl|en] FILE...`
// Exit status: 0 every file allowed, 1 any file blocked, 2 usage error or unreadable path.
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { inflateRawSync } from 'node:zlib';
import { detect } from '../../shared/detector/index.js';
import { formatCount } from '../../shared/detector/analyse/reasons.js';
import { leadSentence, peopleCount } from '../../shared/detector/describe.js';
import { useRawInflater } from '../../shared/detector/read/inflate.js';
import { applyExceptions, type DecidedVerdict } from '../../shared/policy/exceptions.js';
import type { Policy } from '../../shared/policy/types.js';
import { loadPolicyFile } from '../../proxy/policy-file.js';

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
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: { json: { type: 'boolean' }, policy: { type: 'string' }, lang: { type: 'string' } },
    });
  } catch (error) {
    // parseArgs explains '--' at length; the option's name is what the user needs.
    const option = /'([^']+)'/.exec((error as Error).message)?.[1];
    return (error as NodeJS.ErrnoException).code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' && option ? `unknown option '${option}'` : (error as Error).message;
  }
  const { values, positionals } = parsed;
  const lang = values.lang ?? (process.env.LANG?.startsWith('en') ? 'en' : 'nl');
  if (lang !== 'nl' && lang !== 'en') return `--lang must be nl or en, not '${lang}'`;
  if (positionals.length === 0) return 'no FILE given';
  return { json: values.json ?? false, policyFile: values.policy, lang, files: positionals };
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

  // Zip parts are inflated by Node's zlib, as in the proxy's scan workers: faster than fflate on
  // sheet XML, with fflate's caps and verdicts (shared/detector/read/inflate.ts).
  useRawInflater(inflateRawSync);
  let status = 0;
  for (const file of args.files) {
    let bytes: Uint8Array;
    try {
      bytes = file === '-' ? await readStdin() : await readFile(file);
    } catch (error) {
      const message = unreadable(error as NodeJS.ErrnoException, args.lang);
      console.error(`export-guard scan: '${file}': ${message}`);
      // A script reading the JSON lines sees every path it gave, the unreadable ones too.
      if (args.json) console.log(JSON.stringify({ file, error: { code: (error as NodeJS.ErrnoException).code ?? 'unreadable', message } }));
      status = 2;
      continue;
    }
    // The policy's exceptions too: `scan` says what the proxy and the extension would do.
    const verdict = applyExceptions(await detect(bytes, { policy }), policy?.exceptions ?? [], new Date());
    console.log(args.json ? JSON.stringify({ file, ...verdict }) : formatVerdict(file, verdict, args.lang));
    if (verdict.verdict === 'block' && status === 0) status = 1;
  }
  return status;
}

const UNREADABLE: Record<string, { nl: string; en: string }> = {
  ENOENT: { nl: 'bestaat niet', en: 'does not exist' },
  EISDIR: { nl: 'is een map, geen bestand', en: 'is a folder, not a file' },
  EACCES: { nl: 'geen leesrechten', en: 'no permission to read it' },
};

function unreadable(error: NodeJS.ErrnoException, lang: 'nl' | 'en'): string {
  const known = error.code ? UNREADABLE[error.code] : undefined;
  return known ? known[lang] : `${lang === 'nl' ? 'kan niet gelezen worden' : 'cannot be read'} (${error.code ?? error.message})`;
}

const ROW_WORDS = { nl: ['rij', 'rijen'], en: ['row', 'rows'] } as const;

function formatVerdict(file: string, verdict: DecidedVerdict, lang: 'nl' | 'en'): string {
  const label = verdict.verdict === 'block' ? 'BLOCK' : 'ALLOW';
  const [one, other] = ROW_WORDS[lang];
  const rows = verdict.rows > 0 ? `, ${formatCount(verdict.rows, lang)} ${verdict.rows === 1 ? one : other}` : '';
  const head = `${label}  ${file}  (${verdict.kind}${rows})`;
  const exception = verdict.exception && `  exception: ${verdict.exception.allowedBy}, until ${verdict.exception.expiresAt}: ${verdict.exception.reason}`;
  // The caseworker's sentence first, as the block dialog puts it; a file that could not be read has
  // no people to speak of, and its reason says why.
  const lead = verdict.verdict === 'block' && peopleCount(verdict) > 0 ? [`  ${leadSentence(verdict, lang)}`] : [];
  return [head, ...(exception ? [exception] : []), ...lead, ...verdict.reasons.map((r) => `  - ${r.code}: ${r[lang]}`)].join('\n');
}

async function readStdin(): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}
