// "This is not an export", end to end through the real proxy on real sockets: a file the privacy
// officer allowed by its SHA-256 passes until its exception expires; the refusal page links to a
// report; a report (from that page or from the extension's API call) lands in the audit log with
// the file's hash, kind and reason codes, never its content or name; granting an exception is
// audited once, and each upload it lets through.
import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditEntry } from '../../proxy/audit/entry.js';
import { hashToken, newToken } from '../../proxy/identity/tokens.js';
import { writeUsersFile } from '../../proxy/identity/users-file.js';
import { SqliteStore } from '../../proxy/store/sqlite.js';
import { HEADERS, ROUTES, type FalseBlockReport, type UploadBlockedError } from '../../shared/api.js';
import { parsePolicy } from '../../shared/policy/parse.js';
import type { PolicyException } from '../../shared/policy/types.js';
import { fixtureBytes } from '../helpers/fixtures.js';
import { startTestProxy, type TestProxy } from './start.js';
import { sha256, startUpstream, type Upstream } from './upstream.js';

const ORIGIN = 'chrome-extension://abcdefghijklmnopabcdefghijklmnop';
const token = newToken();
let dir: string;
let upstream: Upstream;
let export3: Uint8Array;
let export1: Uint8Array;
const proxies: TestProxy[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'eg-false-blocks-'));
  writeUsersFile(join(dir, 'users.json'), { users: [{ id: 'anna', name: 'Anna', team: 'A', roles: ['caseworker'], tokenSha256: hashToken(token) }] });
  upstream = await startUpstream();
  export3 = await fixtureBytes('leak-3-bsn-only.csv');
  export1 = await fixtureBytes('leak-7.csv');
});

afterAll(async () => {
  await Promise.all(proxies.map((p) => p.close()));
  await upstream.close();
  rmSync(dir, { recursive: true, force: true });
});

function allow(bytes: Uint8Array, expiresAt: Date): PolicyException {
  return { sha256: sha256(bytes), allowedBy: 'Fatima (FG)', allowedAt: '2026-01-05T09:00:00.000Z', reason: 'Checked: a list of places, no people', expiresAt: expiresAt.toISOString() };
}

async function start(exceptions: PolicyException[] = []): Promise<TestProxy> {
  const proxy = await startTestProxy(
    upstream.url,
    { identity: { usersFile: join(dir, 'users.json'), extensionOrigins: [ORIGIN] }, store: { sqlite: join(dir, 'state.db') } },
    { policy: parsePolicy({ exceptions }) },
  );
  proxies.push(proxy);
  return proxy;
}

function upload(proxy: TestProxy, bytes: Uint8Array): Promise<Response> {
  return fetch(`${proxy.url}/upload`, { method: 'POST', headers: { 'content-type': 'text/csv', [HEADERS.token]: token }, body: Buffer.from(bytes) });
}

/** A plain form post from a browser tab: fetch() cannot send sec-fetch-mode: navigate. */
function navigate(proxy: TestProxy, bytes: Uint8Array): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request(`${proxy.url}/upload`, { method: 'POST', headers: { 'content-type': 'text/csv', 'sec-fetch-mode': 'navigate', [HEADERS.token]: token } }, (res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk.toString()));
      res.on('end', () => resolve(body));
    });
    req.on('error', reject);
    req.end(bytes);
  });
}

async function audit(): Promise<AuditEntry[]> {
  const store = new SqliteStore(join(dir, 'state.db'));
  try {
    return await store.auditEntries();
  } finally {
    await store.close();
  }
}

async function waitForEntry(type: AuditEntry['type'], after: number): Promise<AuditEntry> {
  for (let tries = 0; tries < 40; tries++) {
    const found = (await audit()).slice(after).find((e) => e.type === type);
    if (found) return found;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`no ${type} entry`);
}

/** What must never reach the log: the file's name, or any of its content. */
function expectNoContent(entry: AuditEntry, bytes: Uint8Array): void {
  const text = JSON.stringify(entry);
  expect(text).not.toMatch(/\.csv|leak/);
  const firstValues = new TextDecoder().decode(bytes).split('\n')[1]!.split(/[,;\t]/).filter((v) => v.length >= 4);
  expect(firstValues.length).toBeGreaterThan(0);
  for (const value of firstValues) expect(text).not.toContain(value);
}

describe('exceptions in the proxy', () => {
  it('lets an excepted file through, and neither a file whose exception expired nor any other file', async () => {
    // Deterministic on a loaded machine: one exception in force, one that expired yesterday (the
    // moment of expiry itself is tested in test/policy/exceptions.test.ts).
    const proxy = await start([allow(export3, new Date(Date.now() + 3_600_000)), allow(export1, new Date(Date.now() - 86_400_000))]);
    const seen = upstream.received.length;
    const before = (await audit()).length;

    // A text body is also read as lines and as text inside it: readings of the allowed file, allowed with it.
    expect((await upload(proxy, export3)).status).toBe(200);
    expect(upstream.received.length).toBe(seen + 1);
    // Each use of an exception is evidence too: what the detector found, who uploaded it.
    const used = await waitForEntry('exception-used', before);
    expect(used.facts).toMatchObject({ user: 'anna', source: 'proxy', sha256: [sha256(export3)], reasonCodes: ['bsn-column'] });

    // The same file as a multipart attachment, as a portal's upload form sends it.
    const form = new FormData();
    form.append('file', new Blob([Buffer.from(export3)]), 'lijst.csv');
    expect((await fetch(`${proxy.url}/upload`, { method: 'POST', headers: { [HEADERS.token]: token }, body: form })).status).toBe(200);

    expect((await upload(proxy, export1)).status).toBe(422);
    expect((await upload(proxy, new Uint8Array([...export3, 10]))).status).toBe(422);
    expect(upstream.received.length).toBe(seen + 2);
    await proxy.close();
  }, 40_000);

  it('covers the other readings the proxy takes of an allowed body', async () => {
    // Lines broken by U+2028: read as it is, one line that passes; read as lines, the BSN column.
    const oddLines = new TextEncoder().encode(new TextDecoder().decode(export3).split(/\r?\n/).join('\u2028'));
    const strict = await start();
    expect((await upload(strict, oddLines)).status).toBe(422);
    await strict.close();
    const allowing = await start([allow(oddLines, new Date(Date.now() + 3_600_000))]);
    expect((await upload(allowing, oddLines)).status).toBe(200);
    await allowing.close();
  }, 40_000);

  it('audits each granted exception once, also across restarts, and a changed one again', async () => {
    const later = new Date('2099-01-01T00:00:00Z');
    const before = (await audit()).filter((e) => e.type === 'exception-granted').length;
    await (await start([allow(export1, later)])).close();
    await (await start([allow(export1, later)])).close();
    const granted = (await audit()).filter((e) => e.type === 'exception-granted');
    expect(granted.length).toBe(before + 1);
    expect(granted.at(-1)!.facts).toEqual({
      user: 'Fatima (FG)',
      sha256: [sha256(export1)],
      why: 'Checked: a list of places, no people',
      allowedAt: '2026-01-05T09:00:00.000Z',
      expiresAt: later.toISOString(),
    });
    // A later expiry is a new decision.
    await (await start([allow(export1, new Date('2099-06-01T00:00:00Z'))])).close();
    expect((await audit()).filter((e) => e.type === 'exception-granted').length).toBe(before + 2);
  });
});

describe('reporting a false block', () => {
  let proxy: TestProxy;
  beforeAll(async () => {
    proxy = await start();
  });

  it('links the refusal page and the 422 answer to a report page, which records hash, kind and codes once', async () => {
    const json = (await (await upload(proxy, export3)).json()) as UploadBlockedError;
    const link = json.files[0]!.report;
    expect(link.startsWith(`${ROUTES.falseBlockPage}?r=`)).toBe(true);

    const page = await navigate(proxy, export3);
    const href = /<a href="([^"]+)">Is dit bestand geen export van personen\? Meld het<\/a>/.exec(page)?.[1]?.replace(/&#38;/g, '&');
    expect(href?.startsWith(`${ROUTES.falseBlockPage}?r=`)).toBe(true);

    // Looking at the page records nothing; the button does.
    const before = (await audit()).length;
    const shown = await fetch(proxy.url + href!);
    expect(shown.status).toBe(200);
    const shownText = await shown.text();
    expect(shownText).toContain(sha256(export3));
    expect(shownText).toContain('de functionaris gegevensbescherming');
    expect((await audit()).length).toBe(before);

    const posted = await fetch(proxy.url + href!, { method: 'POST' });
    expect(posted.status).toBe(200);
    expect(await posted.text()).toContain('Uw melding is vastgelegd');
    expect((await fetch(proxy.url + href!, { method: 'POST' })).status).toBe(200);

    const reports = (await audit()).slice(before).filter((e) => e.type === 'false-block-reported');
    expect(reports).toHaveLength(1);
    expect(reports[0]!.facts).toEqual({ user: 'anna', source: 'proxy', sha256: [sha256(export3)], fileKind: json.files[0]!.kind, reasonCodes: json.files[0]!.reasons.map((r) => r.code), size: export3.byteLength });
    expectNoContent(reports[0]!, export3);
  });

  it('refuses a link it did not sign', async () => {
    const json = (await (await upload(proxy, export3)).json()) as UploadBlockedError;
    const [payload, signature] = json.files[0]!.report.split('?r=')[1]!.split('.');
    const forged = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(payload!, 'base64url').toString()), sha256: 'f'.repeat(64) })).toString('base64url');
    const before = (await audit()).length;
    const response = await fetch(`${proxy.url}${ROUTES.falseBlockPage}?r=${forged}.${signature}`, { method: 'POST' });
    expect(response.status).toBe(400);
    expect(await response.text()).toContain('Deze link werkt niet meer');
    expect((await audit()).length).toBe(before);
  });

  it('records a report from the extension once, with only the fields it defines', async () => {
    const report: FalseBlockReport & { fileName: string } = {
      type: 'false-block',
      sha256: sha256(export1),
      kind: 'csv',
      reasonCodes: ['bsn-column', 'people-list'],
      size: export1.byteLength,
      at: '2026-03-02T10:00:00.000Z',
      eventId: 'report-1',
      fileName: 'leak-7.csv',
    };
    const post = (body: unknown) =>
      fetch(proxy.url + ROUTES.falseBlocks, { method: 'POST', headers: { origin: ORIGIN, [HEADERS.token]: token, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const first = await post(report);
    expect(first.status).toBe(201);
    expect(await first.json()).toEqual({ recorded: true });
    expect(await (await post(report)).json()).toEqual({ recorded: false });
    expect((await post({ ...report, eventId: 'report-2', sha256: 'not a hash' })).status).toBe(400);
    expect((await post({ ...report, eventId: 'report-3', reasonCodes: ['BSN 123456782'] })).status).toBe(400);

    const reports = (await audit()).filter((e) => e.type === 'false-block-reported' && e.facts.source === 'extension');
    expect(reports).toHaveLength(1);
    expect(reports[0]).toMatchObject({ at: report.at, facts: { user: 'anna', team: 'A', sha256: [report.sha256], fileKind: 'csv', reasonCodes: report.reasonCodes, size: report.size } });
    expectNoContent(reports[0]!, export1);
  });
});
