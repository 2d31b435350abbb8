// `export-guard audit verify|report` on a real database file, tampered with for real.
import { spawnSync } from 'node:child_process';
import { chmodSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AuditEvent, AuditFacts } from '../../proxy/audit/entry.js';
import { auditDatabase, tamper, swapPositions } from './audit-database.js';
import { auditCli } from './run-cli.js';

let dir: string;
let db: string;

const at = (day: string, time = '09:00') => `${day}T${time}:00.000Z`;
const event = (type: AuditEvent['type'], when: string, facts: Partial<AuditFacts> = {}): AuditEvent => ({ type, at: when, facts: { user: 'anna', ...facts } });

// Two ISO weeks: 2026-W10 (2 to 8 March) and 2026-W11.
const HISTORY: AuditEvent[] = [
  event('upload-blocked', at('2026-03-02'), { source: 'proxy', reasonCodes: ['bsn-column', 'many-people'], columns: ['BSN'] }),
  event('upload-blocked', at('2026-03-04'), { source: 'extension', reasonCodes: ['bsn-column'] }),
  event('upload-blocked', at('2026-03-10'), { source: 'proxy', reasonCodes: ['surname-rowid'] }),
  event('approval-requested', at('2026-03-10'), { approvalId: 'a1' }),
  event('approval-approved', at('2026-03-10', '09:10'), { user: 'carla', approvalId: 'a1', minutesToDecide: 10 }),
  event('send-passed', at('2026-03-10', '09:11'), { approvalId: 'a1', recipients: 215 }),
  event('approval-requested', at('2026-03-11'), { approvalId: 'a2' }),
  event('approval-approved', at('2026-03-11', '09:30'), { user: 'carla', approvalId: 'a2', minutesToDecide: 30 }),
  event('approval-requested', at('2026-03-11'), { approvalId: 'a3' }),
  event('approval-rejected', at('2026-03-11', '10:00'), { user: 'carla', approvalId: 'a3', minutesToDecide: 60 }),
  event('approval-expired', at('2026-03-12'), { approvalId: 'a2' }),
  event('send-refused', at('2026-03-12'), { reasonCodes: ['approval-missing'], recipients: 180 }),
  event('send-refused', at('2026-03-12', '10:00'), { reasonCodes: ['approval-payload-changed'] }),
  event('send-refused', at('2026-03-13'), { reasonCodes: ['approval-missing'] }),
  event('send-passed', at('2026-03-13'), { recipients: 1 }),
];

beforeEach(async () => {
  ({ dir, path: db } = await auditDatabase(HISTORY));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const cli = auditCli;

const UNSEALED = 'note: the log is not sealed with an audit key: whoever holds the database can rewrite it and recompute every hash (see docs/audit.md)';

// A log written before the audit key existed (version 1 entries): still verified by its plain hash chain.
describe('audit verify of an unsealed log', () => {
  it('says an untouched log is intact, names its head, warns that it is unsealed and records the run', async () => {
    const { code, out } = await cli('verify', '--db', db);
    expect(code).toBe(0);
    const lines = out.split('\n');
    expect(lines[0]).toMatch(/^intact: 15 entries, head 15:[0-9a-f]{64}$/);
    expect(lines.slice(1)).toEqual([UNSEALED, 'recorded as entry 16 (audit-verified)']);
    expect((await cli('verify', '--db', db, '--no-record')).out).toMatch(/^intact: 16 entries/);
  });

  it('with a head noted earlier, finds a log cut back at its end', async () => {
    const head = (await cli('verify', '--db', db, '--no-record')).out.split('\n')[0]!.split('head ')[1]!;
    expect((await cli('verify', '--db', db, '--no-record', '--head', head)).code).toBe(0);
    tamper(db, 'DELETE FROM audit WHERE seq >= 14');
    // The chain alone cannot see this: what is left is a valid, shorter chain.
    expect((await cli('verify', '--db', db, '--no-record')).code).toBe(0);
    const { code, out } = await cli('verify', '--db', db, '--no-record', '--head', head);
    expect(code).toBe(1);
    expect(out.split('\n')[0]).toBe('BROKEN at entry 15 (truncated): entry 15, noted earlier as the head, is gone: the log was cut back');
  });

  it('names an edited entry', async () => {
    tamper(db, `UPDATE audit SET facts = replace(facts, '"minutesToDecide":60', '"minutesToDecide":6') WHERE seq = 10`);
    const { code, out } = await cli('verify', '--db', db, '--no-record');
    expect(code).toBe(1);
    expect(out).toBe(`BROKEN at entry 10 (edited): entry 10 does not match its own hash: its content was changed\n${UNSEALED}`);
  });

  it('names a removed entry', async () => {
    tamper(db, `DELETE FROM audit WHERE seq = 12`);
    const { code, out } = await cli('verify', '--db', db, '--no-record');
    expect(code).toBe(1);
    expect(out).toContain('BROKEN at entry 13 (missing-before): entry 12, which entry 13 follows, was removed');
  });

  it('names reordered entries', async () => {
    swapPositions(db, 5, 6);
    const { code, out } = await cli('verify', '--db', db, '--no-record');
    expect(code).toBe(1);
    expect(out).toBe(`BROKEN at entry 5 (out-of-order): entry 5 is stored after entry 6\n${UNSEALED}`);
  });

  // Switching to a user without a passwd entry (as a container runs) needs root: elsewhere there is nothing to switch to.
  it.runIf(process.getuid?.() === 0)('records a run by a user without a passwd entry, by uid', { timeout: 60_000 }, async () => {
    chmodSync(dir, 0o777);
    chmodSync(db, 0o666);
    const run = spawnSync(process.execPath, [join('node_modules', 'tsx', 'dist', 'cli.mjs'), join('cli', 'main.ts'), 'audit', 'verify', '--db', db], {
      uid: 54_321,
      gid: 54_321,
      env: { PATH: process.env.PATH, HOME: dir },
      encoding: 'utf8',
    });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(JSON.parse((await cli('report', '--db', db, '--format', 'json')).out).lastVerified).toMatchObject({ by: 'uid 54321', result: 'intact' });
  });

  it('finds the database through the proxy config file', async () => {
    writeFileSync(join(dir, 'config.json'), JSON.stringify({ target: 'http://portal.invalid', store: { sqlite: 'state.db' } }));
    expect(await cli('verify', '--config', join(dir, 'config.json'))).toMatchObject({ code: 0, out: expect.stringContaining('intact: 15 entries') });
    writeFileSync(join(dir, 'memory.json'), JSON.stringify({ target: 'http://portal.invalid' }));
    expect(await cli('verify', '--config', join(dir, 'memory.json'))).toMatchObject({ code: 2, out: expect.stringContaining('names no store.sqlite file') });
  });

  it('refuses a database that does not exist rather than calling an empty log intact', async () => {
    const { code, out } = await cli('verify', '--db', join(dir, 'missing.db'));
    expect(code).toBe(2);
    expect(out).toContain('no database at');
  });
});

describe('audit report', () => {
  it('counts blocks per ISO week by reason, decisions, the median time to approve and refused sends', async () => {
    const { code, out } = await cli('report', '--db', db, '--format', 'json');
    expect(code).toBe(0);
    const report = JSON.parse(out);
    expect(report.blocksPerWeek).toEqual([
      { week: '2026-W10', reason: 'bsn-column', proxy: 1, extension: 1 },
      { week: '2026-W10', reason: 'many-people', proxy: 1, extension: 0 },
      { week: '2026-W11', reason: 'surname-rowid', proxy: 1, extension: 0 },
    ]);
    expect(report.blocks).toEqual({ total: 3, proxy: 2, extension: 1 });
    expect(report.head).toMatch(/^15:[0-9a-f]{64}$/);
    expect(report.approvals).toEqual({ requested: 3, approved: 2, rejected: 1, expired: 1, withdrawn: 0, used: 1 });
    expect(report.medianMinutesToApprove).toBe(20);
    expect(report.sends).toEqual({ passedWithApproval: 1, passedWithoutNeed: 1, refused: 3 });
    expect(report.refusedBy).toEqual([
      { reason: 'approval-missing', count: 2 },
      { reason: 'approval-payload-changed', count: 1 },
    ]);
  });

  it('--since leaves out earlier entries', async () => {
    const report = JSON.parse((await cli('report', '--db', db, '--format', 'json', '--since', '2026-03-09')).out);
    expect(report.blocks.total).toBe(1);
    expect(report.blocksPerWeek).toEqual([{ week: '2026-W11', reason: 'surname-rowid', proxy: 1, extension: 0 }]);
  });

  it('writes text and csv for people and spreadsheets', async () => {
    const text = (await cli('report', '--db', db)).out;
    expect(text).toContain('Blocked uploads: 3 (proxy 2, extension 1)');
    expect(text).toContain('Median time to approve: 20.0 min');
    expect(text).toMatch(/refused: approval-missing\s+2/);
    const csv = (await cli('report', '--db', db, '--format', 'csv')).out.split('\n');
    expect(csv[0]).toBe('section,week,key,value');
    expect(csv).toContain('blocks,2026-W10,bsn-column extension,1');
    expect(csv).toContain('approvals,,median minutes to approve,20.0');
    expect(csv).toContain('refused,,approval-missing,2');
  });

  it('rejects a bad date or format with a usage error', async () => {
    expect((await cli('report', '--db', db, '--since', 'yesterday')).code).toBe(2);
    expect((await cli('report', '--db', db, '--format', 'xml')).code).toBe(2);
  });
});
