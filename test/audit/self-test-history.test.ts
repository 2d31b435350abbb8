// The report's self-test history: the evidence that the measure worked on every day of the period.
// A day without a self-test record is shown as such, never as passed; every failed self-test is a
// line of its own with its time and the checks that failed. From a built audit database, and from
// the audit database of a real proxy whose policy allows everything (so its self-test fails).
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { AuditEvent } from '../../proxy/audit/entry.js';
import type { AuditReport } from '../../proxy/audit/report.js';
import { syntheticBsn } from '../../proxy/self-test.js';
import { ROUTES } from '../../shared/api.js';
import { DEFAULT_POLICY } from '../../shared/policy/defaults.js';
import { startTestProxy } from '../proxy/start.js';
import { auditDatabase } from './audit-database.js';
import { storeBesideUpstream } from './store-beside-upstream.js';
import { auditCli } from './run-cli.js';

const selfTest = (at: string, failed: string[] = []): AuditEvent => ({ type: 'self-test', at, facts: { user: '', passed: failed.length === 0, reasonCodes: failed } });

async function report(db: string, ...args: string[]): Promise<string> {
  const { code, out } = await auditCli('report', '--db', db, ...args);
  expect(code, out).toBe(0);
  return out;
}

describe('self-test history in the report, from an audit database', () => {
  let built: { dir: string; path: string };
  beforeAll(async () => {
    built = await auditDatabase([
      selfTest('2026-04-01T08:00:00.000Z'),
      selfTest('2026-04-01T09:00:00.000Z'),
      selfTest('2026-04-02T08:00:00.000Z'),
      selfTest('2026-04-02T23:30:00.000Z', ['harmless-passed']),
      // 2026-04-03 and 04: nothing recorded.
      selfTest('2026-04-05T00:10:00.000Z'),
      // Outside the period asked for: neither counted nor listed.
      selfTest('2026-04-07T08:00:00.000Z', ['export-refused']),
    ]);
  });
  afterAll(() => rmSync(built.dir, { recursive: true, force: true }));

  it('gives each day of the period its status in JSON, a day without a record as none', async () => {
    const r = JSON.parse(await report(built.path, '--format', 'json', '--since', '2026-04-01', '--until', '2026-04-06')) as AuditReport;
    expect(r.selfTest.days).toEqual([
      { day: '2026-04-01', status: 'passed', runs: 2, failed: 0 },
      { day: '2026-04-02', status: 'failed', runs: 2, failed: 1 },
      { day: '2026-04-03', status: 'none', runs: 0, failed: 0 },
      { day: '2026-04-04', status: 'none', runs: 0, failed: 0 },
      { day: '2026-04-05', status: 'passed', runs: 1, failed: 0 },
    ]);
    expect(r).toMatchObject({ until: '2026-04-06T00:00:00.000Z', selfTest: { daysPassed: 2, daysFailed: 1, daysWithout: 2, failures: [{ at: '2026-04-02T23:30:00.000Z', checks: ['harmless-passed'] }] } });
  });

  it('prints the runs of days alike and every failure in the text and CSV forms', async () => {
    const text = await report(built.path, '--since', '2026-04-01', '--until', '2026-04-06');
    expect(text).toContain('Self-test (the measure tested on each UTC day): 2 days passed, 1 days with a failure, 2 days without a self-test');
    const lines = text.split('\n');
    const at = lines.findIndex((line) => line.startsWith('Self-test'));
    expect(lines.slice(at + 1, at + 6).map((line) => line.replace(/\s+/g, ' ').trim())).toEqual([
      '2026-04-01 passed 2 runs',
      '2026-04-02 FAILED 2 runs, 1 failed',
      '2026-04-03 .. 2026-04-04 NO SELF-TEST RECORDED',
      '2026-04-05 passed 1 runs',
      'FAILED 2026-04-02T23:30:00.000Z: harmless-passed',
    ]);
    const csv = await report(built.path, '--format', 'csv', '--since', '2026-04-01', '--until', '2026-04-06');
    expect(csv).toContain('self-test,2026-04-03,none,0');
    expect(csv).toContain('self-test-failed,2026-04-02T23:30:00.000Z,harmless-passed,');
  });

  it('shows the days up to now when no --until closes the period', async () => {
    const r = JSON.parse(await report(built.path, '--format', 'json', '--since', '2026-04-06')) as AuditReport;
    expect(r.selfTest.days[0]).toEqual({ day: '2026-04-06', status: 'none', runs: 0, failed: 0 });
    expect(r.selfTest.days.at(-1)!.day).toBe(new Date().toISOString().slice(0, 10));
    expect(r.selfTest.failures).toEqual([{ at: '2026-04-07T08:00:00.000Z', checks: ['export-refused'] }]);
  });
});

/** Every BSN the self-test's made-up export holds: none may reach a record, a log line or the report. */
const SYNTHETIC_BSNS = Array.from({ length: 20 }, (_, i) => syntheticBsn(123_457 * (i + 1)));

// Two real proxies, one after the other, each with its scan workers and a self-test through them.
describe('a failed self-test of a real proxy, in the audit log, /metrics and the report', { timeout: 120_000 }, () => {
  const real = storeBesideUpstream('eg-self-test-history-');

  it('fails with a policy that allows everything, passes again with the shipped one: the day shows red, with the failure', async () => {
    const { db, upstream } = real;
    const config = { store: { sqlite: db } };
    const allowing = await startTestProxy(upstream.url, config, { policy: { ...DEFAULT_POLICY, rules: [] } });
    const metrics = await (await fetch(allowing.url + ROUTES.metrics)).text();
    await allowing.close();
    expect(metrics).toMatch(/^export_guard_self_test_ok 0$/m);
    expect(metrics).toMatch(/^export_guard_self_test_runs_total\{outcome="failed"\} 1$/m);

    // The fixed proxy's hourly run, its hour faked: only setInterval, sockets and scans keep real time.
    vi.useFakeTimers({ toFake: ['setInterval'] });
    let logLines: string[];
    try {
      const shipped = await startTestProxy(upstream.url, config);
      logLines = [...allowing.logLines, ...shipped.logLines];
      vi.advanceTimersByTime(60 * 60_000);
      await vi.waitFor(async () => expect(await (await fetch(shipped.url + ROUTES.metrics)).text()).toMatch(/^export_guard_self_test_runs_total\{outcome="passed"\} 2$/m), { timeout: 30_000, interval: 100 });
      expect(await (await fetch(shipped.url + ROUTES.metrics)).text()).toMatch(/^export_guard_self_test_ok 1$/m);
      await shipped.close();
    } finally {
      vi.useRealTimers();
    }
    expect(upstream.received).toHaveLength(0);

    const log = JSON.parse(await report(db, '--format', 'json')) as AuditReport;
    const today = new Date().toISOString().slice(0, 10);
    expect(log.selfTest.days.at(-1)).toEqual({ day: today, status: 'failed', runs: 2, failed: 1 });
    expect(log.selfTest.failures).toEqual([{ at: expect.stringMatching(new RegExp(`^${today}T`)), checks: ['export-refused'] }]);

    const html = await report(db, '--format', 'html');
    const red = html.split('\n').filter((line) => line.includes('data-self-test-failed='));
    expect(red).toHaveLength(1);
    expect(red[0]).toMatch(/^<p class="bad" data-self-test-failed="[^"]+"><strong>Zelftest mislukt op .*<code>export-refused<\/code> \(de verzonnen export werd niet geweigerd\)<\/p>$/);
    expect(html).toContain('<data value="1" data-figure="selfTest.daysFailed">');

    // None of the made-up people in the records, the logs or the report.
    const records = [...logLines!, await report(db, '--format', 'json'), await report(db), html].join('\n');
    for (const bsn of SYNTHETIC_BSNS) expect(records).not.toContain(bsn);
    expect(records).not.toContain('Testpersoon');
  });
});
