// The evidence must not become a second leak: after an export was blocked, reported and a bulk
// send approved, no personal value from the export is in the audit log, the database file, the
// proxy's own log lines, the report (every format) or the officer's page; nor is any made-up person
// of a failed self-test.
import { randomUUID } from 'node:crypto';
import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportCsv } from '../../demo-portal/job-seekers.js';
import { HEADERS, ROUTES } from '../../shared/api.js';
import { syntheticBsn } from '../../proxy/self-test.js';
import { DEFAULT_POLICY } from '../../shared/policy/defaults.js';
import { EXTENSION_ORIGIN, SSO_HEADER, api, decide, portalSession, requestApproval, send, sendBody, startHarness, upload, type Harness } from '../approval/harness.js';
import { startTestProxy } from '../proxy/start.js';
import { auditCli } from './run-cli.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());

// Real scans and sends through the proxy: 20 s ran out on the loaded two-core machine.
describe('no personal values in the evidence or the logs', { timeout: 60_000 }, () => {
  it('holds after a blocked export, a reported block and an approved bulk send', async () => {
    const people = h.portal.jobSeekers.slice(0, 60);
    const session = await portalSession(h);

    // Caseworkers name files after people too: the name is as personal as the contents.
    const blocked = await upload(h, session, 'anna', `selectie ${people[1]!.initials} ${people[1]!.surname} ${people[1]!.bsn}.csv`, exportCsv(people));
    expect(blocked.status).toBe(422);
    const reported = await api(h, 'anna', 'POST', ROUTES.events, {
      source: 'extension', site: `${h.proxy.url}/compose`, via: 'picker', fileName: `${people[0]!.surname}.xlsx`, size: 1000,
      sha256: 'c'.repeat(64), kind: 'xlsx', reasonCodes: ['bsn-column'], columns: ['BSN'], at: new Date().toISOString(), eventId: 'privacy-1',
    });
    expect(reported.status).toBe(201);
    const letter = await upload(h, session, 'anna', 'uitnodiging.txt', 'Uitnodiging voor de banenmarkt.\n');
    const attachmentId = ((await letter.json()) as { id: string }).id;
    const body = sendBody(people.map((p) => p.id), [attachmentId]);
    const { json } = await requestApproval(h, 'anna', body);
    await decide(h, 'carla', json.approval.id, 'approve');
    expect((await send(h, session, 'anna', body, json.approval.id)).status).toBe(200);

    const entries = await h.audit();
    expect(entries.map((e) => e.type)).toEqual(expect.arrayContaining(['upload-blocked', 'approval-requested', 'approval-approved', 'send-passed']));
    const proxyBlock = entries.find((e) => e.type === 'upload-blocked' && e.facts.source === 'proxy');
    expect(proxyBlock?.facts.columns?.length).toBeGreaterThan(0);

    const personal = people.flatMap((p) => [p.bsn, p.email, `${p.initials} ${p.surname}`, p.id]);
    await expectNoneInEvidence(personal);
  });

  it('holds after an approver saw the recipients and opened the preview of an attachment', async () => {
    const people = h.portal.jobSeekers.slice(100, 140);
    const session = await portalSession(h);
    // A harmless table whose cells can be found again anywhere they might have been copied to.
    const cells = Array.from({ length: 30 }, (_, i) => [`Kok ${randomUUID()}`, ['Tilburg', 'Utrecht', 'Zwolle'][i % 3]!, String(24 + (i % 3) * 8)]);
    const table = ['Functie;Plaats;Uren', ...cells.map((row) => row.join(';'))].join('\r\n');
    const uploaded = await upload(h, session, 'anna', 'vacatures.csv', table);
    expect(uploaded.status).toBe(200);
    const attachmentId = ((await uploaded.json()) as { id: string }).id;
    const { json } = await requestApproval(h, 'anna', sendBody(people.map((p) => p.id), [attachmentId]));

    const seen = await api(h, 'carla', 'GET', ROUTES.approval(json.approval.id));
    expect(seen.json.approval.recipients.ids).toEqual(people.map((p) => p.id));
    const preview = await fetch(h.proxy.url + ROUTES.attachmentBytes(json.approval.id, attachmentId), { headers: { origin: EXTENSION_ORIGIN, [HEADERS.token]: h.tokens.carla! } });
    expect(new TextDecoder().decode(await preview.arrayBuffer())).toBe(table);
    await decide(h, 'carla', json.approval.id, 'approve');

    await expectNoneInEvidence([...cells.map((row) => row[0]!), ...people.flatMap((p) => [p.id, `${p.initials} ${p.surname}`])]);
  });

  it("holds for a failed self-test's made-up people, in its records, the logs, the report and the officer's page", async () => {
    // A second proxy of the office on the same store, with a policy that lets everything through: its self-test fails.
    const allowing = await startTestProxy(h.portal.url, { identity: { usersFile: join(h.dir, 'users.json'), ssoHeader: SSO_HEADER, ssoTrustedSources: ['127.0.0.1'] }, store: { sqlite: h.dbPath } }, { policy: { ...DEFAULT_POLICY, rules: [] } });
    await allowing.close();
    const failed = (await h.audit()).filter((e) => e.type === 'self-test');
    expect(failed.map((e) => e.facts)).toEqual([{ user: '', passed: false, reasonCodes: ['export-refused'] }]);
    expect(await officerPage('nl')).toContain('Zelftest mislukt op');
    // Every BSN of the self-test's export, and its made-up names.
    const madeUp = [...Array.from({ length: 20 }, (_, i) => syntheticBsn(123_457 * (i + 1))), 'Testpersoon', 'Zelftest;'];
    await expectNoneInEvidence(madeUp, allowing.logLines);
  });
});

/** The officer's page as an admin of the office (eva) sees it. */
async function officerPage(lang: 'nl' | 'en'): Promise<string> {
  const response = await fetch(`${h.proxy.url}${ROUTES.officerReport}?lang=${lang}`, { headers: { [HEADERS.token]: h.tokens.eva! } });
  expect(response.status).toBe(200);
  return response.text();
}

/** The report as the privacy officer runs it, in every format. */
async function reports(): Promise<string> {
  const out: string[] = [];
  for (const args of [['--format', 'text'], ['--format', 'json'], ['--format', 'csv'], ['--format', 'html'], ['--format', 'html', '--lang', 'en']]) {
    const run = await auditCli('report', '--db', h.dbPath, ...args);
    expect(run.code, run.out).toBe(0);
    out.push(run.out);
  }
  return out.join('\n');
}

/** None of these values is in the audit log, the proxy's log lines, the database file, the report or the officer's page. */
async function expectNoneInEvidence(values: string[], otherLogLines: string[] = []): Promise<void> {
  const evidence = {
    'audit log': JSON.stringify(await h.audit()),
    'proxy log': [...h.proxy.logLines, ...otherLogLines].join(''),
    report: await reports(),
    "officer's page": (await officerPage('nl')) + (await officerPage('en')),
    'database file': ['', '-wal'].map((suffix) => h.dbPath + suffix).filter(existsSync).map((f) => readFileSync(f).toString('latin1')).join(''),
  };
  for (const [where, text] of Object.entries(evidence)) {
    const leaked = values.filter((value) => text.includes(value));
    expect(leaked, `${where} holds personal values`).toEqual([]);
  }
}
