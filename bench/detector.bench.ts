// Detector speed and memory on 100-, 11,062- (leak 4) and 100,000-row exports in xlsx, xls, ods
// and csv. The floor is measured in the same process, interleaved with the scans: reading the
// file and inflating every zip part with fflate (csv: reading and decoding the text; xls has
// nothing to inflate). Times are the best of several interleaved runs, which the shared machine
// disturbs least. Peak memory comes from separate child processes, one per scan, so that each
// high-water mark (VmHWM) is that scan's own.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { unzipSync } from 'fflate';
import * as XLSX from '@e965/xlsx';
import { detect } from '../shared/detector/index.js';
import { readDocuments } from '../shared/detector/read/index.js';
import { DEFAULT_POLICY } from '../shared/policy/defaults.js';
import type { Policy } from '../shared/policy/types.js';
import { leak4Export } from '../scripts/fixtures/catalogue.js';

const FORMATS = ['xlsx', 'xls', 'ods', 'csv'] as const;
const SIZES = [100, 11_062, 100_000];
/** BIFF8 holds at most 65,536 rows. */
const MAX_XLS_ROWS = 65_536;
const MODES = ['floor', 'read', 'detect', 'sheetjs'] as const;
type Format = (typeof FORMATS)[number];
type Mode = (typeof MODES)[number];
type Timings = Record<Mode, number>;

const GB = 1024 ** 3;
/** Limits large enough that the 100,000-row files are measured, not refused. */
const POLICY: Policy = {
  ...DEFAULT_POLICY,
  limits: { maxFileBytes: GB, maxScanMs: 600_000, archive: { ...DEFAULT_POLICY.limits.archive, maxInflatedBytes: 2 * GB, maxRatio: 1000 } },
};

const here = fileURLToPath(import.meta.url);

function samplePath(format: Format, rows: number): string {
  return join(tmpdir(), 'export-guard-bench', `leak4-${rows}.${format}`);
}

/** Generated in a child process, so that the parent stays small. */
function makeSample(format: Format, rows: number): void {
  const path = samplePath(format, rows);
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(`${path}.tmp`, leak4Export(rows, format));
  renameSync(`${path}.tmp`, path);
}

async function once(mode: Mode, format: Format, bytes: Uint8Array): Promise<void> {
  switch (mode) {
    case 'floor':
      if (format === 'xlsx' || format === 'ods') unzipSync(bytes);
      if (format === 'csv') new TextDecoder().decode(bytes);
      return;
    case 'read': {
      const outcome = await readDocuments(bytes, { limits: POLICY.limits, deadline: Date.now() + POLICY.limits.maxScanMs });
      if (outcome.failure) throw new Error(`read failed: ${JSON.stringify(outcome.failure)}`);
      return;
    }
    case 'detect': {
      const verdict = await detect(bytes, { policy: POLICY });
      if (verdict.verdict !== 'block') throw new Error(`expected block, got ${JSON.stringify(verdict)}`);
      return;
    }
    case 'sheetjs':
      XLSX.read(bytes, { type: 'array' });
      return;
  }
}

/** Best time of each mode, the modes interleaved so that a busy moment hits all of them alike. */
async function timings(format: Format, rows: number): Promise<Timings> {
  const best: Timings = { floor: Infinity, read: Infinity, detect: Infinity, sheetjs: Infinity };
  const large = rows > 20_000;
  // Run 0 warms up the code; SheetJS on large files is too slow to repeat, and leaves so much
  // garbage that the run after it is seldom a scan's best.
  for (let run = 0; run <= (large ? 4 : 6); run++) {
    for (const mode of MODES) {
      if (mode === 'sheetjs' && large && run !== 1) continue;
      const bytes = new Uint8Array(readFileSync(samplePath(format, rows)));
      const started = performance.now();
      await once(mode, format, bytes);
      if (run > 0) best[mode] = Math.min(best[mode], performance.now() - started);
    }
  }
  return best;
}

async function peakMemoryMb(mode: Mode, format: Format, rows: number): Promise<number> {
  await once(mode, format, new Uint8Array(readFileSync(samplePath(format, rows))));
  const status = readFileSync('/proc/self/status', 'utf8');
  const kb = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? process.resourceUsage().maxRSS);
  return kb / 1024;
}

function inChild(...args: string[]): string {
  const out = execFileSync(process.execPath, ['--import', 'tsx', here, ...args], { encoding: 'utf8', maxBuffer: 1 << 20 });
  return out.trim().split('\n').at(-1) ?? '';
}

export async function run(): Promise<void> {
  console.log('floor: read the file + inflate every zip part (xlsx, ods) / decode the text (csv) / nothing more (xls)');
  console.log('read: readDocuments only; detect: the whole detector; sheetjs: XLSX.read, default options');
  console.log(`peak: VmHWM of a child process doing one scan; an idle child: ${Number(inChild('idle')).toFixed(0)} MB\n`);
  const header = ['format', 'rows', 'MB', 'floor ms', 'read ms', 'x floor', 'detect ms', 'x floor', 'sheetjs ms', 'x floor', 'detect peak', 'sheetjs peak'];
  console.log(header.map((h) => h.padStart(13)).join(''));
  for (const rows of SIZES) {
    for (const format of FORMATS) {
      if (format === 'xls' && rows > MAX_XLS_ROWS) {
        console.log(`${format.padStart(13)}${String(rows).padStart(13)}  n/a: an xls file holds at most 65,536 rows`);
        continue;
      }
      if (!existsSync(samplePath(format, rows))) inChild('make', format, String(rows));
      const t = JSON.parse(inChild('time', format, String(rows))) as Timings;
      const detectPeak = Number(inChild('peak', 'detect', format, String(rows)));
      const sheetjsPeak = Number(inChild('peak', 'sheetjs', format, String(rows)));
      const ratio = (ms: number) => `${(ms / Math.max(t.floor, 0.01)).toFixed(1)}x`;
      const size = (readFileSync(samplePath(format, rows)).length / 1024 / 1024).toFixed(2);
      const cells = [format, rows, size, t.floor.toFixed(1), t.read.toFixed(1), ratio(t.read), t.detect.toFixed(1), ratio(t.detect),
        t.sheetjs.toFixed(1), ratio(t.sheetjs), `${detectPeak.toFixed(0)} MB`, `${sheetjsPeak.toFixed(0)} MB`];
      console.log(cells.map((c) => String(c).padStart(13)).join(''));
    }
  }
}

/** Child process entry points. */
async function child(args: string[]): Promise<void> {
  const [command, ...rest] = args;
  if (command === 'idle') return console.log(Number(/VmHWM:\s+(\d+)/.exec(readFileSync('/proc/self/status', 'utf8'))?.[1]) / 1024);
  if (command === 'make') return makeSample(rest[0] as Format, Number(rest[1]));
  if (command === 'time') return console.log(JSON.stringify(await timings(rest[0] as Format, Number(rest[1]))));
  if (command === 'peak') return console.log(await peakMemoryMb(rest[0] as Mode, rest[1] as Format, Number(rest[2])));
}

if (process.argv[1] && pathToFileURL(process.argv[1]).href === import.meta.url) await child(process.argv.slice(2));
