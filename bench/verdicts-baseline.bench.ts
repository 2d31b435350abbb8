// `npm run bench verdicts-baseline`: the whole verdict (verdict, kind, reasons with their codes,
// paths and texts, findings, rows) of every fixture, the leak-4 exports in each format and every
// file of the real corpus (../shared/corpus), from this tree and from an earlier commit; prints
// each file whose verdict differs. Speed work must not change a verdict (issue 17).
//   EG_BASELINE=<commit> (default: the commit before issue 17's work)
//   EG_BASELINE_DIR=<a checkout> to compare with a tree already there instead
//   EG_VERDICTS_ZLIB=1 to inflate zip parts with Node's zlib, as the proxy's scan workers do
//   EG_VERDICTS_AHEAD=1 to inflate them ahead with DecompressionStream, as the extension's scanner does
// Each side runs in a child process of its own, the files in the same order: SheetJS keeps
// state between the files it reads (the number formats it has seen), so a shared process would
// let one side's reading change the other's.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { inflateRawSync } from 'node:zlib';
import { addWorktree, removeWorktree, ROOT } from './baseline-worktree.js';
import { FIXTURE_NAMES, leak4Export } from '../scripts/fixtures/catalogue.js';
import { ensureFixture, FIXTURE_DIR } from '../scripts/fixtures/generate.js';
import type { detect as Detect } from '../shared/detector/index.js';
import { DEFAULT_POLICY } from '../shared/policy/defaults.js';

/** The last commit before issue 17 (cold start, lazy SheetJS). */
const DEFAULT_BASELINE = 'b65c40e';
const CORPUS = join(ROOT, '../shared/corpus/sheetjs-test-files');
/** The verdicts are the subject, not the machine's speed: no file may time out on a loaded machine. */
const POLICY = { ...DEFAULT_POLICY, limits: { ...DEFAULT_POLICY.limits, maxScanMs: 300_000 } };
const here = fileURLToPath(import.meta.url);

/** Every input, by path: fixtures, leak-4 exports (written once into the temp dir), the corpus. */
async function inputs(): Promise<string[]> {
  const files: string[] = [];
  for (const name of FIXTURE_NAMES) files.push(await ensureFixture(FIXTURE_DIR, name));
  const samples = join(tmpdir(), 'export-guard-bench', 'verdicts');
  mkdirSync(samples, { recursive: true });
  for (const rows of [3, 100, 11_062]) {
    for (const format of ['xlsx', 'xls', 'ods', 'csv'] as const) {
      const path = join(samples, `leak4-${rows}.${format}`);
      if (!existsSync(path)) writeFileSync(path, leak4Export(rows, format));
      files.push(path);
    }
  }
  if (existsSync(CORPUS)) for (const name of readdirSync(CORPUS).sort()) files.push(join(CORPUS, name));
  return files;
}

/** One side: the verdict of each file as a JSON line, timing and hash left out. */
async function snapshot(root: string, list: string): Promise<void> {
  const { detect } = (await import(pathToFileURL(join(root, 'shared/detector/index.ts')).href)) as { detect: typeof Detect };
  // EG_VERDICTS_ZLIB=1: zip parts inflated by Node's zlib, as the proxy's scan workers do, where the tree can.
  if (process.env.EG_VERDICTS_ZLIB && existsSync(join(root, 'shared/detector/read/inflate.ts'))) {
    const { useRawInflater } = (await import(pathToFileURL(join(root, 'shared/detector/read/inflate.ts')).href)) as { useRawInflater?: (inflater: typeof inflateRawSync) => void };
    useRawInflater?.(inflateRawSync);
  }
  // EG_VERDICTS_AHEAD=1: the current tree with the browser's inflater ahead; the baseline as it was.
  if (process.env.EG_VERDICTS_AHEAD && root === ROOT) {
    const inflate = (await import(pathToFileURL(join(root, 'shared/detector/read/inflate.ts')).href)) as typeof import('../shared/detector/read/inflate.js');
    inflate.useAheadInflater(inflate.inflateByStream);
  }
  for (const file of readFileSync(list, 'utf8').split('\n').filter(Boolean)) {
    const { elapsedMs: _elapsed, ...verdict } = await detect(new Uint8Array(readFileSync(file)), { policy: POLICY });
    process.stdout.write(`${JSON.stringify({ file, ...verdict })}\n`);
  }
}

function side(root: string, list: string): Map<string, string> {
  const out = execFileSync(process.execPath, ['--import', 'tsx', here, 'snapshot', root, list], { encoding: 'utf8', maxBuffer: 1 << 30, cwd: ROOT });
  const lines = out.trim().split('\n').map((line) => JSON.parse(line) as { file: string });
  return new Map(lines.map((line) => [line.file, JSON.stringify(line)]));
}

/** The files whose verdicts differ between the two trees (an empty list: none). */
export async function compareVerdicts(baselineRoot: string, currentRoot = ROOT): Promise<{ files: number; differ: string[] }> {
  const files = await inputs();
  const list = join(tmpdir(), `export-guard-verdicts-${process.pid}.txt`);
  writeFileSync(list, files.join('\n'));
  const [before, after] = [side(baselineRoot, list), side(currentRoot, list)];
  const differ = files.filter((file) => before.get(file) !== after.get(file));
  for (const file of differ) console.log(`differs: ${file}\n  before ${before.get(file)}\n  after  ${after.get(file)}`);
  return { files: files.length, differ };
}

export async function run(): Promise<void> {
  const given = process.env.EG_BASELINE_DIR;
  const baseline = process.env.EG_BASELINE ?? DEFAULT_BASELINE;
  const worktree = given ?? addWorktree(baseline);
  try {
    const started = Date.now();
    const { files, differ } = await compareVerdicts(worktree);
    console.log(`${files} files, ${differ.length} verdicts differ from ${given ?? baseline} (${((Date.now() - started) / 1000).toFixed(0)} s)`);
    if (differ.length > 0) process.exitCode = 1;
  } finally {
    if (!given) removeWorktree(worktree);
  }
}

if (process.argv[1] && pathToFileURL(process.argv[1]).href === import.meta.url && process.argv[2] === 'snapshot') await snapshot(process.argv[3]!, process.argv[4]!);
