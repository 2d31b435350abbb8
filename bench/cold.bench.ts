// `npm run bench cold`: the user's wait, cold next to warm (issue 17). For the leak-4 export in
// xlsx, xls, ods and csv at 100, 11,062 and 100,000 rows (xls at its limit, 65,535 people under the
// header; and the 3-row xlsx of the CLI goal), side by side:
// - floor: reading the file and what no reader can skip, warm: inflating every zip part with
//   zlib into one buffer of its size (xlsx, ods), decoding the text (csv), taking the workbook
//   stream out of the OLE2 container (xls);
// - read: the detector's readers alone (readDocuments), warm: how far the reading is from the floor,
//   apart from the analysis of the columns;
// - analysis: the column analysis alone (analyse) on tables read beforehand, warm: the part of the
//   verdict no reader can make cheaper, next to the floor it is held to;
// - warm: detect() in a process that has scanned before, zip parts inflated by zlib as the Node
//   hosts (the CLI, the proxy's scan workers) do;
// - worker: the first scan of a new proxy scan worker once it has warmed up (proxy/scan-pool);
// - cold: a fresh Node process running `export-guard scan` on the file, from its first line to its
//   exit: code loading included, Node's own start left out; and its peak memory (VmHWM), next to
//   what a fresh process that does nothing peaks at;
// - cold floor: a fresh process doing the floor's work, timed the same way (for xls: reading the
//   file and copying it once, as the stream is copied out of its sectors);
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
import { analyse } from '../shared/detector/analyse/index.js';
import type { Document } from '../shared/detector/types.js';
import { readCompoundFile } from '../shared/detector/read/cfb.js';
import { readDocuments } from '../shared/detector/read/index.js';
import { useRawInflater } from '../shared/detector/read/inflate.js';
import { DEFAULT_POLICY } from '../shared/policy/defaults.js';
import type { Policy } from '../shared/policy/types.js';
import { leak4Export } from '../scripts/fixtures/catalogue.js';
import { bundleCli } from '../scripts/bundle-cli.js';

const FORMATS = ['xlsx', 'xls', 'ods', 'csv'] as const;
type Format = (typeof FORMATS)[number];
/** People under the header: xls holds 65,536 rows at most. */
const XLS_MOST = 65_535;
const SAMPLES: [Format, number][] = [
  ['xlsx', 3],
  ...[100, 11_062, 100_000].flatMap((rows) => FORMATS.map((format): [Format, number] => [format, format === 'xls' ? Math.min(rows, XLS_MOST) : rows])),
];
const COLD_RUNS = Number(process.env.COLD_RUNS ?? 5);
/** COLD_ROWS=11062 measures that size alone (xls at its limit counts as 100,000). */
const ONLY_ROWS = process.env.COLD_ROWS === undefined ? undefined : Number(process.env.COLD_ROWS);
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

/**
 * Reading the file and inflating every zip part with zlib, each into one buffer of the size its
 * header declares: what any xlsx or ods reader must do. Plain JavaScript, since the cold floor runs
 * it as the script of a fresh process; it returns the inflated bytes.
 */
const inflateAllParts = (bytes: Uint8Array, inflate: typeof inflateRawSync): number => {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let eocd = bytes.length - 22;
  while (eocd > 0 && view.getUint32(eocd, true) !== 0x06054b50) eocd--;
  let at = view.getUint32(eocd + 16, true);
  let inflated = 0;
  for (let i = view.getUint16(eocd + 10, true); i > 0; i--) {
    const method = view.getUint16(at + 10, true);
    const compressed = view.getUint32(at + 20, true);
    const size = view.getUint32(at + 24, true);
    const local = view.getUint32(at + 42, true);
    const data = local + 30 + view.getUint16(local + 26, true) + view.getUint16(local + 28, true);
    if (method === 8) inflate(bytes.subarray(data, data + compressed), { chunkSize: Math.max(64, size) });
    inflated += size;
    at += 46 + view.getUint16(at + 28, true) + view.getUint16(at + 30, true) + view.getUint16(at + 32, true);
  }
  return inflated;
};

async function floor(format: Format, path: string): Promise<void> {
  const bytes = new Uint8Array(readFileSync(path));
  if (format === 'xlsx' || format === 'ods') return void inflateAllParts(bytes, inflateRawSync);
  if (format === 'csv') return void new TextDecoder().decode(bytes);
  if (!readCompoundFile(bytes)?.rootStream('Workbook')) throw new Error('no Workbook stream');
}

/** The floor's work in a fresh process, timed from its first line, and the bytes a reader then holds. */
const COLD_FLOOR_SCRIPT = `
  const started = performance.now();
  const { readFileSync } = await import('node:fs');
  const { inflateRawSync } = await import('node:zlib');
  const bytes = new Uint8Array(readFileSync(process.argv[1]));
  const zip = bytes[0] === 0x50 && bytes[1] === 0x4b;
  const csv = process.argv[1].endsWith('.csv');
  const inflated = zip ? (${inflateAllParts.toString()})(bytes, inflateRawSync) : csv ? new TextDecoder().decode(bytes).length : bytes.slice().length;
  process.stdout.write(JSON.stringify({ ms: performance.now() - started, inflated }));
`;

function coldFloor(path: string): { ms: number; inflated: number } {
  return JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', COLD_FLOOR_SCRIPT, path], { encoding: 'utf8' })) as { ms: number; inflated: number };
}

/** What a fresh process that loads nothing peaks at (VmHWM), in MB. */
function idlePeakMb(): number {
  const script = `process.stdout.write(/VmHWM:\\s+(\\d+)/.exec(require('node:fs').readFileSync('/proc/self/status', 'utf8'))[1])`;
  return Number(execFileSync(process.execPath, ['-e', script], { encoding: 'utf8' })) / 1024;
}

async function scanned(path: string): Promise<void> {
  const verdict = await detect(new Uint8Array(readFileSync(path)), { policy: POLICY });
  if (verdict.verdict !== 'block') throw new Error(`${path}: expected block, got ${JSON.stringify(verdict.reasons)}`);
}

async function readOnly(path: string): Promise<Document[]> {
  const read = await readDocuments(new Uint8Array(readFileSync(path)), { limits: POLICY.limits, deadline: Date.now() + POLICY.limits.maxScanMs, uninspectableArchives: POLICY.archives.uninspectable });
  if (read.failure) throw new Error(`${path}: not read: ${read.failure.code}`);
  return read.documents;
}

interface WarmTimes {
  floor: number;
  read: number;
  analysis: number;
  warm: number;
}

/** Best warm floor, read, analysis and detect() times, interleaved. */
async function warmTimes(format: Format, path: string): Promise<WarmTimes> {
  useRawInflater(inflateRawSync);
  const best: WarmTimes = { floor: Infinity, read: Infinity, analysis: Infinity, warm: Infinity };
  const documents = await readOnly(path);
  const analysed = async () => {
    if (analyse(documents, POLICY).reasons.length === 0) throw new Error(`${path}: the analysis found nothing to block`);
  };
  const steps: [keyof WarmTimes, () => Promise<unknown>][] = [['floor', () => floor(format, path)], ['read', () => readOnly(path)], ['analysis', analysed], ['warm', () => scanned(path)]];
  for (let run = 0; run <= WARM_RUNS; run++) {
    for (const [name, step] of steps) {
      const started = performance.now();
      await step();
      if (run > 0) best[name] = Math.min(best[name], performance.now() - started);
    }
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
    console.log('read: the readers alone, warm; analysis: the column analysis alone, on tables read before, warm; warm: detect() after earlier scans; worker: first scan of a new, warmed-up proxy scan worker');
    console.log(`cold: \`export-guard scan\` in a fresh process (Node's start left out), median of ${COLD_RUNS}, against the floor's work in a fresh process; cli: the whole process`);
    const idle = median(Array.from({ length: COLD_RUNS }, idleNodeMs));
    const idlePeak = median(Array.from({ length: COLD_RUNS }, idlePeakMb));
    console.log(`\`node -e 0\` takes ${idle.toFixed(0)} ms and peaks at ${idlePeak.toFixed(0)} MB here\n`);
    const columns = ['format', 'rows', 'MB', 'floor', 'read', 'x', 'analysis', 'x', 'warm', 'x', 'worker', 'x', 'cold floor', 'cold', 'x', 'peak MB', 'peak goal', 'cli'];
    console.log(columns.map((c) => c.padStart(10)).join(''));
    for (const [format, rows] of SAMPLES) {
      if (ONLY_ROWS !== undefined && rows !== ONLY_ROWS && !(format === 'xls' && rows === XLS_MOST && ONLY_ROWS > XLS_MOST)) continue;
      const path = samplePath(format, rows);
      writeFileSync(path, leak4Export(rows, format));
      const { floor: floorMs, read, analysis, warm } = JSON.parse(inChild('warm', format, path)) as WarmTimes;
      const worker = Number(inChild('worker', format, path));
      const floors = Array.from({ length: COLD_RUNS }, () => coldFloor(path));
      const coldFloorMs = median(floors.map((f) => f.ms));
      const colds = Array.from({ length: COLD_RUNS }, () => coldScan(compiled, path));
      const cold = median(colds.map((c) => c.ms));
      const peak = median(colds.map((c) => c.peak));
      // Issue 17's memory goal: at most twice the file's inflated size above an idle process.
      const peakGoal = idlePeak + (2 * floors[0]!.inflated) / 1024 / 1024;
      const cli = median(Array.from({ length: COLD_RUNS }, () => cliScan(compiled, path)));
      const x = (ms: number, base = floorMs) => `${(ms / Math.max(base, 0.01)).toFixed(1)}x`;
      const size = (statSync(path).size / 1024 / 1024).toFixed(2);
      const cells = [format, rows, size, floorMs.toFixed(1), read.toFixed(1), x(read), analysis.toFixed(1), x(analysis), warm.toFixed(1), x(warm), worker.toFixed(0), x(worker), coldFloorMs.toFixed(0), cold.toFixed(0), x(cold, coldFloorMs), peak.toFixed(0), peakGoal.toFixed(0), cli.toFixed(0)];
      console.log(cells.map((c) => String(c).padStart(10)).join(''));
    }
    console.log('\ngoals (issue 17): cold leak-4 xlsx at most 4x its floor, warm at most 3x; xls 11,062 rows at most 5x, peak at most the goal; ods at most 3x; cli on 3 rows at most 150 ms');
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
