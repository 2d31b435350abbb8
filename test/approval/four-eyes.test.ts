// The four-eyes rule end to end: the demo portal behind the proxy, real tokens, a real database.
// The job seekers' inboxes show whether a send really went out.
import { readFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROUTES } from '../../shared/api.js';
import { portalLogin } from '../demo-portal/login.js';
import { api, decide, requestApproval, send, sendBody, startSendHarness, type Harness } from './harness.js';

let h: Harness;
let session: string;
let attachmentId: string;
let recipients: string[];

beforeAll(async () => {
  ({ h, session, attachmentId, recipients } = await startSendHarness('Uitnodiging voor de banenmarkt op dinsdag om tien uur.\n'));
});
afterAll(() => h.close());

const inboxCount = (id: string) => h.portal.mailbox.inbox(id).length;

describe('four-eyes approval of bulk sends', () => {
  it('a send to one person, or without attachment to a few, needs no approval', async () => {
    const single = await send(h, session, 'anna', sendBody([recipients[0]!], [attachmentId]));
    expect(single.status).toBe(200);
    const noAttachment = await send(h, session, 'anna', sendBody(recipients.slice(1), []));
    expect(noAttachment.status).toBe(200);
    expect(inboxCount(recipients[0]!)).toBe(1);
  });

  it('a group send with an attachment is refused with 428 and how to get approval', async () => {
    const before = h.portal.mailbox.sent().length;
    const response = await send(h, session, 'anna', sendBody(recipients, [attachmentId]));
    expect(response.status).toBe(428);
    expect(await response.json()).toMatchObject({ error: 'approval-required', detail: 'missing', howTo: { create: `POST ${ROUTES.approvals}`, header: 'x-export-guard-approval' } });
    const anonymous = await fetch(`${h.proxy.url}/api/messages`, { method: 'POST', headers: { cookie: session, 'content-type': 'application/json' }, body: sendBody(recipients, [attachmentId]) });
    expect(anonymous.status).toBe(428);
    expect(await anonymous.json()).toMatchObject({ detail: 'unauthenticated' });
    expect(h.portal.mailbox.sent().length).toBe(before);
    const refusals = (await h.audit()).filter((e) => e.type === 'send-refused').map((e) => e.facts.reasonCodes);
    expect(refusals).toEqual([['approval-missing'], ['approval-unauthenticated']]);
  });

  it('another spelling of the send path does not get past the rule', async () => {
    for (const path of ['//api/messages', '/api/messages/', '/API/Messages', '/api/%6Dessages']) {
      const response = await fetch(`${h.proxy.url}${path}`, { method: 'POST', headers: { cookie: session, 'content-type': 'application/json', 'x-export-guard-token': h.tokens.anna! }, body: sendBody(recipients, [attachmentId]) });
      expect(response.status, path).toBe(428);
    }
  });

  it('the absolute form, path parameters, suffixes and method overrides do not get past the rule', async () => {
    const body = sendBody(recipients, [attachmentId]);
    const tries: Array<[method: string, path: string, headers?: Record<string, string>]> = [
      ['POST', 'http://portal.example/api/messages'],
      ['POST', '/api/messages;jsessionid=0F3C2A9E'],
      ['POST', '/api/messages.json'],
      ['PUT', '/api/messages', { 'x-http-method-override': 'POST' }],
      ['PATCH', '/api/messages', { 'X-HTTP-Method': 'post' }],
      ['PUT', '/api/messages', { 'x-method-override': 'POST' }],
      ['PUT', '/api/messages?_method=POST'],
    ];
    for (const [method, path, headers = {}] of tries) {
      // A raw request: fetch cannot send an absolute-form target.
      const status = await new Promise<number>((resolve, reject) => {
        const url = new URL(h.proxy.url);
        const req = httpRequest({ host: url.hostname, port: url.port, method, path, headers: { cookie: session, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), 'x-export-guard-token': h.tokens.anna!, ...headers } }, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        });
        req.on('error', reject);
        req.end(body);
      });
      expect(status, `${method} ${path} ${JSON.stringify(headers)}`).toBe(428);
    }
  });

  it('more than 100 recipients need approval even without attachment', async () => {
    const many = h.portal.jobSeekers.slice(0, 101).map((p) => p.id);
    expect((await send(h, session, 'anna', sendBody(many, []))).status).toBe(428);
    expect((await send(h, session, 'anna', sendBody(many.slice(0, 100), []))).status).toBe(200);
  });

  it('the happy path: request, a colleague approves, the send passes once and reaches the inboxes', async () => {
    const body = sendBody(recipients, [attachmentId], 'Banenmarkt dinsdag');
    const requested = await requestApproval(h, 'anna', body);
    expect(requested.status).toBe(201);
    const approval = requested.json.approval;
    expect(approval).toMatchObject({ state: 'pending', recipientCount: 3, subject: 'Banenmarkt dinsdag', body: 'Graag tot dinsdag.', sender: { id: 'anna' }, canDecide: false, approvers: ['Carla'] });
    expect(approval.attachments).toEqual([expect.objectContaining({ id: attachmentId, name: 'uitnodiging.txt', verdict: 'allow' })]);

    // The approver sees it in the team's pending list, and may decide it.
    const listed = await api(h, 'carla', 'GET', `${ROUTES.approvals}?state=pending`);
    expect(listed.json.approvals.find((a: { id: string }) => a.id === approval.id)).toMatchObject({ canDecide: true });

    const beforeInbox = inboxCount(recipients[2]!);
    expect((await send(h, session, 'anna', body, approval.id)).status).toBe(428); // still pending
    const approved = await decide(h, 'carla', approval.id, 'approve');
    expect(approved.status).toBe(200);
    expect(approved.json.approval).toMatchObject({ state: 'approved', decidedBy: { id: 'carla' } });

    const passed = await send(h, session, 'anna', body, approval.id);
    expect(passed.status).toBe(200);
    expect(inboxCount(recipients[2]!)).toBe(beforeInbox + 1);
    expect(h.portal.mailbox.inbox(recipients[2]!).at(-1)).toMatchObject({ subject: 'Banenmarkt dinsdag', attachmentIds: [attachmentId] });

    const replay = await send(h, session, 'anna', body, approval.id);
    expect(replay.status).toBe(428);
    expect(await replay.json()).toMatchObject({ detail: 'already-used' });
    expect(inboxCount(recipients[2]!)).toBe(beforeInbox + 1);
  });

  it('refuses self-approval, an approver of another team, and a colleague without the approver role', async () => {
    const { json } = await requestApproval(h, 'carla', sendBody(recipients, [attachmentId], 'Eigen bericht'));
    expect((await decide(h, 'carla', json.approval.id, 'approve')).json).toMatchObject({ error: 'self-approval' });
    const other = await requestApproval(h, 'anna', sendBody(recipients, [attachmentId], 'Ander team'));
    const byDirk = await decide(h, 'dirk', other.json.approval.id, 'approve');
    expect(byDirk.status).toBe(404); // another team's request is not even visible
    const byEva = await decide(h, 'eva', other.json.approval.id, 'approve');
    expect(byEva.status).toBe(403);
    expect(byEva.json).toMatchObject({ error: 'not-an-approver' });
    expect((await send(h, session, 'anna', sendBody(recipients, [attachmentId], 'Ander team'), other.json.approval.id)).status).toBe(428);
  });

  it('refuses a changed payload and another sender using the approval', async () => {
    const body = sendBody(recipients, [attachmentId], 'Workshop');
    const { json } = await requestApproval(h, 'anna', body);
    await decide(h, 'carla', json.approval.id, 'approve');
    const more = sendBody([...recipients, h.portal.jobSeekers[10]!.id], [attachmentId], 'Workshop');
    const changed = await send(h, session, 'anna', more, json.approval.id);
    expect(changed.status).toBe(428);
    expect(await changed.json()).toMatchObject({ detail: 'payload-changed' });
    const byBram = await send(h, session, 'bram', body, json.approval.id);
    expect(await byBram.json()).toMatchObject({ detail: 'wrong-sender' });
    // Refusals did not use the approval up: the exact send by its sender still passes.
    expect((await send(h, session, 'anna', body, json.approval.id)).status).toBe(200);
  });

  it('a rejection needs a reason, and a rejected approval does not let the send pass', async () => {
    const body = sendBody(recipients, [attachmentId], 'Afgewezen');
    const { json } = await requestApproval(h, 'anna', body);
    expect((await decide(h, 'carla', json.approval.id, 'reject')).status).toBe(400);
    expect((await decide(h, 'carla', json.approval.id, 'reject', 'Bijlage hoort er niet bij')).json.approval).toMatchObject({ state: 'rejected', reason: 'Bijlage hoort er niet bij' });
    expect(await (await send(h, session, 'anna', body, json.approval.id)).json()).toMatchObject({ detail: 'rejected' });
  });

  it('an attachment the proxy never saw is shown as unknown', async () => {
    const direct = new FormData();
    direct.append('file', new Blob(['buiten de proxy om']), 'direct.txt');
    const portalSessionDirect = await portalLogin(h.portal.url, 'Anna de Vries');
    const id = ((await (await fetch(`${h.portal.url}/api/attachments`, { method: 'POST', headers: { cookie: portalSessionDirect }, body: direct })).json()) as { id: string }).id;
    const { status, json } = await requestApproval(h, 'anna', sendBody(recipients, [id]));
    expect(status).toBe(201);
    expect(json.approval.attachments).toEqual([expect.objectContaining({ id, verdict: 'unknown', reasons: [expect.objectContaining({ code: 'attachment-unknown' })] })]);
  });

  // Starting the proxy again (its scan workers) took 20 s beside other test files on the two shared cores.
  it('a restart keeps pending and granted approvals', { timeout: 90_000 }, async () => {
    const pendingBody = sendBody(recipients, [attachmentId], 'Na herstart in behandeling');
    const grantedBody = sendBody(recipients, [attachmentId], 'Na herstart goedgekeurd');
    const pending = (await requestApproval(h, 'anna', pendingBody)).json.approval;
    const granted = (await requestApproval(h, 'anna', grantedBody)).json.approval;
    await decide(h, 'carla', granted.id, 'approve');

    await h.restart();

    expect((await api(h, 'anna', 'GET', ROUTES.approval(pending.id))).json.approval).toMatchObject({ state: 'pending' });
    expect((await send(h, session, 'anna', grantedBody, granted.id)).status).toBe(200);
    expect((await decide(h, 'carla', pending.id, 'approve')).status).toBe(200);
    expect((await send(h, session, 'anna', pendingBody, pending.id)).status).toBe(200);
  });

  it('/metrics shows pending approvals and decisions', async () => {
    await requestApproval(h, 'anna', sendBody(recipients, [attachmentId], 'Voor de metrics'));
    const text = await (await fetch(`${h.proxy.url}${ROUTES.metrics}`)).text();
    expect(text).toMatch(/^export_guard_approvals_pending [1-9]\d*$/m);
    expect(text).toMatch(/^export_guard_approval_changes_total\{change="approval-approved"\} [1-9]\d*$/m);
  });

  it('keeps the database file on disk', () => {
    expect(readFileSync(h.dbPath).subarray(0, 15).toString()).toBe('SQLite format 3');
  });
});
