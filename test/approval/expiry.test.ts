// Approvals end: a granted one not used in time, and a request nobody decided in time.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROUTES } from '../../shared/api.js';
import { api, decide, portalSession, requestApproval, send, sendBody, startHarness, type Harness } from './harness.js';

// 0.01 minutes: an approval lives 600 ms here.
const VALID_MS = 600;
let h: Harness;
let session: string;

beforeAll(async () => {
  h = await startHarness({ validMinutes: VALID_MS / 60_000 });
  session = await portalSession(h);
});
afterAll(() => h.close());

const recipients = () => h.portal.jobSeekers.slice(0, 150).map((p) => p.id);
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('expiry', () => {
  it('an approval not used in time no longer lets the send pass, and the expiry is audited', async () => {
    const body = sendBody(recipients(), [], 'Verlopen');
    const { json } = await requestApproval(h, 'anna', body);
    expect((await decide(h, 'carla', json.approval.id, 'approve')).status).toBe(200);
    await pause(VALID_MS + 200);
    const response = await send(h, session, 'anna', body, json.approval.id);
    expect(response.status).toBe(428);
    expect(await response.json()).toMatchObject({ detail: 'expired' });
    expect((await api(h, 'anna', 'GET', ROUTES.approval(json.approval.id))).json.approval.state).toBe('expired');
    expect((await h.audit()).filter((e) => e.type === 'approval-expired' && e.facts.approvalId === json.approval.id)).toHaveLength(1);
    expect(h.portal.mailbox.sent()).toHaveLength(0);
  });

  it('a request not decided in time can no longer be approved', async () => {
    const { json } = await requestApproval(h, 'anna', sendBody(recipients(), [], 'Te laat'));
    await pause(VALID_MS + 200);
    const late = await decide(h, 'carla', json.approval.id, 'approve');
    expect(late.status).toBe(409);
    expect(late.json).toMatchObject({ error: 'already-expired' });
  });
});
