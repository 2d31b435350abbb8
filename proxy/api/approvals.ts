// Approval requests over HTTP: whether a send needs one, file one, list the team's, read one,
// decide one, withdraw one's own.
import {
  APPROVAL_PAGE,
  APPROVAL_STATES,
  type ApprovalListResponse,
  type ApprovalNeededResponse,
  type ApprovalResponse,
  type ApprovalState,
  type DecisionRequest,
  type SendPayload,
  type UserInfo,
} from '../../shared/api.js';
import { findSendRoute, readSendFacts, type ApprovalRule } from '../../shared/approval/rule.js';
import type { Approvals, Refusal } from '../approval/approvals.js';
import type { BulkSends } from '../approval/bulk-sends.js';
import type { ApprovalRecord } from '../store/types.js';
import { matching, object, oneOf, text } from '../config-fields.js';
import { BadRequest, parseBody } from './json.js';

export interface Answer {
  status: number;
  body: object;
}

function readPayload(input: unknown): SendPayload {
  return parseBody(input, 'malformed-request', (body) => {
    const payload = object(body.payload, 'payload');
    return {
      method: text(payload.method, 'payload.method'),
      path: matching(payload.path, 'payload.path', /^\//, "a path starting with '/'"),
      contentType: text(payload.contentType, 'payload.contentType'),
      body: text(payload.body, 'payload.body'),
    };
  });
}

export async function createApproval(approvals: Approvals, user: UserInfo, input: unknown): Promise<Answer> {
  return answer(approvals, user, await approvals.request(user, readPayload(input)), 201);
}

/** A send that is no send route's, or that the rule cannot read, is the proxy's to judge when it is sent: not needed here. */
export async function approvalNeeded(rule: ApprovalRule, bulkSends: BulkSends, user: UserInfo, input: unknown): Promise<Answer> {
  const payload = readPayload(input);
  const route = findSendRoute(rule.sendRoutes, payload.method, payload.path, rule.routeMatching);
  const facts = route && readSendFacts(route, payload.body);
  const reason = facts && !('error' in facts) ? await bulkSends.check(user, facts) : undefined;
  return { status: 200, body: (reason ? { needed: true, reason } : { needed: false }) satisfies ApprovalNeededResponse };
}

export async function listApprovals(approvals: Approvals, user: UserInfo, query: URLSearchParams): Promise<Answer> {
  const state = query.get('state');
  if (state !== null && !APPROVAL_STATES.includes(state as ApprovalState)) {
    throw new BadRequest(400, 'malformed-request', `'state' must be one of ${APPROVAL_STATES.join(', ')}`);
  }
  const before = query.get('before');
  if (before !== null && !(await approvals.get(user, before))) {
    throw new BadRequest(400, 'malformed-request', `'before' must be the id of an approval request of your team, got '${before}'`);
  }
  const { records, hasMore } = await approvals.list(user, { state: (state ?? undefined) as ApprovalState | undefined, before: before ?? undefined, limit: pageLimit(query.get('limit')) });
  return { status: 200, body: { approvals: records.map((r) => approvals.view(r, user)), hasMore } satisfies ApprovalListResponse };
}

function pageLimit(limit: string | null): number {
  if (limit === null) return APPROVAL_PAGE.defaultLimit;
  const n = Number(limit);
  if (!/^\d+$/.test(limit) || n < 1 || n > APPROVAL_PAGE.maxLimit) {
    throw new BadRequest(400, 'malformed-request', `'limit' must be a whole number from 1 to ${APPROVAL_PAGE.maxLimit}, got '${limit}'`);
  }
  return n;
}

export async function getApproval(approvals: Approvals, user: UserInfo, id: string): Promise<Answer> {
  const record = await approvals.get(user, id);
  if (!record) return { status: 404, body: { error: 'not-found', message: `no approval request '${id}' for your team` } };
  return { status: 200, body: { approval: approvals.view(record, user) } satisfies ApprovalResponse };
}

export async function decideApproval(approvals: Approvals, user: UserInfo, id: string, input: unknown): Promise<Answer> {
  const request = parseBody(input, 'malformed-request', (body): DecisionRequest => ({
    decision: oneOf(body.decision, 'decision', ['approve', 'reject'] as const),
    reason: body.reason === undefined ? undefined : text(body.reason, 'reason'),
  }));
  return answer(approvals, user, await approvals.decide(user, id, request), 200);
}

export async function withdrawApproval(approvals: Approvals, user: UserInfo, id: string): Promise<Answer> {
  return answer(approvals, user, await approvals.withdraw(user, id), 200);
}

function answer(approvals: Approvals, user: UserInfo, outcome: ApprovalRecord | Refusal, status: number): Answer {
  if ('status' in outcome) {
    const { status: refusedWith, ...body } = outcome;
    return { status: refusedWith, body };
  }
  return { status, body: { approval: approvals.view(outcome, user) } satisfies ApprovalResponse };
}
