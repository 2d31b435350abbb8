// The four-eyes rule: a bulk send passes only with an approval granted by an authorised approver
// of the sender's team who is not the sender, for this sender and exactly this payload, not
// expired and not used before. Every request, decision, expiry and use is audited.
import { randomUUID } from 'node:crypto';
import type { ApprovalState, ApprovalView, AttachmentSummary, DecisionRequest, SendPayload, UserInfo } from '../../shared/api.js';
import { findSendRoute, readSendFacts, type ApprovalRule, type SendFacts } from '../../shared/approval/rule.js';
import type { AuditEvent } from '../audit/entry.js';
import type { ApprovalRecord, Store } from '../store/types.js';
import { payloadHash } from './payload-hash.js';
import { RecipientMemory } from './recipients.js';

/** Recipient ids kept for the approvers (about 20 bytes each): a thousand requests of 200 recipients. */
const MAX_REMEMBERED_RECIPIENTS = 200_000;

/** Looks an uploaded attachment up and scans it again; 'unknown' when the proxy never saw it. */
export type AttachmentChecker = (id: string) => Promise<AttachmentSummary>;

export interface Refusal {
  status: number;
  error: string;
  message: string;
  attachments?: AttachmentSummary[];
}

export interface ApprovalsDeps {
  store: Store;
  rule: ApprovalRule;
  checkAttachment: AttachmentChecker;
  approversOf: (team: string) => UserInfo[];
  now?: () => Date;
  /** Told after every change of an approval's state, for the metrics. */
  onChange?: (change: AuditEvent['type']) => void;
}

/** Why a send's approval was not accepted; the 428 body's `detail`. */
export type SendCheck = 'ok' | 'missing' | 'not-found' | 'wrong-sender' | 'payload-changed' | 'pending' | 'rejected' | 'expired' | 'withdrawn' | 'already-used';

export class Approvals {
  private readonly now: () => Date;
  private readonly recipients = new RecipientMemory(MAX_REMEMBERED_RECIPIENTS);

  constructor(private readonly deps: ApprovalsDeps) {
    this.now = deps.now ?? (() => new Date());
  }

  async request(sender: UserInfo, payload: SendPayload): Promise<ApprovalRecord | Refusal> {
    const route = findSendRoute(this.deps.rule.sendRoutes, payload.method, payload.path, this.deps.rule.routeMatching);
    if (!route) return { status: 400, error: 'not-a-send-route', message: `${payload.method} ${payload.path.split('?')[0]} is not a send route that needs approval` };
    const facts = readSendFacts(route, payload.body);
    if ('error' in facts) return { status: 400, error: 'malformed-send', message: facts.error };
    const attachments = await Promise.all(facts.attachmentIds.map((id) => this.deps.checkAttachment(id)));
    if (attachments.some((a) => a.verdict === 'block')) {
      return { status: 422, error: 'attachment-blocked', message: 'an attachment of this send is blocked: no approval can let it out', attachments };
    }
    const created = this.now();
    const record: ApprovalRecord = {
      id: randomUUID(),
      state: 'pending',
      sender,
      createdAt: created.toISOString(),
      expiresAt: this.expiryFrom(created),
      payloadHash: payloadHash(sender.id, payload.method, payload.path, payload.body),
      method: payload.method.toUpperCase(),
      path: payload.path,
      subject: facts.subject,
      body: facts.body,
      recipientCount: facts.recipientCount,
      attachments,
    };
    await this.deps.store.createApproval(record, this.audit('approval-requested', sender, record));
    this.recipients.remember(record.id, { ids: facts.recipientIds, names: route.recipientNames });
    this.deps.onChange?.('approval-requested');
    return record;
  }

  /** One page of the viewer's team's requests, newest first; `before` is a request the viewer may see. */
  async list(viewer: UserInfo, page: { state?: ApprovalState; before?: string; limit: number }): Promise<{ records: ApprovalRecord[]; hasMore: boolean }> {
    await this.expireDue();
    // One more than asked tells whether another page follows.
    const records = await this.deps.store.listApprovals({ team: viewer.team, ...page, limit: page.limit + 1 });
    return { records: records.slice(0, page.limit), hasMore: records.length > page.limit };
  }

  /** One request, if the viewer may see it: the sender's own team (or an admin). */
  async get(viewer: UserInfo, id: string): Promise<ApprovalRecord | undefined> {
    await this.expireDue();
    const record = await this.deps.store.getApproval(id);
    return record && (record.sender.team === viewer.team || viewer.roles.includes('admin')) ? record : undefined;
  }

  async decide(approver: UserInfo, id: string, request: DecisionRequest): Promise<ApprovalRecord | Refusal> {
    const record = await this.get(approver, id);
    if (!record) return { status: 404, error: 'not-found', message: `no approval request '${id}' for your team` };
    const refusal = whyCannotDecide(approver, record);
    if (refusal) return { status: 403, ...refusal };
    if (record.state !== 'pending') return { status: 409, error: `already-${record.state}`, message: `this request is ${record.state}, not pending` };
    if (request.decision === 'reject' && !request.reason?.trim()) {
      return { status: 400, error: 'reason-required', message: 'a rejection needs a reason the sender can act on' };
    }
    const decided = this.now();
    const state = request.decision === 'approve' ? 'approved' : 'rejected';
    const decision = { state, decidedBy: approver, decidedAt: decided.toISOString(), reason: request.reason?.trim() || undefined, expiresAt: this.expiryFrom(decided) } as const;
    const minutesToDecide = (decided.getTime() - Date.parse(record.createdAt)) / 60_000;
    const audit = this.audit(state === 'approved' ? 'approval-approved' : 'approval-rejected', approver, record, { minutesToDecide });
    if (!(await this.deps.store.decideApproval(id, decision, decision.decidedAt, audit))) {
      return { status: 409, error: 'not-pending', message: 'this request was decided or expired meanwhile' };
    }
    this.deps.onChange?.(audit.type);
    return { ...record, ...decision };
  }

  /** The sender takes back a request still waiting for a decision; nobody else may. */
  async withdraw(sender: UserInfo, id: string): Promise<ApprovalRecord | Refusal> {
    const record = await this.get(sender, id);
    if (!record) return { status: 404, error: 'not-found', message: `no approval request '${id}' for your team` };
    if (record.sender.id !== sender.id) return { status: 403, error: 'not-requester', message: 'only the sender may withdraw a request' };
    const withdrawn = this.now().toISOString();
    if (record.state !== 'pending' || !(await this.deps.store.withdrawApproval(id, withdrawn, this.audit('approval-withdrawn', sender, record)))) {
      return { status: 409, error: 'not-pending', message: 'this request was decided or expired meanwhile: it cannot be withdrawn' };
    }
    this.deps.onChange?.('approval-withdrawn');
    return { ...record, state: 'withdrawn', withdrawnAt: withdrawn };
  }

  /**
   * Accepts a send's approval and uses it up, atomically, together with the send-passed audit
   * entry. Anything else leaves the approval as it was. `target` is the request target exactly as
   * sent (path and query); `routePath` the configured send route, for the audit entry.
   */
  async useForSend(sender: UserInfo, approvalId: string | undefined, method: string, target: string, routePath: string, body: Uint8Array, facts: SendFacts): Promise<SendCheck> {
    if (!approvalId) return 'missing';
    await this.expireDue();
    const record = await this.deps.store.getApproval(approvalId);
    if (!record) return 'not-found';
    if (record.sender.id !== sender.id) return 'wrong-sender';
    if (record.payloadHash !== payloadHash(sender.id, method, target, body)) return 'payload-changed';
    if (record.state === 'used') return 'already-used';
    if (record.state !== 'approved') return record.state;
    const used = await this.deps.store.useApproval(
      approvalId,
      this.now().toISOString(),
      sendEvent('send-passed', this.now(), sender, method, routePath, facts, approvalId),
    );
    if (!used) return 'already-used';
    this.deps.onChange?.('send-passed');
    return 'ok';
  }

  view(record: ApprovalRecord, viewer: UserInfo): ApprovalView {
    const { usedAt: _usedAt, method: _method, path: _path, ...shown } = record;
    return {
      ...shown,
      recipients: this.recipients.of(record.id),
      canDecide: record.state === 'pending' && whyCannotDecide(viewer, record) === undefined,
      approvers: this.deps.approversOf(record.sender.team).filter((a) => a.id !== record.sender.id).map((a) => a.name),
    };
  }

  async expireDue(): Promise<void> {
    const expired = await this.deps.store.expireDue(this.now().toISOString(), (record) => this.audit('approval-expired', record.sender, record));
    if (expired.length > 0) this.deps.onChange?.('approval-expired');
  }

  private expiryFrom(moment: Date): string {
    return new Date(moment.getTime() + this.deps.rule.validMinutes * 60_000).toISOString();
  }

  private audit(type: AuditEvent['type'], user: UserInfo, record: ApprovalRecord, extra: { minutesToDecide?: number } = {}): AuditEvent {
    return {
      type,
      at: this.now().toISOString(),
      facts: {
        user: user.id,
        team: record.sender.team,
        approvalId: record.id,
        recipients: record.recipientCount,
        attachments: record.attachments.length,
        sha256: record.attachments.map((a) => a.sha256).filter(Boolean),
        ...extra,
      },
    };
  }
}

export function sendEvent(type: 'send-passed' | 'send-refused', at: Date, user: UserInfo | undefined, method: string, path: string, facts: SendFacts, approvalId?: string, reasonCode?: string): AuditEvent {
  return {
    type,
    at: at.toISOString(),
    facts: {
      user: user?.id ?? '',
      team: user?.team,
      approvalId,
      method,
      path,
      recipients: facts.recipientCount,
      attachments: facts.attachmentIds.length,
      reasonCodes: reasonCode ? [reasonCode] : undefined,
    },
  };
}

function whyCannotDecide(approver: UserInfo, record: ApprovalRecord): { error: string; message: string } | undefined {
  if (approver.id === record.sender.id) return { error: 'self-approval', message: 'nobody may approve their own send: ask a colleague' };
  if (!approver.roles.includes('approver')) return { error: 'not-an-approver', message: 'only a user with the approver role may decide' };
  if (approver.team !== record.sender.team) return { error: 'other-team', message: "only an approver of the sender's team may decide" };
  return undefined;
}
