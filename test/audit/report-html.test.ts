// `export-guard audit report --format html` from a real audit database: the page the privacy
// officer reads and hands over. It must carry the same figures as the JSON report, be Dutch unless
// asked otherwise, render its charts in Chromium, and carry no personal value, even when an event
// holds one where a code, a column name, a team or a free text goes.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditEvent, AuditFacts } from '../../proxy/audit/entry.js';
import type { AuditReport } from '../../proxy/audit/report.js';
import { screenshotPath } from '../helpers/screenshots.js';
import { auditDatabase } from './audit-database.js';
import { launchReportBrowser } from './report-browser.js';
import { auditCli } from './run-cli.js';

// A synthetic person: a BSN that passes the eleven test, a name and an address.
const BSN = '123456782';
const NAME = 'Jansen';
const FULL_NAME = 'Pieter Jansen';
const POSTCODE = '1234 AB';
const PERSONAL = [BSN, NAME, FULL_NAME, POSTCODE, 'p.jansen'];

const at = (day: string, time = '09:00') => `${day}T${time}:00.000Z`;
const event = (type: AuditEvent['type'], when: string, facts: Partial<AuditFacts> = {}): AuditEvent => ({ type, at: when, facts: { user: 'p.jansen', team: FULL_NAME, ...facts } });
const FILE = 'e'.repeat(64);

// Three ISO weeks, 2026-W10 to W12, with personal values wherever an event can carry free text.
const HISTORY: AuditEvent[] = [
  event('upload-blocked', at('2026-03-02'), { source: 'proxy', reasonCodes: ['bsn-column', 'many-people'], columns: [BSN, FULL_NAME, POSTCODE], fileKind: 'xlsx' }),
  event('upload-blocked', at('2026-03-04'), { source: 'extension', reasonCodes: ['bsn-column', BSN], columns: ['BSN'], fileKind: NAME }),
  event('upload-blocked', at('2026-03-10'), { source: 'proxy', reasonCodes: ['surname-rowid'], path: `/upload/${NAME}.xlsx` }),
  event('upload-blocked', at('2026-03-17'), { source: 'extension', reasonCodes: ['bsn-column'] }),
  event('approval-requested', at('2026-03-10'), { approvalId: 'a1', recipients: 215 }),
  event('approval-approved', at('2026-03-10', '09:10'), { user: 'carla', approvalId: 'a1', minutesToDecide: 10 }),
  event('send-passed', at('2026-03-10', '09:11'), { approvalId: 'a1', recipients: 215 }),
  event('approval-requested', at('2026-03-11'), { approvalId: 'a2' }),
  event('approval-approved', at('2026-03-11', '09:25'), { user: 'carla', approvalId: 'a2', minutesToDecide: 25 }),
  event('approval-requested', at('2026-03-11'), { approvalId: 'a3' }),
  event('approval-rejected', at('2026-03-11', '10:00'), { user: 'carla', approvalId: 'a3', minutesToDecide: 60 }),
  event('auth-locked-out', at('2026-03-11'), { address: '10.1.2.3', reasonCodes: ['address'] }),
  event('send-refused', at('2026-03-12'), { reasonCodes: ['approval-missing'], recipients: 180 }),
  event('send-refused', at('2026-03-12', '10:00'), { reasonCodes: ['approval-payload-changed'] }),
  event('send-refused', at('2026-03-13'), { reasonCodes: ['approval-missing'] }),
  event('send-passed', at('2026-03-13'), { recipients: 1 }),
  event('false-block-reported', at('2026-03-13'), { source: 'extension', sha256: [FILE], fileKind: 'csv', reasonCodes: ['people-list'] }),
  event('false-block-reported', at('2026-03-14'), { user: 'bram', source: 'proxy', sha256: [FILE], fileKind: 'csv', reasonCodes: ['people-list'] }),
  event('exception-granted', at('2026-03-16'), { user: 'fg', sha256: [FILE], why: `rooster van ${FULL_NAME}, BSN ${BSN}`, allowedAt: at('2026-03-16'), expiresAt: '2026-06-01T00:00:00.000Z' }),
  event('exception-used', at('2026-03-17'), { sha256: [FILE], fileKind: 'csv', columns: [NAME] }),
  event('audit-verified', at('2026-03-18'), { user: 'fg', result: 'intact', entries: 20, reasonCodes: [], checkpointAt: at('2026-03-18', '08:45'), checkpointCount: 20 }),
];
// The self-test's hourly runs (two a day are enough to show): every day passed but one with a
// failure on 2026-03-09 and none recorded on 2026-03-14 and 15 (a weekend the proxy was down).
const SELF_TESTS: AuditEvent[] = ['02', '03', '04', '05', '06', '07', '08', '09', '10', '11', '12', '13', '16', '17', '18'].flatMap((d) => [
  { type: 'self-test', at: at(`2026-03-${d}`, '06:00'), facts: { user: '', passed: true, reasonCodes: [] } },
  d === '09'
    ? { type: 'self-test', at: at(`2026-03-${d}`, '14:00'), facts: { user: '', passed: false, reasonCodes: ['export-refused', 'bulk-send-held'] } }
    : { type: 'self-test', at: at(`2026-03-${d}`, '14:00'), facts: { user: '', passed: true, reasonCodes: [] } },
]);
/** The period the page is shown for: W10 to W12, up to the day after the last entry. */
const PERIOD = ['--since', '2026-03-02', '--until', '2026-03-19'];

let dir: string;
let db: string;
let browser: Browser;
beforeAll(async () => {
  ({ dir, path: db } = await auditDatabase([...HISTORY, ...SELF_TESTS].sort((a, b) => a.at.localeCompare(b.at))));
  browser = await launchReportBrowser();
});
afterAll(async () => {
  await browser?.close();
  rmSync(dir, { recursive: true, force: true });
});

async function report(...args: string[]): Promise<string> {
  const { code, out } = await auditCli('report', '--db', db, ...args);
  expect(code, out).toBe(0);
  return out;
}

/** Every figure of the JSON report, as the data-figure name the HTML gives it. */
function figures(r: AuditReport): Record<string, number> {
  const flat: Record<string, number> = { entries: r.entries, tokenLockouts: r.tokenLockouts, reportedFiles: r.reportedFiles.length, exceptions: r.exceptions.length };
  for (const [key, value] of Object.entries(r.blocks)) flat[`blocks.${key}`] = value;
  for (const [key, value] of Object.entries(r.approvals)) flat[`approvals.${key}`] = value;
  for (const [key, value] of Object.entries(r.sends)) flat[`sends.${key}`] = value;
  for (const x of r.refusedBy) flat[`refusedBy.${x.reason}`] = x.count;
  for (const w of r.blocksPerWeekByChannel) Object.assign(flat, { [`blocksPerWeekByChannel.${w.week}.proxy`]: w.proxy, [`blocksPerWeekByChannel.${w.week}.extension`]: w.extension });
  if (r.medianMinutesToApprove !== null) flat.medianMinutesToApprove = r.medianMinutesToApprove;
  for (const key of ['daysPassed', 'daysFailed', 'daysWithout'] as const) flat[`selfTest.${key}`] = r.selfTest[key];
  if (r.lastVerified) {
    flat['lastVerified.entries'] = r.lastVerified.entries;
    if (r.lastVerified.checkpointCount !== undefined) flat['lastVerified.checkpointCount'] = r.lastVerified.checkpointCount;
  }
  return flat;
}

// Chromium renders the page; 20 s is short for that beside other suites on two cores.
describe('audit report, html format', { timeout: 60_000 }, () => {
  it('is Dutch by default and English with --lang en, with nothing to load from elsewhere', async () => {
    const nl = await report('--format', 'html');
    expect(nl).toMatch(/^<!doctype html>\n<html lang="nl">/);
    expect(nl).toContain('Tegengehouden uploads');
    expect(nl).toContain('Vier ogen: goedkeuringen');
    expect(nl).not.toMatch(/<script|<link|<img|src=|href=|@import|url\(/i);
    const en = await report('--format', 'html', '--lang', 'en');
    expect(en).toContain('<html lang="en">');
    expect(en).toContain('Blocked uploads');
    expect((await auditCli('report', '--db', db, '--format', 'html', '--lang', 'de')).out).toContain("--lang must be nl or en, not 'de'");
  });

  it('carries no personal value, wherever an event held one', async () => {
    for (const lang of ['nl', 'en']) {
      const html = await report('--format', 'html', '--lang', lang);
      for (const value of PERSONAL) expect(html, `${lang}: ${value}`).not.toContain(value);
    }
    // The same values are in the log: the test would see them if the page copied them.
    expect(await report('--format', 'json')).toContain(BSN);
  });

  it('renders in Chromium with its charts and every figure of the JSON report', async () => {
    const json = JSON.parse(await report('--format', 'json', ...PERIOD)) as AuditReport;
    const expected = figures(json);
    expect(expected['blocks.total']).toBe(4);
    // Each upload once per week, however many reasons it had: W10 held two uploads with four reasons.
    expect(json.blocksPerWeekByChannel).toEqual([{ week: '2026-W10', proxy: 1, extension: 1 }, { week: '2026-W11', proxy: 1, extension: 0 }, { week: '2026-W12', proxy: 0, extension: 1 }]);
    const page = await browser.newPage();
    try {
      await page.setViewport({ width: 1000, height: 800 });
      await page.setContent(await report('--format', 'html', ...PERIOD), { waitUntil: 'load' });
      const shown = await page.$$eval('data[data-figure]', (all) => Object.fromEntries(all.map((d) => [d.dataset.figure!, Number(d.value)])));
      expect(shown).toEqual(expected);
      const perWeek = await page.$$eval('table tr', (rows) => rows.map((row) => [...row.querySelectorAll('td')].map((td) => td.textContent)).filter((cells) => cells.length === 4 && /^\d{4}-W\d\d$/.test(cells[0] ?? '')));
      expect(perWeek).toEqual(json.blocksPerWeek.map((w) => [w.week, w.reason === BSN ? '(onbekende code)' : w.reason, String(w.proxy), String(w.extension)]));
      expect(await page.$eval('[data-verified]', (p) => p.getAttribute('data-verified'))).toBe('intact');
      expect(await page.$eval('[data-verified]', (p) => p.textContent)).toMatch(/^Laatst gecontroleerd op 18 maart 2026 .*intact, 20 regels gecontroleerd, tegen het ondertekende controlepunt van 18 maart 2026/);
      // Every chart is drawn: bars of a width that can be seen, in as many charts as there are figures to show.
      const charts = await page.$$eval('svg.chart', (svgs) => svgs.map((svg) => ({ width: svg.getBoundingClientRect().width, bars: [...svg.querySelectorAll('rect')].filter((r) => r.getBoundingClientRect().width > 1).length })));
      expect(charts).toHaveLength(6);
      for (const chart of charts) expect(chart.width).toBeGreaterThan(300);
      // The self-test's 17 days; per week: by channel 2 + 1 + 1 segments and 2 swatches, by reason 3 + 1 + 1 and 4 swatches; approvals 4 of 6 not zero; sends 3; refused by 2 reasons.
      expect(charts.map((c) => c.bars)).toEqual([17, 6, 9, 4, 3, 2]);
      const days = await page.$$eval('svg.days rect', (rects) => rects.map((r) => [r.dataset.day, r.dataset.status, getComputedStyle(r).fill]));
      expect(days.filter(([, status]) => status === 'failed')).toEqual([['2026-03-09', 'failed', 'rgb(176, 0, 32)']]);
      expect(days.filter(([, status]) => status === 'none').map(([day]) => day)).toEqual(['2026-03-14', '2026-03-15']);
      const failed = await page.$$eval('[data-self-test-failed]', (lines) => lines.map((p) => [p.textContent, getComputedStyle(p).color]));
      expect(failed).toEqual([[expect.stringMatching(/^Zelftest mislukt op 9 maart 2026 om 15:00:00: export-refused \(de verzonnen export werd niet geweigerd\), bulk-send-held/), 'rgb(176, 0, 32)']]);
      await page.screenshot({ path: screenshotPath('audit-report-nl.png'), fullPage: true });
    } finally {
      await page.close();
    }
  });

  it('says so in red when the log was never verified, or was found broken', async () => {
    const cases = [
      { last: [], shown: 'never', text: 'Nooit gecontroleerd' },
      { last: [event('audit-verified', at('2026-03-18'), { user: 'fg', result: 'broken', entries: 20, reasonCodes: ['edited', 'truncated'] })], shown: 'broken', text: 'GEBROKEN</strong> (<code>edited</code>, <code>truncated</code>)' },
    ];
    for (const { last, shown, text } of cases) {
      const other = await auditDatabase([...HISTORY.slice(0, -1), ...last]);
      try {
        const { out } = await auditCli('report', '--db', other.path, '--format', 'html');
        const line = out.split('\n').find((l) => l.includes('data-verified='));
        expect(line).toContain(`data-verified="${shown}"`);
        expect(line).toContain('class="bad"');
        expect(line).toContain(text);
      } finally {
        rmSync(other.dir, { recursive: true, force: true });
      }
    }
  });

  it('reports only the period asked for with --since and --until', async () => {
    const json = JSON.parse(await report('--format', 'json', '--since', '2026-03-09', '--until', '2026-03-16')) as AuditReport;
    expect(json.blocks.total).toBe(1);
    const html = await report('--format', 'html', '--since', '2026-03-09', '--until', '2026-03-16');
    expect(html).toContain('Periode: vanaf 9 maart 2026 tot 16 maart 2026');
    expect(html).toContain(`<data value="${json.entries}" data-figure="entries">`);
    expect(html).toContain('<data value="1" data-figure="blocks.total">');
    expect((await auditCli('report', '--db', db, '--until', 'soon')).out).toContain("--until: not a date: 'soon'");
  });
});

const PDFTOPPM = ['/usr/bin/pdftoppm', '/usr/local/bin/pdftoppm'].find((path) => existsSync(path));

// Chromium prints the PDF in a process of its own: two minutes on a loaded machine.
describe('audit report, pdf format', { timeout: 120_000 }, () => {
  let pdf: string;
  beforeAll(async () => {
    pdf = join(dir, 'rapportage.pdf');
    // A closed period: the picture stays the same whatever day the test runs.
    const { code, out } = await auditCli('report', '--db', db, '--format', 'pdf', '--out', pdf, ...PERIOD);
    expect(code, out).toBe(0);
  });

  it('is a PDF of the Dutch report that Chromium opens', async () => {
    const bytes = readFileSync(pdf).toString('latin1');
    expect(bytes.startsWith('%PDF-')).toBe(true);
    expect(bytes.trimEnd().endsWith('%%EOF')).toBe(true);
    expect(bytes).toContain('/Title (export-guard: rapportage voor de functionaris gegevensbescherming)');
    // The page tree's count: the report runs over more than one A4 page.
    expect(Number(/\/Count (\d+)/.exec(bytes)?.[1])).toBeGreaterThanOrEqual(2);
    // Chromium's own PDF viewer draws it: a picture to look at, next to the HTML's.
    const page = await browser.newPage();
    try {
      await page.setViewport({ width: 900, height: 1100 });
      await page.goto(pathToFileURL(pdf).href, { waitUntil: 'networkidle0' });
      await page.screenshot({ path: screenshotPath('audit-report-pdf-viewer.png') });
    } finally {
      await page.close();
    }
    expect((await auditCli('report', '--db', db, '--format', 'pdf')).out).toContain('--format pdf needs --out FILE');
  });

  // Poppler is not among the project's packages; without it no test here can turn a page into pixels on its own.
  it.skipIf(!PDFTOPPM)('renders its first page to PNG (pdftoppm; skipped when poppler-utils is not installed)', () => {
    const png = screenshotPath('audit-report-pdf-page1');
    const run = spawnSync(PDFTOPPM!, ['-png', '-r', '80', '-f', '1', '-l', '1', '-singlefile', pdf, png], { encoding: 'utf8' });
    expect(run.status, run.stderr).toBe(0);
    expect(readFileSync(`${png}.png`).subarray(1, 4).toString()).toBe('PNG');
  });
});
