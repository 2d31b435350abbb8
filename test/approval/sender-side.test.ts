// The sender is not stuck: a waiting request can be withdrawn (only by its sender), and a refused
// send says who can approve and how, as a page for a browser without the extension.
import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildReport } from '../../proxy/audit/report.js';
import { HEADERS, ROUTES } from '../../shared/api.js';
import { api, decide, requestApproval, send, sendBody, startSendHarness, type Harness } from './harness.js';

let h: Harness;
let session: string;
let attachmentId: string;
let recipients: string[];

beforeAll(async () => {
  ({ h, session, attachmentId, recipients } = await startSendHarness('Rooster van de trainingsweek.\n'));
});
afterAll(() => h.close());

describe('withdrawing a waiting request', () => {
  it('the sender withdraws it; it can then be neither decided nor used, and the log says so', async () => {
    const body = sendBody(recipients, [attachmentId], 'Toch niet');
    const { json } = await requestApproval(h, 'anna', body);
    const id = json.approval.id;
    const withdrawn = await api(h, 'anna', 'POST', ROUTES.withdraw(id));
    expect(withdrawn.status).toBe(200);
    expect(withdrawn.json.approval).toMatchObject({ id, state: 'withdrawn', withdrawnAt: expect.any(String), canDecide: false });
    expect((await api(h, 'anna', 'POST', ROUTES.withdraw(id))).status).toBe(409);
    expect((await decide(h, 'carla', id, 'approve')).json).toMatchObject({ error: 'already-withdrawn' });
    expect(await (await send(h, session, 'anna', body, id)).json()).toMatchObject({ detail: 'withdrawn' });
    expect((await api(h, 'carla', 'GET', `${ROUTES.approvals}?state=pending`)).json.approvals.map((a: { id: string }) => a.id)).not.toContain(id);
    const entries = (await h.audit()).filter((e) => e.facts.approvalId === id).map((e) => [e.type, e.facts.user]);
    expect(entries).toEqual([['approval-requested', 'anna'], ['approval-withdrawn', 'anna']]);
    const metrics = await (await fetch(`${h.proxy.url}${ROUTES.metrics}`)).text();
    expect(metrics).toMatch(/^export_guard_approval_changes_total\{change="approval-withdrawn"\} 1$/m);
    expect(buildReport(await h.audit()).approvals.withdrawn).toBe(1);
  });

  it('nobody but the sender may withdraw it: not a colleague, not the approver, not another team', async () => {
    const { json } = await requestApproval(h, 'anna', sendBody(recipients, [attachmentId], 'Van Anna'));
    const id = json.approval.id;
    expect((await api(h, 'bram', 'POST', ROUTES.withdraw(id))).json).toMatchObject({ error: 'not-requester' });
    expect((await api(h, 'carla', 'POST', ROUTES.withdraw(id))).status).toBe(403);
    expect((await api(h, 'dirk', 'POST', ROUTES.withdraw(id))).status).toBe(404);
    expect((await api(h, undefined, 'POST', ROUTES.withdraw(id))).status).toBe(401);
    expect((await api(h, 'anna', 'GET', ROUTES.approval(id))).json.approval.state).toBe('pending');
  });

  it('a decided request cannot be withdrawn', async () => {
    const { json } = await requestApproval(h, 'anna', sendBody(recipients, [attachmentId], 'Al goedgekeurd'));
    await decide(h, 'carla', json.approval.id, 'approve');
    expect((await api(h, 'anna', 'POST', ROUTES.withdraw(json.approval.id))).json).toMatchObject({ error: 'not-pending' });
  });
});

describe('a refused send says who can approve and how', () => {
  const body = () => sendBody(recipients, [attachmentId], 'Zonder extensie');

  /** The send as a browser's form post (a navigation): fetch cannot send one. */
  function navigate(headers: Record<string, string>): Promise<{ status: number; contentType: string; text: string }> {
    const url = new URL(h.proxy.url);
    const sent = body();
    const all = { cookie: session, 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(sent)), accept: 'text/html,application/xhtml+xml', 'sec-fetch-mode': 'navigate', ...headers };
    return new Promise((resolve, reject) => {
      const req = httpRequest({ host: url.hostname, port: url.port, method: 'POST', path: '/api/messages', headers: all }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, contentType: res.headers['content-type'] ?? '', text: Buffer.concat(chunks).toString('utf8') }));
      });
      req.on('error', reject);
      req.end(sent);
    });
  }

  it('to a program: JSON with the approvers by name, in Dutch and English', async () => {
    const response = await send(h, session, 'anna', body());
    expect(response.status).toBe(428);
    expect(await response.json()).toMatchObject({ approvers: ['Carla'], nl: expect.stringContaining('Goedkeuren kan: Carla'), en: expect.stringContaining('Who can approve: Carla') });
  });

  it('to a browser without the extension: a page in Dutch and English, naming the approver and no header', async () => {
    const response = await navigate({ [HEADERS.token]: h.tokens.anna! });
    expect(response.status).toBe(428);
    expect(response.contentType).toMatch(/^text\/html/);
    const page = response.text;
    expect(page).toContain('Goedkeuren kan: Carla');
    expect(page).toContain('Who can approve: Carla');
    expect(page).toContain('export-guard-knop');
    expect(page).not.toMatch(/x-export-guard|__export-guard/);
  });

  it('without a token: how to make export-guard know you, never a header name', async () => {
    const response = await navigate({});
    const page = response.text;
    expect(response.status).toBe(428);
    expect(page).toContain('instellingen van de export-guard-extensie');
    expect(page).toContain('enter the token IT gave you');
    expect(page).not.toMatch(/x-export-guard|header/i);
  });

  it('a team without an approver is told to ask IT for one', async () => {
    const response = await send(h, session, 'dirk', body());
    expect(await response.json()).toMatchObject({ approvers: [], nl: expect.stringContaining('vraag IT om een goedkeurder') });
  });
});
