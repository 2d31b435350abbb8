// `npm run bench cold`: the user's wait, cold next to warm (issue 17). For the leak-4 export in
// xlsx, xls, ods and csv at 100 and 11,062 rows (and the 3-row xlsx of the CLI goal), side by side:
// - floor: reading the file and what no reader can skip, warm: inflating every zip part with
//   zlib (xlsx, ods), decoding the text (csv), taking the workbook stream out of the OLE2
//   container (xls);
// - warm: detect() in a process that has scanned before;
// - worker: the first scan of a new proxy scan worker once it has warmed up (proxy/scan-pool);
// - cold: a fresh Node process running `export-guard scan` on the file, from its first line to its
//   exit: code loading included, Node's own start left out; and its peak memory;
// - cli: `export-guard scan` as a whole process, Node's start included: what a caseworker waits.
// The cold runs use the command as it ships: the launcher and the bundle that `npm ci` writes to
// build/ (scripts/bundle-cli.ts), built from this tree into a temporary folder by the same function
// (build/ itself other work may be rebuilding). Times are the median of COLD_RUNS fresh processes,
// and the best of several interleaved runs warm.
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { inflateRawSync } from 'node:zlib';
import { percentile } from './load.js';
import { ROOT } from './baseline-worktree.js';
import { ScanPool } from '../proxy/scan-pool/pool.js';
import { detect } from '../shared/detector/index.js';
import { readCompoundFile } from '../shared/detector/read/cfb.js';
import { DEFAULT_POLICY } from '../shared/policy/defaults.js';
import type { Policy } from '../shared/policy/types.js';
import { leak4Export } from '../scripts/fixtures/catalogue.js';
import { bundleCli } from '../scripts/bundle-cli.js';

const FORMATS = ['xlsx', 'xls', 'ods', 'csv'] as const;
type Format = (typeof FORMATS)[number];
const SAMPLES: [Format, number][] = [['xlsx', 3], ...[100, 11_062].flatMap((rows) => FORMATS.map((format): [Format, number] => [format, rows]))];
const COLD_RUNS = Number(process.env.COLD_RUNS ?? 5);
const WARM_RUNS = 6;

const GB = 1024 ** 3;
const POLICY: Policy = {
  ...DEFAULT_POLICY,
  limits: { maxFileBytes: GB, maxScanMs: 600_000, archive: { ...DEFAULT_POLICY.limits.archive, maxInflatedBytes: 2 * GB, maxRatio: 1000 } },
};

const here = fileURLToPath(import.meta.url);
const SAMPLE_DIR = join(tmpdir(), 'export-guard-bench', 'cold');

function samplePath(format: Format, rows: number): string {
  return join(SAMPLE_DIR, `leak4-${rows}.${format}`);
}

/** The launcher and this tree's bundle as `npm ci` lays them out, beside a link to node_modules and the bench's policy. */
export async function compileTree(): Promise<string> {
  const out = join(tmpdir(), 'export-guard-bench', `cold-build-${process.pid}`);
  await bundleCli(join(out, 'build'));
  cpSync(join(ROOT, 'bin'), join(out, 'bin'), { recursive: true });
  symlinkSync(join(ROOT, 'node_modules'), join(out, 'node_modules'));
  writeFileSync(policyFile(out), JSON.stringify(POLICY));
  return out;
}

const launcher = (compiled: string) => join(compiled, 'bin/export-guard.js');
const policyFile = (compiled: string) => join(compiled, 'bench-policy.json');

/** Reading the file and inflating every zip part with zlib: what any xlsx or ods reader must do. */
function inflateAllParts(bytes: Uint8Array): void {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let eocd = bytes.length - 22;
  while (eocd > 0 && view.getUint32(eocd, true) !== 0x06054b50) eocd--;
  let at = view.getUint32(eocd + 16, true);
  for (let i = view.getUint16(eocd + 10, true); i > 0; i--) {
    const method = view.getUint16(at + 10, true);
    const compressed = view.getUint32(at + 20, true);
    const local = view.getUint32(at + 42, true);
    const data = local + 30 + view.getUint16(local + 26, true) + view.getUint16(local + 28, true);
    if (method === 8) inflateRawSync(bytes.subarray(data, data + compressed));
    at += 46 + view.getUint16(at + 28, true) + view.getUint16(at + 30, true) + view.getUint16(at + 32, true);
  }
}

async function floor(format: Format, path: string): Promise<void> {
  const bytes = new Uint8Array(readFileSync(path));
  if (format === 'xlsx' || format === 'ods') return inflateAllParts(bytes);
  if (format === 'csv') return void new TextDecoder().decode(bytes);
  if (!readCompoundFile(bytes)?.rootStream('Workbook')) throw new Error('no Workbook stream');
}

async function scanned(path: string): Promise<void> {
  const verdict = await detect(new Uint8Array(readFileSync(path)), { policy: POLICY });
  if (verdict.verdict !== 'block') throw new Error(`${path}: expected block, got ${JSON.stringify(verdict.reasons)}`);
}

/** Best warm floor and detect() times, interleaved. */
async function warmTimes(format: Format, path: string): Promise<{ floor: number; warm: number }> {
  const best = { floor: Infinity, warm: Infinity };
  for (let run = 0; run <= WARM_RUNS; run++) {
    let started = performance.now();
    await floor(format, path);
    if (run > 0) best.floor = Math.min(best.floor, performance.now() - started);
    started = performance.now();
    await scanned(path);
    if (run > 0) best.warm = Math.min(best.warm, performance.now() - started);
  }
  return best;
}

/** The first scan of a new scan worker, once it has warmed up. */
async function workerFirstScan(path: string): Promise<number> {
  const pool = new ScanPool({ size: 1, policy: POLICY, timeoutMs: 600_000, maxHeapMb: 4096 });
  try {
    await pool.whenWarm();
    const bytes = new Uint8Array(readFileSync(path));
    const started = performance.now();
    const verdict = await pool.scan(bytes);
    if (verdict.verdict !== 'block') throw new Error(`${path}: the worker did not block it`);
    return performance.now() - started;
  } finally {
    await pool.close();
  }
}

/** A fresh process: `export-guard scan --json FILE`; milliseconds from its first line to its exit, and peak MB. */
const COLD_SCRIPT = `
  const started = performance.now();
  const { readFileSync } = await import('node:fs');
  process.on('exit', () => {
    const ms = performance.now() - started;
    const peak = Number(/VmHWM:\\s+(\\d+)/.exec(readFileSync('/proc/self/status', 'utf8'))[1]) / 1024;
    process.stdout.write(JSON.stringify({ ms, peak }));
  });
  await import(process.argv[1]);
`;

export function coldScan(compiled: string, path: string): { ms: number; peak: number } {
  const entry = pathToFileURL(launcher(compiled)).href;
  const { stdout } = blocked(['--input-type=module', '-e', COLD_SCRIPT, entry, 'scan', '--json', '--policy', policyFile(compiled), path], path);
  const [verdict, timing] = stdout.split('\n').slice(-2).map((line) => JSON.parse(line) as Record<string, unknown>);
  if (verdict?.verdict !== 'block') throw new Error(`${path}: cold scan did not block it`);
  return timing as { ms: number; peak: number };
}

/** `export-guard scan` as the user runs it, Node's start included. */
function cliScan(compiled: string, path: string): number {
  const started = performance.now();
  blocked([launcher(compiled), 'scan', path], path);
  return performance.now() - started;
}

/** Runs Node with `args`, which must end in exit status 1: the file blocked. */
function blocked(args: string[], path: string): { stdout: string } {
  const child = spawnSync(process.execPath, args, { encoding: 'utf8', maxBuffer: 1 << 20 });
  if (child.status !== 1) throw new Error(`${path}: export-guard scan exited ${child.status}, not 1 (blocked): ${child.stderr}`);
  return child;
}

function idleNodeMs(): number {
  const started = performance.now();
  execFileSync(process.execPath, ['-e', '0']);
  return performance.now() - started;
}

const median = (values: number[]) => percentile(values, 50);

export async function run(): Promise<void> {
  mkdirSync(SAMPLE_DIR, { recursive: true });
  const compiled = await compileTree();
  try {
    console.log('floor: read + inflate every part with zlib (xlsx, ods) / decode (csv) / the Workbook stream out of OLE2 (xls), warm');
    console.log('warm: detect() after earlier scans; worker: first scan of a new, warmed-up proxy scan worker');
    console.log(`cold: a fresh process loading the detector and scanning (Node's start left out), median of ${COLD_RUNS}; cli: \`export-guard scan\`, whole process`);
    const idle = median(Array.from({ length: COLD_RUNS }, idleNodeMs));
    console.log(`\`node -e 0\` takes ${idle.toFixed(0)} ms here\n`);
    const columns = ['format', 'rows', 'MB', 'floor ms', 'warm ms', 'x floor', 'worker ms', 'x floor', 'cold ms', 'x floor', 'cold/warm', 'cold peak', 'cli ms'];
    console.log(columns.map((c) => c.padStart(11)).join(''));
    for (const [format, rows] of SAMPLES) {
      const path = samplePath(format, rows);
      writeFileSync(path, leak4Export(rows, format));
      const { floor: floorMs, warm } = JSON.parse(inChild('warm', format, path)) as { floor: number; warm: number };
      const worker = Number(inChild('worker', format, path));
      const colds = Array.from({ length: COLD_RUNS }, () => coldScan(compiled, path));
      const cold = median(colds.map((c) => c.ms));
      const peak = median(colds.map((c) => c.peak));
      const cli = median(Array.from({ length: COLD_RUNS }, () => cliScan(compiled, path)));
      const x = (ms: number) => `${(ms / Math.max(floorMs, 0.01)).toFixed(1)}x`;
      const size = (statSync(path).size / 1024 / 1024).toFixed(2);
      const cells = [format, rows, size, floorMs.toFixed(1), warm.toFixed(1), x(warm), worker.toFixed(1), x(worker), cold.toFixed(0), x(cold), `${(cold / warm).toFixed(1)}x`, `${peak.toFixed(0)} MB`, cli.toFixed(0)];
      console.log(cells.map((c) => String(c).padStart(11)).join(''));
    }
    console.log('\ngoals (issue 17): cold leak-4 xlsx at most 4x its floor, warm at most 3x; xls 11,062 rows at most 5x; ods at most 3x; cli on 3 rows at most 150 ms');
  } finally {
    rmSync(compiled, { recursive: true, force: true });
  }
}

/** Warm times and the worker's first scan run in a child of their own, so this process stays small and cold-free. */
function inChild(...args: string[]): string {
  const out = execFileSync(process.execPath, ['--import', 'tsx', here, ...args], { encoding: 'utf8', maxBuffer: 1 << 20, cwd: ROOT });
  return out.trim().split('\n').at(-1) ?? '';
}

async function child(args: string[]): Promise<void> {
  const [command, format, path] = args as [string, Format, string];
  if (command === 'warm') return console.log(JSON.stringify(await warmTimes(format, path)));
  if (command === 'worker') return console.log(await workerFirstScan(path));
}

if (process.argv[1] && pathToFileURL(process.argv[1]).href === import.meta.url) await child(process.argv.slice(2));
