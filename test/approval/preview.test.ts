// What the approver sees of a pending request beyond its text: whom it goes to, and the bytes of
// each attachment for the popup's preview. The bytes go only to someone who may decide it, exactly
// as the portal received them, and neither they nor the recipients outlive the proxy's memory.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HEADERS, ROUTES, type ApprovalView } from '../../shared/api.js';
import { DEFAULT_APPROVAL_RULE } from '../../shared/approval/rule.js';
import { fixtureBytes } from '../helpers/fixtures.js';
import { EXTENSION_ORIGIN, api, decide, portalSession, requestApproval, sendBody, startHarness, upload, type Harness } from './harness.js';

let h: Harness;
let bytes: Uint8Array;
let approval: ApprovalView;
let attachmentId: string;
let recipientIds: string[];

beforeAll(async () => {
  h = await startHarness();
  const session = await portalSession(h);
  bytes = await fixtureBytes('vacancies.xlsx');
  const uploaded = await upload(h, session, 'anna', 'vacatures.xlsx', bytes);
  expect(uploaded.status).toBe(200);
  attachmentId = ((await uploaded.json()) as { id: string }).id;
  recipientIds = h.portal.jobSeekers.slice(0, 3).map((p) => p.id);
  // The same recipient twice is one recipient.
  const { status, json } = await requestApproval(h, 'anna', sendBody([...recipientIds, recipientIds[0]!], [attachmentId]));
  expect(status).toBe(201);
  approval = json.approval;
}, 60_000);
afterAll(() => h.close());

async function attachmentBytes(user: string | undefined, id = approval.id, attachment = attachmentId): Promise<Response> {
  const headers: Record<string, string> = { origin: EXTENSION_ORIGIN };
  if (user) headers[HEADERS.token] = h.tokens[user]!;
  return fetch(h.proxy.url + ROUTES.attachmentBytes(id, attachment), { headers });
}

describe('the recipients of a request', () => {
  it('are shown with their ids, once each, and where the portal names them', async () => {
    const { json } = await api(h, 'carla', 'GET', ROUTES.approval(approval.id));
    expect(json.approval.recipientCount).toBe(3);
    expect(json.approval.recipients).toEqual({ ids: recipientIds, names: DEFAULT_APPROVAL_RULE.sendRoutes[0]!.recipientNames });
  });
});

describe("an attachment's bytes for the preview", () => {
  it('are given to an approver of the team, byte for byte, never to be cached', async () => {
    const response = await attachmentBytes('carla');
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(response.headers.get('content-type')).toBe('application/octet-stream');
    expect(response.headers.get('access-control-allow-origin')).toBe(EXTENSION_ORIGIN);
    expect(Buffer.from(await response.arrayBuffer()).equals(Buffer.from(bytes))).toBe(true);
  });

  it('are refused to the sender, a colleague without the approver role, an admin who is no approver, and without a token', async () => {
    for (const [user, status, error] of [
      ['anna', 403, 'may-not-decide'],
      ['bram', 403, 'may-not-decide'],
      ['eva', 403, 'may-not-decide'],
      [undefined, 401, 'unauthenticated'],
    ] as const) {
      const response = await attachmentBytes(user);
      expect([user, response.status]).toEqual([user, status]);
      expect(response.headers.get('content-type')).toMatch(/json/);
      expect(((await response.json()) as { error: string }).error).toBe(error);
    }
  });

  it("do not exist for another team's approver, as the request does not", async () => {
    const response = await attachmentBytes('dirk');
    expect(response.status).toBe(404);
  });

  it('are only those of the request: another id is not found, even one the proxy holds', async () => {
    const session = await portalSession(h);
    const other = await upload(h, session, 'anna', 'ander.xlsx', await fixtureBytes('vacancies.xlsx'));
    const otherId = ((await other.json()) as { id: string }).id;
    expect((await attachmentBytes('carla', approval.id, otherId)).status).toBe(404);
    expect((await attachmentBytes('carla', 'no-such-request')).status).toBe(404);
  });

  it('are no longer given once the request is decided', async () => {
    const { status, json } = await requestApproval(h, 'anna', sendBody(recipientIds, [attachmentId], 'Tweede ronde'));
    expect(status).toBe(201);
    expect((await attachmentBytes('carla', json.approval.id)).status).toBe(200);
    expect((await decide(h, 'carla', json.approval.id, 'approve')).status).toBe(200);
    const after = await attachmentBytes('carla', json.approval.id);
    expect(after.status).toBe(403);
  });

  it('are gone after a restart, like the recipients: the proxy kept them in memory only', async () => {
    await h.restart();
    const response = await attachmentBytes('carla');
    expect(response.status).toBe(404);
    expect(((await response.json()) as { error: string }).error).toBe('attachment-gone');
    const { json } = await api(h, 'carla', 'GET', ROUTES.approval(approval.id));
    expect(json.approval.state).toBe('pending');
    expect(json.approval.recipients).toBeUndefined();
  });
});
