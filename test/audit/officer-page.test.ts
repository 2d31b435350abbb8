// The privacy officer's page in the proxy, over real sockets: the same HTML report as
// `export-guard audit report --format html`, for officers and admins only (a caseworker or an
// approver gets 403 with the reason), Dutch unless asked for English, never forwarded to the portal.
import { request } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditEvent } from '../../proxy/audit/entry.js';
import { hashToken, newToken } from '../../proxy/identity/tokens.js';
import { writeUsersFile } from '../../proxy/identity/users-file.js';
import { HEADERS, ROUTES, type Role } from '../../shared/api.js';
import { startTestProxy, type TestProxy } from '../proxy/start.js';
import { startUpstream, type Upstream } from '../proxy/upstream.js';
import { auditDatabase } from './audit-database.js';
import { launchReportBrowser } from './report-browser.js';
import { auditCli } from './run-cli.js';

const EXTENSION_ORIGIN = 'chrome-extension://abcdefghijklmnopabcdefghijklmnop';
const SSO_HEADER = 'x-remote-user';
const PEOPLE: [id: string, roles: Role[]][] = [
  ['olga', ['officer']],
  ['eva', ['caseworker', 'admin']],
  ['anna', ['caseworker']],
  ['carla', ['caseworker', 'approver']],
];

const at = (day: string, time = '09:00') => `${day}T${time}:00.000Z`;
const HISTORY: AuditEvent[] = [
  { type: 'upload-blocked', at: at('2026-05-04'), facts: { user: 'anna', team: 'A', source: 'proxy', reasonCodes: ['bsn-column'] } },
  { type: 'self-test', at: at('2026-05-04', '10:00'), facts: { user: '', passed: true, reasonCodes: [] } },
  { type: 'upload-blocked', at: at('2026-05-05'), facts: { user: 'anna', team: 'A', source: 'extension', reasonCodes: ['people-list'] } },
  { type: 'self-test', at: at('2026-05-05', '10:00'), facts: { user: '', passed: false, reasonCodes: ['export-refused'] } },
  { type: 'upload-blocked', at: at('2026-05-12'), facts: { user: 'anna', team: 'A', source: 'proxy', reasonCodes: ['bsn-column'] } },
];
const PERIOD = '?since=2026-05-04&until=2026-05-11';

let dir: string;
let db: string;
let upstream: Upstream;
let proxy: TestProxy;
const tokens: Record<string, string> = {};

beforeAll(async () => {
  ({ dir, path: db } = await auditDatabase(HISTORY));
  const usersFile = join(mkdtempSync(join(tmpdir(), 'eg-officer-')), 'users.json');
  writeUsersFile(usersFile, {
    users: PEOPLE.map(([id, roles]) => {
      tokens[id] = newToken();
      return { id, name: id, team: 'A', roles, tokenSha256: hashToken(tokens[id]!) };
    }),
  });
  upstream = await startUpstream();
  proxy = await startTestProxy(upstream.url, { identity: { usersFile, extensionOrigins: [EXTENSION_ORIGIN], ssoHeader: SSO_HEADER, ssoTrustedSources: ['127.0.0.1'] }, store: { sqlite: db } });
}, 60_000);

afterAll(async () => {
  await proxy?.close();
  await upstream?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** A GET with exactly these headers (fetch would add its own sec-fetch-mode). */
function get(path: string, headers: Record<string, string>): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(proxy.url + path, { headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject).end();
  });
}

/** A browser opening a bookmark: a top-level navigation nobody else started. */
const navigation = { 'sec-fetch-site': 'none', 'sec-fetch-mode': 'navigate', 'sec-fetch-dest': 'document', accept: 'text/html' };
const as = (user: string) => ({ [HEADERS.token]: tokens[user]! });

describe("the privacy officer's page", { timeout: 60_000 }, () => {
  it('is the report the CLI writes for the same period, to an officer by token and to an admin by SSO', async () => {
    const { out } = await auditCli('report', '--db', db, '--format', 'html', '--since', '2026-05-04', '--until', '2026-05-11');
    const officer = await get(ROUTES.officerReport + PERIOD, { ...navigation, ...as('olga') });
    expect(officer.status).toBe(200);
    expect(officer.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(officer.headers['cache-control']).toBe('no-store');
    expect(officer.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(officer.body).toBe(out);
    expect(officer.body).toContain('<data value="2" data-figure="blocks.total">');
    expect(officer.body).toContain('Zelftest mislukt op 5 mei 2026');
    const admin = await get(ROUTES.officerReport + PERIOD, { ...navigation, [SSO_HEADER]: 'eva' });
    expect(admin.status).toBe(200);
    expect(admin.body).toBe(out);
  });

  it('is Dutch by default, English with lang=en or when the browser prefers English', async () => {
    const lang = async (query: string, acceptLanguage?: string) => {
      const page = await get(ROUTES.officerReport + query, { ...as('olga'), ...(acceptLanguage ? { 'accept-language': acceptLanguage } : {}) });
      expect(page.status, page.body).toBe(200);
      return [/^<!doctype html>\n<html lang="(..)">/.exec(page.body)?.[1], page.headers['content-language']];
    };
    expect(await lang('')).toEqual(['nl', 'nl']);
    expect(await lang('?lang=en')).toEqual(['en', 'en']);
    expect(await lang('?lang=nl', 'en')).toEqual(['nl', 'nl']);
    expect(await lang('', 'en-GB,en;q=0.9')).toEqual(['en', 'en']);
    expect(await lang('', 'en, nl')).toEqual(['en', 'en']);
    expect(await lang('', 'de, en;q=0.5, nl;q=0.8')).toEqual(['nl', 'nl']);
    expect(await lang('', 'fr')).toEqual(['nl', 'nl']);
  });

  it('is refused to caseworkers and approvers with the reason: JSON for a program, a page for a browser', async () => {
    for (const user of ['anna', 'carla']) {
      const program = await get(ROUTES.officerReport, as(user));
      expect(program.status).toBe(403);
      expect(JSON.parse(program.body)).toMatchObject({ error: 'not-an-officer', message: expect.stringContaining('officer or admin role') });
      const browser = await get(ROUTES.officerReport, { ...navigation, ...as(user) });
      expect(browser.status).toBe(403);
      expect(browser.body).toContain('alleen voor gebruikers met de rol officer of admin');
      expect(browser.body).not.toContain('data-figure');
    }
  });

  it('is refused without a user, to another origin, and to a page of the portal carrying the SSO header', async () => {
    expect((await get(ROUTES.officerReport, {})).status).toBe(401);
    expect((await get(ROUTES.officerReport, { [HEADERS.token]: 'not-a-token' })).status).toBe(401);
    const otherSite = await get(ROUTES.officerReport, { ...as('olga'), origin: 'https://portal.example' });
    expect(otherSite.status).toBe(403);
    expect(JSON.parse(otherSite.body).error).toBe('origin-not-allowed');
    // A script of the portal could open the page in the officer's name if the gateway's header counted there.
    const fromPortal = await get(ROUTES.officerReport, { 'sec-fetch-site': 'same-origin', 'sec-fetch-mode': 'navigate', [SSO_HEADER]: 'olga' });
    expect(fromPortal.status).toBe(401);
  });

  it('names the field of a query it cannot use', async () => {
    for (const [query, field] of [['?since=soon', 'query.since'], ['?until=2026-13-45', 'query.until'], ['?lang=de', 'query.lang'], ['?office=x', 'query.office']]) {
      const answer = await get(ROUTES.officerReport + query!, as('olga'));
      expect(answer.status, query).toBe(400);
      expect(JSON.parse(answer.body).message, query).toContain(field!);
    }
  });

  it('renders with its charts in Chromium under its own content security policy', async () => {
    const browser = await launchReportBrowser();
    try {
      const page = await browser.newPage();
      const blocked: string[] = [];
      page.on('console', (message) => blocked.push(message.text()));
      // Headless Chromium asks for en-US: English, as the officer's browser would get it.
      await page.setExtraHTTPHeaders(as('olga'));
      expect((await page.goto(proxy.url + ROUTES.officerReport + PERIOD, { waitUntil: 'load' }))?.status()).toBe(200);
      expect(await page.$eval('h1', (h) => h.textContent)).toBe("export-guard: the privacy officer's report");
      await page.setExtraHTTPHeaders({ ...as('olga'), 'accept-language': 'nl-NL,nl;q=0.9,en;q=0.8' });
      expect((await page.goto(proxy.url + ROUTES.officerReport + PERIOD, { waitUntil: 'load' }))?.status()).toBe(200);
      expect(await page.$eval('h1', (h) => h.textContent)).toBe('export-guard: rapportage voor de functionaris gegevensbescherming');
      const charts = await page.$$eval('svg.chart', (svgs) => svgs.map((svg) => svg.getBoundingClientRect().width));
      expect(charts.length).toBeGreaterThanOrEqual(4);
      for (const width of charts) expect(width).toBeGreaterThan(300);
      // The inline style applies (the policy allows it): a failed self-test is red.
      expect(await page.$eval('[data-self-test-failed]', (p) => getComputedStyle(p).color)).toBe('rgb(176, 0, 32)');
      expect(blocked.filter((text) => /Content Security Policy/i.test(text))).toEqual([]);
    } finally {
      await browser.close();
    }
  });

  it('is never forwarded to the portal', () => {
    expect(upstream.received.filter((r) => r.url.startsWith('/__export-guard'))).toEqual([]);
    expect(upstream.received).toEqual([]);
  });
});
