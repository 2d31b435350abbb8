// What the audit log records. Only facts a privacy officer needs: who, when, what kind of event,
// reason codes, counts, column names and file hashes. Never cell values, file names, subjects or
// message bodies: those may hold the very personal data the log is evidence about.

export type AuditType =
  | 'upload-blocked'
  | 'approval-requested'
  | 'approval-approved'
  | 'approval-rejected'
  | 'approval-expired'
  | 'send-passed'
  | 'send-refused'
  | 'false-block-reported'
  | 'exception-granted'
  | 'exception-used'
  | 'approval-withdrawn'
  | 'auth-locked-out'
  | 'audit-verified'
  | 'self-test';

export interface AuditFacts {
  /** User id of whoever caused the entry ('' when unknown, e.g. an unauthenticated send). */
  user: string;
  /** The office whose proxy wrote the entry (config.office), when it names one: a store may hold several offices' events. */
  office?: string;
  team?: string;
  /** proxy or extension, for blocked uploads and reports of a false block. */
  source?: 'proxy' | 'extension';
  approvalId?: string;
  reasonCodes?: string[];
  columns?: string[];
  sha256?: string[];
  fileKind?: string;
  size?: number;
  recipients?: number;
  attachments?: number;
  /** For a decision: minutes from request to decision. */
  minutesToDecide?: number;
  method?: string;
  path?: string;
  /** For a lockout after wrong tokens: the client address it came from (reasonCodes: address or token-prefix). */
  address?: string;
  /**
   * For a granted exception: the privacy officer's why, as written in the policy file. The one
   * free text the log keeps, because it is the officer's own record of a decision about a file.
   */
  why?: string;
  allowedAt?: string;
  expiresAt?: string;
  /** For a verification of the log: intact or broken, and the kinds of break found (in reasonCodes). */
  result?: 'intact' | 'broken';
  /** For a self-test (proxy/self-test.ts): whether every check passed; the failed checks are in reasonCodes. */
  passed?: boolean;
  /** Entries the verification read. */
  entries?: number;
  /** The newest checkpoint it was checked against: when it was written and the entries it names. */
  checkpointAt?: string;
  checkpointCount?: number;
}

export interface AuditEvent {
  type: AuditType;
  /** ISO time the event happened (for reported events, when the extension saw it). */
  at: string;
  facts: AuditFacts;
}

export interface AuditEntry extends AuditEvent {
  seq: number;
  /** The previous entry's hash ('0' x 64 for the first). */
  prevHash: string;
  /** SHA-256 (version 1) or HMAC-SHA-256 under the audit key (version 2) over the entry and prevHash. */
  hash: string;
  version: 1 | 2;
}
