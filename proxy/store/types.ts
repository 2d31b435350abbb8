// The proxy's state behind one interface: approvals, the audit log and the ids of events already
// recorded. SQLite is the embedded default; a shared database can implement the same interface
// so several proxies of one office agree on every approval. Every change of an approval is
// written in the same transaction as its audit entry: the evidence never disagrees with the state.
import type { ApprovalState, ApprovalView, UserInfo } from '../../shared/api.js';
import type { AuditEntry, AuditEvent } from '../audit/entry.js';

/** A request as stored: what the API shows of it (less what depends on who asks), and what it is bound to. */
export interface ApprovalRecord extends Omit<ApprovalView, 'canDecide' | 'approvers'> {
  usedAt?: string;
  /** The send it approves; with the payload hash, see proxy/approval/payload-hash.ts. */
  method: string;
  path: string;
}

export interface ApprovalFilter {
  team?: string;
  state?: ApprovalState;
  /** Only requests filed before this one (by id): the cursor of the next page. */
  before?: string;
  /** At most this many; all when absent. */
  limit?: number;
}

export interface Decision {
  state: 'approved' | 'rejected';
  decidedBy: UserInfo;
  decidedAt: string;
  reason?: string;
  /** A granted approval is valid for a while from the moment it was granted. */
  expiresAt: string;
}

export interface Store {
  createApproval(record: ApprovalRecord, audit: AuditEvent): Promise<void>;
  getApproval(id: string): Promise<ApprovalRecord | undefined>;
  /** Newest first. */
  listApprovals(filter: ApprovalFilter): Promise<ApprovalRecord[]>;
  /** Only a pending, unexpired request can be decided; false when it was not (any more). */
  decideApproval(id: string, decision: Decision, now: string, audit: AuditEvent): Promise<boolean>;
  /** Marks a granted, unexpired approval used, at most once ever; false when it was not usable. */
  useApproval(id: string, now: string, audit: AuditEvent): Promise<boolean>;
  /** Moves pending and granted approvals past their expiry to 'expired', auditing each. */
  expireDue(now: string, auditOf: (record: ApprovalRecord) => AuditEvent): Promise<ApprovalRecord[]>;
  countByState(): Promise<Record<ApprovalState, number>>;
  appendAudit(event: AuditEvent): Promise<AuditEntry>;
  /** Appends the event unless its id was recorded before; false for a redelivery. */
  appendReportedEvent(eventId: string, event: AuditEvent): Promise<boolean>;
  /** In the order they were stored, which `audit verify` checks. */
  auditEntries(): Promise<AuditEntry[]>;
  close(): Promise<void>;
}
