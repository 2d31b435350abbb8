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
  | 'exception-used';

export interface AuditFacts {
  /** User id of whoever caused the entry ('' when unknown, e.g. an unauthenticated send). */
  user: string;
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
  /**
   * For a granted exception: the privacy officer's why, as written in the policy file. The one
   * free text the log keeps, because it is the officer's own record of a decision about a file.
   */
  why?: string;
  allowedAt?: string;
  expiresAt?: string;
}

export interface AuditEvent {
  type: AuditType;
  /** ISO time the event happened (for reported events, when the extension saw it). */
  at: string;
  facts: AuditFacts;
}

export interface AuditEntry extends AuditEvent {
  seq: number;
  /** SHA-256 of the previous entry ('0' x 64 for the first). */
  prevHash: string;
  hash: string;
}
