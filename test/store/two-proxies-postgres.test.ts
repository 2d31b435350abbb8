// Two offices' proxies in front of one portal, sharing one PostgreSQL store (a real server): a
// request filed through one is seen and approved through the other, its send goes out exactly
// once whichever proxy carries it, and the one audit chain both wrote verifies with the key.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyChain } from '../../proxy/audit/chain.js';
import { createAuditKeyFile, type AuditKey } from '../../proxy/audit/key.js';
import { ROUTES } from '../../shared/api.js';
import { api, decide, portalSession, requestApproval, send, sendBody, startHarness, type Harness } from '../approval/harness.js';
import { startPostgres, type TestPostgres } from '../helpers/postgres.js';
import type { TestProxy } from '../proxy/start.js';

let server: TestPostgres;
let h: Harness;
let second: TestProxy;
let key: AuditKey;
let keyDir: string;

beforeAll(async () => {
  server = await startPostgres();
  keyDir = mkdtempSync(join(tmpdir(), 'eg-pg-key-'));
  key = createAuditKeyFile(join(keyDir, 'audit-key.pem'));
  h = await startHarness({}, {}, { store: { postgres: await server.createDatabase() }, audit: { keyFile: join(keyDir, 'audit-key.pem') } });
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
});
