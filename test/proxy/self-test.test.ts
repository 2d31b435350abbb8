// The measure tests itself: with the shipped policy the start-up self-test passes and nothing
// reaches the portal; with a policy that allows everything it fails, and says so in the audit
// log, in /metrics and at log level error, without any value of the made-up people.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROUTES } from '../../shared/api.js';
import { DEFAULT_POLICY } from '../../shared/policy/defaults.js';
import { SqliteStore } from '../../proxy/store/sqlite.js';
import { parseConfig } from '../../proxy/config.js';
import { syntheticBsn } from '../../proxy/self-test.js';
import type { AuditEntry } from '../../proxy/audit/entry.js';
import { startTestProxy, type TestProxy } from './start.js';
import { startUpstream, type Upstream } from './upstream.js';

let dir: string;
let upstream: Upstream;
let proxy: TestProxy | undefined;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'eg-self-test-'));
  upstream = await startUpstream();
});

afterEach(async () => {
  await proxy?.close();
  proxy = undefined;
  await upstream.close();
  rmSync(dir, { recursive: true, force: true });
});

async function start(config: Record<string, unknown>, policy = DEFAULT_POLICY): Promise<TestProxy> {
  proxy = await startTestProxy(upstream.url, { store: { sqlite: join(dir, 'state.db') }, ...config }, { policy });
  return proxy;
}

async function auditEntries(): Promise<AuditEntry[]> {
  const store = new SqliteStore(join(dir, 'state.db'));
  try {
    return await store.auditEntries();
  } finally {
    await store.close();
  }
}

async function metricsText(running: TestProxy): Promise<string> {
  return (await fetch(`${running.url}${ROUTES.metrics}`)).text();
}

/** Every BSN the self-test's export could hold: none may appear in a record. */
const SYNTHETIC_BSNS = Array.from({ length: 20 }, (_, i) => syntheticBsn(123_457 * (i + 1)));

describe('self-test', () => {
  it('passes with the shipped policy: metric 1, a passed run counted, nothing forwarded, no audit entry at start', async () => {
    const running = await start({});
    const metrics = await metricsText(running);
    expect(metrics).toMatch(/^export_guard_self_test_ok 1$/m);
    expect(metrics).toMatch(/^export_guard_self_test_runs_total\{outcome="passed"\} 1$/m);
    expect(upstream.received).toHaveLength(0);
    expect(running.logLines.some((line) => line.includes('"event":"self-test-passed"'))).toBe(true);
    await running.close();
    expect((await auditEntries()).filter((entry) => entry.type === 'self-test')).toEqual([]);
  }, 60_000);

  it('holds the bulk send on an office’s own send route, its facts at nested paths', async () => {
    const running = await start({ approval: { sendRoutes: [{ method: 'PUT', path: '/api/v2/berichten', recipients: 'bericht.aan', attachments: 'bericht.bijlagen' }] } });
    expect(await metricsText(running)).toMatch(/^export_guard_self_test_ok 1$/m);
    expect(upstream.received).toHaveLength(0);
  }, 60_000);

  it('fails with a policy that allows everything: audit entry, metric 0, error log, no personal value anywhere', async () => {
    const running = await start({}, { ...DEFAULT_POLICY, rules: [] });
    const metrics = await metricsText(running);
    expect(metrics).toMatch(/^export_guard_self_test_ok 0$/m);
    expect(metrics).toMatch(/^export_guard_self_test_runs_total\{outcome="failed"\} 1$/m);
    expect(upstream.received).toHaveLength(0);
    const errors = running.logLines.map((line) => JSON.parse(line) as { level: string; event: string; failed?: string[] }).filter((line) => line.level === 'error');
    expect(errors).toEqual([expect.objectContaining({ event: 'self-test-failed', failed: ['export-refused'] })]);
    await running.close();
    const entries = (await auditEntries()).filter((entry) => entry.type === 'self-test');
    expect(entries).toHaveLength(1);
    expect(entries[0]!.facts).toEqual({ user: '', passed: false, reasonCodes: ['export-refused'] });
    const records = [...running.logLines, JSON.stringify(entries)].join('\n');
    for (const bsn of SYNTHETIC_BSNS) expect(records).not.toContain(bsn);
    expect(records).not.toContain('Testpersoon');
  }, 60_000);

  it('audits every periodic run, passed too: the evidence that the measure worked all period', async () => {
    // Only setInterval is faked: sockets, scans and the store keep real time.
    vi.useFakeTimers({ toFake: ['setInterval'] });
    try {
      const running = await start({ selfTest: { intervalMinutes: 60 } });
      vi.advanceTimersByTime(60 * 60_000);
      await vi.waitFor(async () => expect(await metricsText(running)).toMatch(/^export_guard_self_test_runs_total\{outcome="passed"\} 2$/m), { timeout: 30_000, interval: 100 });
      await running.close();
    } finally {
      vi.useRealTimers();
    }
    const entries = (await auditEntries()).filter((entry) => entry.type === 'self-test');
    expect(entries.map((entry) => entry.facts)).toEqual([{ user: '', passed: true, reasonCodes: [] }]);
    expect(upstream.received).toHaveLength(0);
  }, 60_000);

  it('can be switched off, and its interval is validated by field name', () => {
    expect(parseConfig({ target: 'http://portal.invalid', selfTest: { enabled: false } }, dir).selfTest).toEqual({ enabled: false, intervalMinutes: 60 });
    expect(() => parseConfig({ target: 'http://portal.invalid', selfTest: { intervalMinutes: 0 } }, dir)).toThrow(/config\.selfTest\.intervalMinutes/);
    expect(() => parseConfig({ target: 'http://portal.invalid', selfTest: { every: 5 } }, dir)).toThrow(/config\.selfTest/);
  });
});
