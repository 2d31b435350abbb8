// The proxy's own API: authenticated, answering only the extension's origin, 4xx with a reason
// for anything malformed, and the extension's block reports recorded once each.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROUTES, type BlockedUploadEvent } from '../../shared/api.js';
import { DEFAULT_APPROVAL_RULE } from '../../shared/approval/rule.js';
import { api, EXTENSION_ORIGIN, SSO_HEADER, startHarness, type Harness } from './harness.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());

const event = (eventId: string): BlockedUploadEvent => ({
  source: 'extension',
  site: 'https://werkportaal.example/compose',
  via: 'drop',
  fileName: 'selectie.xlsx',
  size: 4096,
  sha256: 'b'.repeat(64),
  kind: 'xlsx',
  reasonCodes: ['bsn-column'],
  columns: ['BSN', 'Achternaam'],
  at: '2026-03-02T09:15:00.000Z',
  eventId,
});

describe('the approval API', () => {
  it('tells the extension who the token belongs to, and the policy and approval rule in force', async () => {
    expect((await api(h, 'carla', 'GET', ROUTES.me)).json).toEqual({ user: { id: 'carla', name: 'Carla', team: 'A', roles: ['caseworker', 'approver'] } });
    const policy = await api(h, 'anna', 'GET', ROUTES.policy);
    expect(policy.json.approval).toEqual(DEFAULT_APPROVAL_RULE);
    expect(policy.json.policy).toMatchObject({ version: 1, limits: expect.any(Object) });
  });

  it('refuses calls without a valid token', async () => {
    expect((await api(h, undefined, 'GET', ROUTES.approvals)).status).toBe(401);
    const wrong = await api(h, undefined, 'GET', ROUTES.approvals, undefined, { 'x-export-guard-token': 'not-a-token' });
    expect(wrong).toEqual({ status: 401, json: expect.objectContaining({ error: 'unauthenticated' }) });
  });

  it('refuses a browser call from any origin but the extension, even with a valid token', async () => {
    const evil = await api(h, 'carla', 'GET', ROUTES.approvals, undefined, { origin: 'https://evil.example' });
    expect(evil).toEqual({ status: 403, json: expect.objectContaining({ error: 'origin-not-allowed' }) });
    // A page of the protected site itself: a same-origin GET carries no Origin, but Fetch Metadata.
    // The SSO gateway's header rides along on the page's requests, so it proves nothing here.
    const page = await fetch(h.proxy.url + ROUTES.approvals, { headers: { [SSO_HEADER]: 'carla', 'sec-fetch-site': 'same-origin' } });
    expect(page.status).toBe(401);
  });

  it("accepts Firefox's same-origin background calls when they carry the extension's token", async () => {
    // The same SSO header from a non-browser client is the gateway's word, and counts.
    expect((await fetch(h.proxy.url + ROUTES.me, { headers: { [SSO_HEADER]: 'carla' } })).status).toBe(200);
    const addon = await fetch(h.proxy.url + ROUTES.me, { headers: { 'x-export-guard-token': h.tokens.carla!, 'sec-fetch-site': 'same-origin' } });
    expect(await addon.json()).toEqual({ user: expect.objectContaining({ id: 'carla' }) });
  });

  it('answers the extension origin with CORS headers, preflight included', async () => {
    const preflight = await fetch(h.proxy.url + ROUTES.approvals, {
      method: 'OPTIONS',
      headers: { origin: EXTENSION_ORIGIN, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type, x-export-guard-token' },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe(EXTENSION_ORIGIN);
    expect(preflight.headers.get('access-control-allow-headers')).toContain('x-export-guard-token');
    const evilPreflight = await fetch(h.proxy.url + ROUTES.approvals, { method: 'OPTIONS', headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' } });
    expect(evilPreflight.status).toBe(403);
    expect(evilPreflight.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('answers malformed requests with 400 and a reason', async () => {
    expect(await api(h, 'anna', 'POST', ROUTES.approvals, '{"payload": ')).toEqual({ status: 400, json: expect.objectContaining({ error: 'malformed-json' }) });
    expect((await api(h, 'anna', 'POST', ROUTES.approvals, { payload: { method: 'POST' } })).json).toMatchObject({ error: 'malformed-request', message: "payload.path: expected a path starting with '/', got nothing" });
    const notSend = await api(h, 'anna', 'POST', ROUTES.approvals, { payload: { method: 'POST', path: '/api/attachments', contentType: 'application/json', body: '{}' } });
    expect(notSend).toEqual({ status: 400, json: expect.objectContaining({ error: 'not-a-send-route' }) });
    const badSend = await api(h, 'anna', 'POST', ROUTES.approvals, { payload: { method: 'POST', path: '/api/messages', contentType: 'application/json', body: '{"recipientIds": 5}' } });
    expect(badSend.json).toMatchObject({ error: 'malformed-send' });
    expect((await api(h, 'anna', 'GET', `${ROUTES.approvals}?state=maybe`)).status).toBe(400);
    expect((await api(h, 'carla', 'POST', ROUTES.decision('nope'), { decision: 'perhaps' })).status).toBe(400);
    expect((await api(h, 'carla', 'POST', ROUTES.decision('nope'), { decision: 'approve' })).status).toBe(404);
    expect((await api(h, 'carla', 'GET', `${ROUTES.approvals}/%E0%A4%A`)).json).toMatchObject({ error: 'malformed-request' });
    expect((await api(h, 'anna', 'POST', ROUTES.events, { ...event('e0'), sha256: 'xyz' })).json).toMatchObject({ error: 'malformed-event' });
    expect((await api(h, 'anna', 'POST', ROUTES.events, { ...event('e0'), via: 'email' })).json).toMatchObject({
      error: 'malformed-event',
      message: 'via: expected one of picker, drop, paste, script, got other text',
    });
  });

  it('a send whose recipients the rule cannot count is refused, not forwarded', async () => {
    const before = h.portal.mailbox.sent().length;
    const response = await fetch(`${h.proxy.url}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-export-guard-token': h.tokens.anna! }, body: '{"recipientIds": "all", "attachmentIds": ["att-1"]}' });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: 'malformed-send', message: "'recipientIds' must be a list of recipients" });
    expect(h.portal.mailbox.sent().length).toBe(before);
  });

  it('records an extension block report once, however often it is delivered', async () => {
    expect(await api(h, 'anna', 'POST', ROUTES.events, event('evt-1'))).toEqual({ status: 201, json: { recorded: true } });
    expect(await api(h, 'anna', 'POST', ROUTES.events, event('evt-1'))).toEqual({ status: 200, json: { recorded: false } });
    const entries = await h.audit();
    const reported = entries.filter((e) => e.type === 'upload-blocked' && e.facts.source === 'extension');
    expect(reported).toHaveLength(1);
    expect(reported[0]).toMatchObject({ at: '2026-03-02T09:15:00.000Z', facts: { user: 'anna', columns: ['BSN', 'Achternaam'], reasonCodes: ['bsn-column'] } });
    expect(JSON.stringify(reported[0])).not.toContain('selectie.xlsx');
  });
});
