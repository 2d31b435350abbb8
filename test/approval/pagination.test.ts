// The team's approval list a page at a time: newest first, `limit` (default 50, at most 200) and a
// `before` cursor, on a real proxy and database holding more requests than one page.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { APPROVAL_PAGE, ROUTES, type ApprovalListResponse } from '../../shared/api.js';
import { api, decide, requestApproval, sendBody, startHarness, type Harness } from './harness.js';

const TEAM_A_REQUESTS = 205;

let h: Harness;
/** Team A's request ids, oldest first. */
const filed: string[] = [];
let teamB: string;

beforeAll(async () => {
  h = await startHarness();
  const recipients = h.portal.jobSeekers.slice(0, 101).map((p) => p.id);
  for (let i = 0; i < TEAM_A_REQUESTS; i += 1) {
    const created = await requestApproval(h, i % 2 ? 'anna' : 'bram', sendBody(recipients, [], `Bericht ${i}`));
    expect(created.status).toBe(201);
    filed.push(created.json.approval.id);
  }
  teamB = (await requestApproval(h, 'dirk', sendBody(recipients, [], 'Team B'))).json.approval.id;
});
afterAll(() => h.close());

async function page(query: string): Promise<ApprovalListResponse> {
  const response = await api(h, 'carla', 'GET', `${ROUTES.approvals}?${query}`);
  expect(response.status).toBe(200);
  return response.json;
}

const newestFirst = () => [...filed].reverse();

describe('the approval list, a page at a time', () => {
  it('without paging parameters gives the newest 50 and says more follow', async () => {
    const first = await page('state=pending');
    expect(first.approvals.map((a) => a.id)).toEqual(newestFirst().slice(0, APPROVAL_PAGE.defaultLimit));
    expect(first.hasMore).toBe(true);
  });

  it('walks every request of the team exactly once, newest first, with the before cursor', async () => {
    const seen: string[] = [];
    const sizes: number[] = [];
    let query = 'state=pending&limit=60';
    // Bounded, so a cursor that does not advance fails the test instead of hanging it.
    for (let pages = 0; pages < 10; pages += 1) {
      const next = await page(query);
      seen.push(...next.approvals.map((a) => a.id));
      sizes.push(next.approvals.length);
      if (!next.hasMore) break;
      query = `state=pending&limit=60&before=${encodeURIComponent(seen[seen.length - 1]!)}`;
    }
    expect(sizes).toEqual([60, 60, 60, 25]);
    expect(seen).toEqual(newestFirst());
    expect(seen).not.toContain(teamB);
  });

  it('says no more follow when the page takes exactly the rest', async () => {
    const rest = await page(`limit=5&before=${filed[5]}`);
    expect(rest.approvals.map((a) => a.id)).toEqual(filed.slice(0, 5).reverse());
    expect(rest.hasMore).toBe(false);
  });

  it('gives at most 200 at once', async () => {
    const most = await page(`limit=${APPROVAL_PAGE.maxLimit}`);
    expect(most.approvals).toHaveLength(200);
    expect(most.hasMore).toBe(true);
  });

  it('leaves out requests in other states, also on later pages', async () => {
    expect((await decide(h, 'carla', filed[100]!, 'approve')).status).toBe(200);
    const pending = await page(`state=pending&limit=200&before=${filed[150]}`);
    expect(pending.approvals.map((a) => a.id)).toEqual(filed.slice(0, 150).filter((id) => id !== filed[100]).reverse());
    expect(pending.hasMore).toBe(false);
    const approved = await page('state=approved');
    expect(approved).toEqual({ approvals: [expect.objectContaining({ id: filed[100], state: 'approved' })], hasMore: false });
  });

  it('refuses a limit out of range or not a whole number, and a cursor outside the team, with 400 and a reason', async () => {
    for (const limit of ['0', '201', '-1', '1.5', 'ten', '']) {
      const refused = await api(h, 'carla', 'GET', `${ROUTES.approvals}?limit=${limit}`);
      expect(refused).toEqual({ status: 400, json: expect.objectContaining({ error: 'malformed-request', message: expect.stringContaining("'limit'") }) });
    }
    for (const before of ['no-such-request', teamB]) {
      const refused = await api(h, 'carla', 'GET', `${ROUTES.approvals}?before=${encodeURIComponent(before)}`);
      expect(refused).toEqual({ status: 400, json: expect.objectContaining({ error: 'malformed-request', message: expect.stringContaining("'before'") }) });
    }
  });
});
