// Two offices' proxies in front of one portal, sharing one PostgreSQL store (a real server): a
// request filed through one is seen and approved through the other, its send goes out exactly
// once whichever proxy carries it, and the one audit chain both wrote verifies with the key.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyChain } from '../../proxy/audit/chain.js';
import { createAuditKeyFile, type AuditKey } from '../../proxy/audit/key.js';
import pg from 'pg';
import { HEADERS, ROUTES } from '../../shared/api.js';
import { EXTENSION_ORIGIN, api, attach, decide, portalSession, requestApproval, send, sendBody, startHarness, type Harness } from '../approval/harness.js';
import { auditCli } from '../audit/run-cli.js';
import { startPostgres, type TestPostgres } from '../helpers/postgres.js';
import type { TestProxy } from '../proxy/start.js';

let server: TestPostgres;
let h: Harness;
let second: TestProxy;
let key: AuditKey;
let keyDir: string;
let databaseUrl: string;

beforeAll(async () => {
  server = await startPostgres();
  keyDir = mkdtempSync(join(tmpdir(), 'eg-pg-key-'));
  key = createAuditKeyFile(join(keyDir, 'audit-key.pem'));
  databaseUrl = await server.createDatabase();
  h = await startHarness({}, {}, { store: { postgres: databaseUrl }, audit: { keyFile: join(keyDir, 'audit-key.pem') } });
  second = await h.another();
}, 120_000);

afterAll(async () => {
  await h?.close();
  await server?.stop();
  rmSync(keyDir, { recursive: true, force: true });
});

/** The harness's helpers, through the second proxy. */
const throughSecond = () => ({ ...h, proxy: second }) as Harness;

describe('two proxies on one PostgreSQL store', { timeout: 60_000 }, () => {
  it('a request filed through one is approved through the other and sent exactly once, whichever proxy carries it', async () => {
    const session = await portalSession(h);
    // More recipients than may go without approval, no attachment: held for a second person.
    const body = sendBody(h.portal.jobSeekers.slice(0, 120).map((p) => p.id), [], 'Banenmarkt voor alle kantoren');
    expect((await send(h, session, 'anna', body)).status).toBe(428);
    const { status, json } = await requestApproval(h, 'anna', body);
    expect(status).toBe(201);
    const id = json.approval.id as string;

    const listed = await api(throughSecond(), 'carla', 'GET', ROUTES.approvals);
    expect(listed.json.approvals.map((a: { id: string }) => a.id)).toContain(id);
    expect((await decide(throughSecond(), 'carla', id, 'approve')).status).toBe(200);

    const before = h.portal.mailbox.sent().length;
    const sends = await Promise.all([send(h, session, 'anna', body, id), send(h, session, 'anna', body, id, second.url), send(h, session, 'anna', body, id, second.url)]);
    expect(sends.map((r) => r.status).sort()).toEqual([200, 428, 428]);
    expect(h.portal.mailbox.sent().length).toBe(before + 1);
    expect((await send(h, session, 'anna', body, id)).status).toBe(428);
    expect(h.portal.mailbox.sent().length).toBe(before + 1);

    const entries = await h.audit();
    expect(entries.filter((e) => e.type === 'send-passed' && e.facts.approvalId === id)).toHaveLength(1);
    expect(entries.map((e) => e.type)).toEqual(expect.arrayContaining(['approval-requested', 'approval-approved', 'send-passed']));
    expect(verifyChain(entries, key.chain)).toEqual([]);
  });

  it('an attachment uploaded through one proxy is checked, previewed and sent through the other, and sealed in the database', async () => {
    const session = await portalSession(h);
    const text = `Vacatures banenmarkt ${Date.now()}: kok, Tilburg, 24 uur.\n`;
    const attachmentId = await attach(h, session, 'anna', text);
    // The ledger is written as the portal's answer passes: visible to the other proxy a moment later.
    for (let i = 0; i < 100 && !(await second.ledger.get(attachmentId)); i++) await new Promise((resolve) => setTimeout(resolve, 50));
    const body = sendBody(h.portal.jobSeekers.slice(200, 205).map((p) => p.id), [attachmentId], 'Vacatures voor vijf');
    expect((await send(h, session, 'anna', body, undefined, second.url)).status).toBe(428);

    const { status, json } = await requestApproval(throughSecond(), 'anna', body);
    expect(status).toBe(201);
    expect(json.approval.attachments).toEqual([expect.objectContaining({ id: attachmentId, verdict: 'allow', size: Buffer.byteLength(text) })]);
    const preview = await fetch(second.url + ROUTES.attachmentBytes(json.approval.id, attachmentId), { headers: { origin: EXTENSION_ORIGIN, [HEADERS.token]: h.tokens.carla! } });
    expect(await preview.text()).toBe(text);
    expect((await decide(h, 'carla', json.approval.id, 'approve')).status).toBe(200);
    expect((await send(h, session, 'anna', body, json.approval.id, second.url)).status).toBe(200);
    expect(h.portal.mailbox.sent().at(-1)).toMatchObject({ attachmentIds: [attachmentId], subject: 'Vacatures voor vijf' });

    const client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    try {
      const { rows } = await client.query<{ sealed: Buffer }>('SELECT sealed FROM attachments');
      expect(rows.length).toBeGreaterThan(0);
      expect(rows.map((row) => row.sealed.toString('latin1')).join('')).not.toContain('banenmarkt');
    } finally {
      await client.end();
    }
  });

  it('`audit verify --config` checks the chain both proxies wrote, after appends from both at once', async () => {
    const reported = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        api(i % 2 ? throughSecond() : h, 'anna', 'POST', ROUTES.events, {
          source: 'extension', site: `${(i % 2 ? second : h.proxy).url}/compose`, via: 'picker', fileName: 'x.xlsx', size: 1000,
          sha256: 'c'.repeat(64), kind: 'xlsx', reasonCodes: ['bsn-column'], columns: ['BSN'], at: new Date().toISOString(), eventId: `both-${i}`,
        }),
      ),
    );
    expect(reported.map((r) => r.status)).toEqual(Array(20).fill(201));
    const config = join(keyDir, 'proxy.json');
    writeFileSync(config, JSON.stringify({ store: { postgres: databaseUrl }, audit: { keyFile: 'audit-key.pem' } }));
    const { code, out } = await auditCli('verify', '--config', config);
    expect(out).toMatch(/intact/);
    expect(code).toBe(0);
    const entries = await h.audit();
    expect(entries.filter((e) => e.type === 'upload-blocked' && e.facts.source === 'extension')).toHaveLength(20);
    expect(entries.at(-1)).toMatchObject({ type: 'audit-verified', facts: { result: 'intact' } });
  });

  it('with the database down a send fails closed, and both proxies carry on once it is back', async () => {
    const session = await portalSession(h);
    const body = sendBody(h.portal.jobSeekers.slice(0, 120).map((p) => p.id), [], 'Tijdens de storing');
    const { json } = await requestApproval(h, 'anna', body);
    expect((await decide(throughSecond(), 'carla', json.approval.id, 'approve')).status).toBe(200);
    server.pause();
    try {
      const refused = await send(h, session, 'anna', body, json.approval.id, second.url);
      expect(refused.status).toBeGreaterThanOrEqual(500);
      expect(h.portal.mailbox.sent().filter((m) => m.subject === 'Tijdens de storing')).toHaveLength(0);
    } finally {
      server.resume();
    }
    // The failed use changed nothing: the approval is still good, once.
    expect((await send(h, session, 'anna', body, json.approval.id, second.url)).status).toBe(200);
    expect((await send(h, session, 'anna', body, json.approval.id)).status).toBe(428);
    expect(h.portal.mailbox.sent().filter((m) => m.subject === 'Tijdens de storing')).toHaveLength(1);
    expect(verifyChain(await h.audit(), key.chain)).toEqual([]);
  });
});
