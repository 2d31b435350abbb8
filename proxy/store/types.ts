// The proxy's state behind one interface: approvals, the audit log and the ids of events already
// recorded. SQLite is the embedded default; a shared database can implement the same interface
// so several proxies of one office agree on every approval. Every change of an approval is
// written in the same transaction as its audit entry: the evidence never disagrees with the state.
import type { ApprovalState, ApprovalView, UserInfo } from '../../shared/api.js';
import type { AuditEntry, AuditEvent } from '../audit/entry.js';

/**
 * A request as stored: what the API shows of it (less what depends on who asks, and the recipients,
 * which stay in the proxy's memory: proxy/approval/recipients.ts), and what it is bound to.
 */
export interface ApprovalRecord extends Omit<ApprovalView, 'canDecide' | 'approvers' | 'recipients'> {
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

/** One send counted toward the bulk sends it belongs to (proxy/approval/bulk-sends.ts). */
export interface CountedSend {
  sender: string;
  /** What makes sends one bulk send (an attachment's SHA-256, the subject and body), each with its threshold. */
  bulks: { key: string; threshold: number }[];
  /** Keyed fingerprints of the recipients, never their ids. */
  recipients: string[];
  at: string;
  /** Sends before this moment no longer count. */
  since: string;
  /** The approval the send carries: its recipients are covered, and it is counted whatever the totals. */
  approvalId?: string;
  /** Only say whether it would cross a threshold; count nothing. */
  checkOnly?: boolean;
}

/** The bulk send a count would take over its threshold, with the distinct recipients it would then have. */
export interface BulkOverThreshold {
  key: string;
  total: number;
  threshold: number;
}

export interface Store {
  createApproval(record: ApprovalRecord, audit: AuditEvent): Promise<void>;
  getApproval(id: string): Promise<ApprovalRecord | undefined>;
  /** Newest first. */
  listApprovals(filter: ApprovalFilter): Promise<ApprovalRecord[]>;
  /** Only a pending, unexpired request can be decided; false when it was not (any more). */
  decideApproval(id: string, decision: Decision, now: string, audit: AuditEvent): Promise<boolean>;
  /** Moves a pending, unexpired request to 'withdrawn'; false when it was not (any more). */
  withdrawApproval(id: string, now: string, audit: AuditEvent): Promise<boolean>;
  /** Marks a granted, unexpired approval used, at most once ever; false when it was not usable. */
  useApproval(id: string, now: string, audit: AuditEvent): Promise<boolean>;
  /** Moves pending and granted approvals past their expiry to 'expired', auditing each. */
  expireDue(now: string, auditOf: (record: ApprovalRecord) => AuditEvent): Promise<ApprovalRecord[]>;
  countByState(): Promise<Record<ApprovalState, number>>;
  /**
   * Atomically (across every proxy sharing the store): the bulk send this send would take to its
   * threshold with a recipient no approval covers, or else counts the send and returns undefined.
   * A send carrying an approval is always counted.
   */
  countSend(send: CountedSend): Promise<BulkOverThreshold | undefined>;
  /** The store's own secret for recipient fingerprints, made once and shared by every proxy using the store. */
  fingerprintSecret(): Promise<Buffer>;
  appendAudit(event: AuditEvent): Promise<AuditEntry>;
  /** Appends the event unless its id was recorded before; false for a redelivery. */
  appendReportedEvent(eventId: string, event: AuditEvent): Promise<boolean>;
  /** In the order they were stored, which `audit verify` checks. */
  auditEntries(): Promise<AuditEntry[]>;
  /** How many entries are stored and the newest one, read together: what a checkpoint signs. */
  auditHead(): Promise<{ count: number; head?: AuditEntry }>;
  /**
   * The shared attachment ledger (proxy/attachments.ts), so that a send may go through another
   * proxy than its upload. The store only ever sees a sealed blob (encrypted by the proxies with a
   * key the database does not hold): keeps it, replacing one of the same id, then forgets the
   * oldest until the blobs together are at most maxBytes.
   */
  recordAttachment(id: string, sealed: Uint8Array, maxBytes: number): Promise<void>;
  getAttachment(id: string): Promise<Uint8Array | undefined>;
  close(): Promise<void>;
}
