// Per office: config.office names the office a proxy serves, its audit entries carry it, and the
// report gives each office its own figures once the log holds the events of more than one (as a
// store shared by several offices does). The breakdown is read from the entries alone, so it holds
// for any store: tested here on a SQLite audit database whose events name two offices.
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditEvent, AuditFacts } from '../../proxy/audit/entry.js';
import type { AuditReport } from '../../proxy/audit/report.js';
import { parseConfig } from '../../proxy/config.js';
import { syntheticBsn } from '../../proxy/self-test.js';
import { SqliteStore } from '../../proxy/store/sqlite.js';
import { DEFAULT_POLICY } from '../../shared/policy/defaults.js';
import { startTestProxy } from '../proxy/start.js';
import { auditDatabase } from './audit-database.js';
import { storeBesideUpstream } from './store-beside-upstream.js';
import { launchReportBrowser } from './report-browser.js';
import { auditCli } from './run-cli.js';

const at = (day: string, time = '09:00') => `${day}T${time}:00.000Z`;
const event = (type: AuditEvent['type'], when: string, office: string | undefined, facts: Partial<AuditFacts> = {}): AuditEvent => ({ type, at: when, facts: { user: 'u1', ...(office ? { office } : {}), ...facts } });
const passed = (when: string, office: string) => event('self-test', when, office, { user: '', passed: true, reasonCodes: [] });

// Tilburg tests itself every day and fails once; Den Haag-Centrum stops testing after 2 June.
const HISTORY: AuditEvent[] = [
  event('upload-blocked', at('2026-06-01'), 'Tilburg', { source: 'proxy', reasonCodes: ['bsn-column'] }),
  event('upload-blocked', at('2026-06-01', '10:00'), 'Tilburg', { source: 'extension', reasonCodes: ['bsn-column'] }),
  event('upload-blocked', at('2026-06-02'), 'Den Haag-Centrum', { source: 'proxy', reasonCodes: ['people-list'] }),
  event('approval-requested', at('2026-06-02'), 'Den Haag-Centrum', { approvalId: 'a1' }),
  event('approval-rejected', at('2026-06-02', '09:30'), 'Den Haag-Centrum', { approvalId: 'a1', minutesToDecide: 30 }),
  event('send-refused', at('2026-06-03'), 'Tilburg', { reasonCodes: ['approval-missing'] }),
  passed(at('2026-06-01', '06:00'), 'Tilburg'),
  passed(at('2026-06-02', '06:00'), 'Tilburg'),
  event('self-test', at('2026-06-03', '06:00'), 'Tilburg', { user: '', passed: false, reasonCodes: ['bulk-send-held'] }),
  passed(at('2026-06-01', '06:30'), 'Den Haag-Centrum'),
  passed(at('2026-06-02', '06:30'), 'Den Haag-Centrum'),
  // A verification from the command line names no office, and is no office's.
  event('audit-verified', at('2026-06-03', '12:00'), undefined, { user: 'fg', result: 'intact', entries: 11, reasonCodes: [] }),
];
const PERIOD = ['--since', '2026-06-01', '--until', '2026-06-04'];

let built: { dir: string; path: string };
beforeAll(async () => {
  built = await auditDatabase([...HISTORY].sort((a, b) => a.at.localeCompare(b.at)));
});
afterAll(() => rmSync(built.dir, { recursive: true, force: true }));

async function report(db: string, ...args: string[]): Promise<string> {
  const { code, out } = await auditCli('report', '--db', db, ...args);
  expect(code, out).toBe(0);
  return out;
}

describe('config.office', () => {
  it("is optional, and a name of letters, digits, spaces and . ' - checked by field", () => {
    const config = (office: unknown) => parseConfig({ target: 'http://portal.invalid', ...(office === undefined ? {} : { office }) }, process.cwd());
    expect(config(undefined).office).toBeUndefined();
    expect(config('Den Haag-Centrum').office).toBe('Den Haag-Centrum');
    expect(config("'s-Hertogenbosch").office).toBe("'s-Hertogenbosch");
    for (const wrong of ['', ' Tilburg', 'Tilburg <b>', 'x'.repeat(64), 42]) {
      expect(() => config(wrong), String(wrong)).toThrow(/^config\.office: expected an office name/);
    }
  });
});

describe('the report per office', () => {
  it('gives each office its figures and its own self-test days in JSON', async () => {
    const r = JSON.parse(await report(built.path, '--format', 'json', ...PERIOD)) as AuditReport;
    expect(r.offices?.map((o) => o.office)).toEqual(['Den Haag-Centrum', 'Tilburg']);
    const [haag, tilburg] = r.offices!;
    expect(tilburg).toMatchObject({ blocks: { total: 2, proxy: 1, extension: 1 }, sends: { refused: 1 }, approvals: { requested: 0 } });
    expect(haag).toMatchObject({ blocks: { total: 1, proxy: 1, extension: 0 }, sends: { refused: 0 }, approvals: { requested: 1, rejected: 1 } });
    expect(tilburg!.selfTest.days.map((d) => d.status)).toEqual(['passed', 'passed', 'failed']);
    expect(haag!.selfTest.days.map((d) => d.status)).toEqual(['passed', 'passed', 'none']);
    // Over all offices 3 June has a failure; that Den Haag had no self-test then is in its own days.
    expect(r.selfTest.days.map((d) => d.status)).toEqual(['passed', 'passed', 'failed']);
    expect(r.selfTest.failures).toEqual([{ at: at('2026-06-03', '06:00'), checks: ['bulk-send-held'], office: 'Tilburg' }]);
  });

  it('has no breakdown while the events name one office, and groups events naming none when there are several', async () => {
    const one = JSON.parse(await report(built.path, '--format', 'json', '--since', '2026-06-03', '--until', '2026-06-04')) as AuditReport;
    expect(one.offices).toBeUndefined();
    const older = await auditDatabase([event('upload-blocked', at('2026-05-31'), undefined, { source: 'proxy', reasonCodes: ['bsn-column'] }), ...[...HISTORY].sort((a, b) => a.at.localeCompare(b.at))]);
    try {
      const r = JSON.parse(await report(older.path, '--format', 'json', '--since', '2026-05-31', '--until', '2026-06-04')) as AuditReport;
      expect(r.offices?.map((o) => [o.office, o.blocks.total])).toEqual([['Den Haag-Centrum', 1], ['Tilburg', 2], ['', 1]]);
    } finally {
      rmSync(older.dir, { recursive: true, force: true });
    }
  });

  it('prints the offices in the text and CSV forms', async () => {
    const text = await report(built.path, ...PERIOD);
    const lines = text.split('\n');
    const at = lines.indexOf('Per office:');
    expect(lines.slice(at + 2, at + 4).map((line) => line.replace(/\s+/g, ' ').trim())).toEqual(['Den Haag-Centrum 1 1/0/1 0 2/0/1 0', 'Tilburg 2 0/0/0 1 2/1/0 1']);
    expect(text).toContain('FAILED 2026-06-03T06:00:00.000Z: bulk-send-held (office Tilburg)');
    const csv = await report(built.path, '--format', 'csv', ...PERIOD);
    expect(csv).toContain('office,Tilburg,self-test days failed,1');
    expect(csv).toContain('office,Den Haag-Centrum,self-test days without,1');
  });

  it('shows the offices side by side on the html page, in Chromium', async () => {
    const html = await report(built.path, '--format', 'html', ...PERIOD);
    const browser = await launchReportBrowser();
    try {
      const page = await browser.newPage();
      await page.setContent(html, { waitUntil: 'load' });
      expect(await page.$$eval('h2', (hs) => hs.map((h) => h.textContent))).toContain('Per kantoor');
      const rows = await page.$$eval('tr[data-office]', (trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent)));
      expect(rows).toEqual([
        ['Den Haag-Centrum', '1', '1', '0', '1', '0', '2 / 0 / 1'],
        ['Tilburg', '2', '0', '0', '0', '1', '2 / 1 / 0'],
      ]);
      const figures = await page.$$eval('data[data-figure^="offices."]', (all) => Object.fromEntries(all.map((d) => [d.dataset.figure!, Number(d.value)])));
      expect(figures).toMatchObject({ 'offices.Tilburg.blocks.total': 2, 'offices.Tilburg.selfTest.daysFailed': 1, 'offices.Den Haag-Centrum.selfTest.daysWithout': 1 });
      // Each office's day strip: Den Haag's last day grey, Tilburg's red.
      const strips = await page.$$eval('svg.days', (svgs) => svgs.map((svg) => [...svg.querySelectorAll('rect')].map((r) => r.dataset.status)));
      expect(strips).toEqual([['passed', 'passed', 'failed'], ['passed', 'passed', 'none'], ['passed', 'passed', 'failed']]);
      expect(await page.$eval('[data-self-test-failed]', (p) => p.textContent)).toContain('(kantoor Tilburg)');
    } finally {
      await browser.close();
    }
  });
});

/** Twenty rows of made-up people: BSNs that pass the eleven test, names, postcodes. */
function exportOfPeople(): string {
  const rows = Array.from({ length: 20 }, (_, i) => `${syntheticBsn(987_653 * (i + 1))};Voorbeeld ${i + 1};${1000 + i} AB`);
  return ['BSN;Naam;Postcode', ...rows].join('\r\n');
}

// Two real proxies, each with its scan workers, one after the other on one SQLite store.
describe('proxies of two offices sharing one store', { timeout: 120_000 }, () => {
  const real = storeBesideUpstream('eg-offices-');

  it('stamp their office on every entry they write, and the report breaks the log down by them', async () => {
    const { db, upstream } = real;
    // Tilburg's policy lets everything through: its self-test fails, and says so under its name.
    const tilburg = await startTestProxy(upstream.url, { office: 'Tilburg', store: { sqlite: db } }, { policy: { ...DEFAULT_POLICY, rules: [] } });
    await tilburg.close();
    const haag = await startTestProxy(upstream.url, { office: 'Den Haag-Centrum', store: { sqlite: db } });
    try {
      const form = new FormData();
      form.append('attachment', new Blob([exportOfPeople()], { type: 'text/csv' }), 'lijst.csv');
      expect((await fetch(`${haag.url}/api/attachments`, { method: 'POST', body: form })).status).toBe(422);
    } finally {
      await haag.close();
    }

    const store = new SqliteStore(db);
    const entries = await store.auditEntries().finally(() => store.close());
    expect(entries.map((e) => [e.type, e.facts.office])).toEqual([['self-test', 'Tilburg'], ['upload-blocked', 'Den Haag-Centrum']]);
    const r = JSON.parse(await report(db, '--format', 'json')) as AuditReport;
    expect(r.offices?.map((o) => [o.office, o.blocks.total, o.selfTest.failures.length, o.selfTest.days.at(-1)!.status])).toEqual([
      ['Den Haag-Centrum', 1, 0, 'none'],
      ['Tilburg', 0, 1, 'failed'],
    ]);
    expect(r.selfTest.failures).toEqual([{ at: entries[0]!.at, checks: ['export-refused'], office: 'Tilburg' }]);
    expect(upstream.received).toEqual([]);
  });
});
