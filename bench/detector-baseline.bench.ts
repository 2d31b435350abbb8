// The leak-4 exports read and detected by this checkout's detector against an earlier commit's,
// side by side in one process: issue 9's goal is that its new reading paths add at most 10% to the
// leak-4 xlsx and the 100,000-row csv. Times are CPU time (user + system) of each call, the best
// of several rounds with the sides alternating, since the shared machine's load disturbs wall
// time far more than it does the CPU time of a single-threaded loop.
//   EG_BASELINE=<commit> npm run bench detector-baseline   (default: the commit before issue 9)
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { addWorktree, removeWorktree, ROOT } from './baseline-worktree.js';
import { detect } from '../shared/detector/index.js';
import { readDocuments } from '../shared/detector/read/index.js';
import { DEFAULT_POLICY } from '../shared/policy/defaults.js';
import type { Policy } from '../shared/policy/types.js';
import { leak4Export } from '../scripts/fixtures/catalogue.js';

/** The last commit before the detector read files as Excel and LibreOffice do (issue 9). */
const DEFAULT_BASELINE = '0280883';
const SAMPLES = [['xlsx', 11_062], ['ods', 11_062], ['csv', 100_000]] as const;
const ROUNDS = 10;

const GB = 1024 ** 3;
/** Limits large enough that the 100,000-row file is measured, not refused. */
const POLICY: Policy = {
  ...DEFAULT_POLICY,
  limits: { ...DEFAULT_POLICY.limits, maxFileBytes: GB, maxScanMs: 600_000, archive: { ...DEFAULT_POLICY.limits.archive, maxInflatedBytes: 2 * GB, maxRatio: 1000 } },
};

interface Side {
  read(bytes: Uint8Array): Promise<unknown>;
  detect(bytes: Uint8Array): Promise<{ verdict: string }>;
}

async function side(root: string): Promise<Side> {
  const detector = (await import(pathToFileURL(join(root, 'shared/detector/index.ts')).href)) as { detect: typeof detect };
  const reader = (await import(pathToFileURL(join(root, 'shared/detector/read/index.ts')).href)) as { readDocuments: typeof readDocuments };
  return {
    read: (bytes) => reader.readDocuments(bytes, { limits: POLICY.limits, deadline: Date.now() + POLICY.limits.maxScanMs }),
    detect: (bytes) => detector.detect(bytes, { policy: POLICY }),
  };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? NaN;
}

async function cpuMs(work: () => Promise<unknown>): Promise<number> {
  const start = process.cpuUsage();
  await work();
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1000;
}

export async function run(): Promise<void> {
  const baseline = process.env.EG_BASELINE ?? DEFAULT_BASELINE;
  const worktree = addWorktree(baseline);
  try {
    const sides = { baseline: await side(worktree), current: await side(ROOT) };
    const row = (cells: string[]) => console.log(cells.map((c, i) => (i === 0 ? c.padEnd(22) : c.padStart(12))).join(''));
    row([`CPU ms, best of ${ROUNDS}`, baseline.slice(0, 10), 'this tree', 'ratio', 'paired']);
    for (const [format, rows] of SAMPLES) {
      const bytes = leak4Export(rows, format);
      const times = { baseline: { read: [] as number[], detect: [] as number[] }, current: { read: [] as number[], detect: [] as number[] } };
      for (let round = 0; round <= ROUNDS; round++) {
        const order = round % 2 === 0 ? (['baseline', 'current'] as const) : (['current', 'baseline'] as const);
        for (const name of order) {
          const read = await cpuMs(() => sides[name].read(bytes));
          let verdict = '';
          const detected = await cpuMs(async () => ({ verdict } = await sides[name].detect(bytes)));
          if (verdict !== 'block') throw new Error(`${name} ${format}: expected block, got ${verdict}`);
          // Round 0 warms up both sides' code.
          if (round === 0) continue;
          times[name].read.push(read);
          times[name].detect.push(detected);
        }
      }
      for (const mode of ['read', 'detect'] as const) {
        const [a, b] = [Math.min(...times.baseline[mode]), Math.min(...times.current[mode])];
        // The ratio within each round, as a check on the best times: both are noisy alone.
        const paired = median(times.current[mode].map((t, round) => t / (times.baseline[mode][round] ?? NaN)));
        row([`${format} ${rows} ${mode}`, a.toFixed(1), b.toFixed(1), `${(b / a).toFixed(2)}x`, `${paired.toFixed(2)}x`]);
      }
    }
    console.log('  (goal: leak-4 xlsx and the 100,000-row csv within 1.10x of the baseline; paired: median of the ratios within a round)');
  } finally {
    removeWorktree(worktree);
  }
}
