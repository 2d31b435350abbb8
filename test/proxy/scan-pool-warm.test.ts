// A new scan worker warms up on made-up files before its first real one (issue 17), and that
// leaves no trace in any verdict: the pool's verdicts equal detect()'s on the same bytes.
import { afterAll, describe, expect, it } from 'vitest';
import { ScanPool } from '../../proxy/scan-pool/pool.js';
import { detect } from '../../shared/detector/index.js';
import { DEFAULT_POLICY } from '../../shared/policy/defaults.js';
import { leak4Export } from '../../scripts/fixtures/catalogue.js';
import { FIXTURE_NAMES, fixtureBytes } from '../helpers/fixtures.js';

// Sized for a loaded two-core machine: the verdicts are the subject, not the speed.
const policy = { ...DEFAULT_POLICY, limits: { ...DEFAULT_POLICY.limits, maxScanMs: 120_000 } };
const pool = new ScanPool({ size: 1, policy, timeoutMs: 180_000, maxHeapMb: 1024 });
afterAll(() => pool.close());

const withoutTiming = ({ elapsedMs: _elapsed, ...verdict }: { elapsedMs: number }) => verdict;

describe('a warmed scan worker', () => {
  it('reports itself warm', async () => {
    await pool.whenWarm();
    expect(pool.warm).toBe(1);
  }, 60_000);

  it('gives the verdicts detect() gives, on every fixture and on the leak-4 export in each format', async () => {
    await pool.whenWarm();
    const inputs: [string, Uint8Array][] = [];
    for (const name of FIXTURE_NAMES) inputs.push([name, await fixtureBytes(name)]);
    for (const format of ['xlsx', 'xls', 'ods', 'csv'] as const) inputs.push([`leak-4 100 rows.${format}`, leak4Export(100, format)]);
    for (const [name, bytes] of inputs) {
      const [fromPool, direct] = [await pool.scan(bytes), await detect(bytes, { policy })];
      expect(withoutTiming(fromPool), name).toEqual(withoutTiming(direct));
    }
  }, 600_000);
});
