// The proxy's own HTTP API, defined once for both ends: the proxy serves it, the extension's
// service worker and popup call it. Everything lives under one reserved prefix so that it can
// never collide with a route of the protected portal.

import type { RecipientNames } from './approval/recipient-names.js';
import type { ApprovalRule } from './approval/rule.js';
import type { Policy } from './policy/types.js';

export const API_PREFIX = '/__export-guard';

export const HEADERS = {
  /** The user's proxy credential. The extension attaches it to requests for protected sites. */
  token: 'x-export-guard-token',
  /** The approval a bulk send carries. */
  approval: 'x-export-guard-approval',
} as const;

export const ROUTES = {
  health: '/healthz',
  metrics: '/metrics',
  /** GET: who the token belongs to. */
  me: `${API_PREFIX}/api/me`,
  /** GET: the policy in force and the approval rule, so the browser decides as the proxy does. */
  policy: `${API_PREFIX}/api/policy`,
  /** POST ApprovalCreateRequest: file a request. GET ?state=pending: the caller's team's requests, a page at a time. */
  approvals: `${API_PREFIX}/api/approvals`,
  /**
   * POST ApprovalCreateRequest: whether this send needs approval as the proxy judges it, also as
   * part of a bulk send split into smaller ones (which the browser cannot know). Counts nothing.
   */
  approvalNeeded: `${API_PREFIX}/api/approval-needed`,
  /** GET: one request. */
  approval: (id: string) => `${API_PREFIX}/api/approvals/${encodeURIComponent(id)}`,
  /** POST DecisionRequest. */
  decision: (id: string) => `${API_PREFIX}/api/approvals/${encodeURIComponent(id)}/decision`,
  /** POST, no body: the sender withdraws a request still waiting for a decision. */
  withdraw: (id: string) => `${API_PREFIX}/api/approvals/${encodeURIComponent(id)}/withdraw`,
  /**
   * GET: the bytes of one attachment of a pending request, for the approver's preview; only to a
   * user who may decide it, `Cache-Control: no-store`. 404 once the proxy no longer holds them.
   */
  attachmentBytes: (id: string, attachmentId: string) =>
    `${API_PREFIX}/api/approvals/${encodeURIComponent(id)}/attachments/${encodeURIComponent(attachmentId)}`,
  /** POST BlockedUploadEvent: the extension reports what it blocked, for the audit log. */
  events: `${API_PREFIX}/api/events`,
  /** POST FalseBlockReport: the caseworker says a blocked file is not an export. */
  falseBlocks: `${API_PREFIX}/api/false-blocks`,
  /**
   * The same report from the proxy's refusal page, for browsers without the extension: GET shows
   * what will be reported, POST records it. Its link is signed by the proxy (`?r=`), so only a
   * file the proxy blocked can be reported this way.
   */
  falseBlockPage: `${API_PREFIX}/false-block`,
  /**
   * GET [?since=DATE][&until=DATE][&lang=nl|en]: the privacy officer's report as one HTML page, for
   * users with the officer or admin role only (403 for anyone else). Dutch unless lang or
   * Accept-Language asks for English.
   */
  officerReport: `${API_PREFIX}/officer/report`,
} as const;

/**
 * What a user may do: send (caseworker), decide a team's requests (approver), read the privacy
 * officer's report (officer), and see every team's requests and the report (admin).
 */
export const ROLES = ['caseworker', 'approver', 'officer', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export interface UserInfo {
  id: string;
  name: string;
  team: string;
  roles: Role[];
}

/** The exact request that will be sent, byte for byte, so the approval binds to it. */
export interface SendPayload {
  method: string;
  /** Path and query on the protected site, e.g. '/api/messages/send'. */
  path: string;
  contentType: string;
  /** The request body exactly as it will be sent. */
  body: string;
}

export interface ApprovalCreateRequest {
  payload: SendPayload;
}

export const APPROVAL_STATES = ['pending', 'approved', 'rejected', 'expired', 'used', 'withdrawn'] as const;
export type ApprovalState = (typeof APPROVAL_STATES)[number];

export interface AttachmentSummary {
  id: string;
  name: string;
  size: number;
  sha256: string;
  verdict: 'block' | 'allow' | 'unknown';
  reasons: { code: string; nl: string; en: string }[];
}

export interface ApprovalView {
  id: string;
  state: ApprovalState;
  sender: UserInfo;
  createdAt: string;
  expiresAt: string;
  decidedAt?: string;
  decidedBy?: UserInfo;
  /** When the sender withdrew it (state 'withdrawn'). */
  withdrawnAt?: string;
  /** The approver's reason for a rejection (required) or an approval (optional). */
  reason?: string;
  subject: string;
  body: string;
  recipientCount: number;
  /**
   * Whom it goes to: the distinct recipient ids of the send, and where the approver's browser
   * reads their names on the portal. Kept in the proxy's memory only (like the attachments'
   * bytes), never in the database: absent once that proxy no longer holds them (a restart).
   */
  recipients?: { ids: string[]; names?: RecipientNames };
  attachments: AttachmentSummary[];
  /** SHA-256 over the sender and the canonical payload: what the approval is bound to. */
  payloadHash: string;
  /** Whether the caller may decide this request (false for one's own, or outside one's team). */
  canDecide: boolean;
  /** Who may decide it: names of the authorised approvers of the sender's team. */
  approvers: string[];
}

export interface DecisionRequest {
  decision: 'approve' | 'reject';
  reason?: string;
}

/** How a file was attached in the browser. */
export const ATTACH_VIA = ['picker', 'drop', 'paste', 'script'] as const;
export type AttachVia = (typeof ATTACH_VIA)[number];

export interface BlockedUploadEvent {
  source: 'extension';
  /** Page URL origin + path where the file was attached, without query. */
  site: string;
  via: AttachVia;
  fileName: string;
  size: number;
  sha256: string;
  kind: string;
  reasonCodes: string[];
  /** Column headers that triggered the block; never cell values. */
  columns: string[];
  /** When the block happened (ISO time): events may be delivered later from a queue. */
  at: string;
  /** Client-generated id, so a redelivered queued event is recorded once. */
  eventId: string;
}

// Answers of the API routes. Every call needs a valid token (401 otherwise); a browser call from
// any origin but a configured extension origin gets 403 'origin-not-allowed'.

/** GET ROUTES.me */
export interface MeResponse {
  user: UserInfo;
}

/** GET ROUTES.policy: the detector policy and the approval rule the proxy enforces. */
export interface PolicyResponse {
  policy: Policy;
  approval: ApprovalRule;
}

/** POST ROUTES.approvalNeeded. */
export interface ApprovalNeededResponse {
  needed: boolean;
  /** Why, in English, when it is needed. */
  reason?: string;
}

/** POST ROUTES.approvals (201), GET ROUTES.approval(id), POST ROUTES.decision(id). */
export interface ApprovalResponse {
  approval: ApprovalView;
}

/** How many requests one page of GET ROUTES.approvals holds: `limit` when given, at most `maxLimit`. */
export const APPROVAL_PAGE = { defaultLimit: 50, maxLimit: 200 } as const;

/**
 * GET ROUTES.approvals[?state=pending|approved|rejected|expired|used][&limit=N][&before=ID]: the
 * caller's team's requests, newest first, one page of at most `limit`. The next page is asked for
 * with before=<id of the last request received>; a client that reads one page sees the newest.
 */
export interface ApprovalListResponse {
  approvals: ApprovalView[];
  /** Whether older requests follow this page. */
  hasMore: boolean;
}

/**
 * A caseworker's report that a blocked file is not an export of people, for the privacy officer.
 * What identifies the file and why it was blocked, never its content or name.
 */
export interface FalseBlockReport {
  type: 'false-block';
  sha256: string;
  kind: string;
  reasonCodes: string[];
  size: number;
  /** When the caseworker reported it (ISO time): reports may be delivered later from a queue. */
  at: string;
  /** Client-generated id, so a redelivered report is recorded once. */
  eventId: string;
}

/** POST ROUTES.events and ROUTES.falseBlocks: 201 { recorded: true }, or 200 { recorded: false } for an eventId seen before. */
export interface EventResponse {
  recorded: boolean;
}

/**
 * 422 to POST ROUTES.approvals when an attachment is blocked: no approval can let it out.
 * Other refusals: 400 not-a-send-route / malformed-send / malformed-request / malformed-json;
 * decisions: 403 self-approval / not-an-approver / other-team, 404 not-found, 409 already-<state>,
 * 400 reason-required (a rejection needs a reason).
 */
export interface ApprovalRefusedError extends ApiError {
  error: 'attachment-blocked';
  attachments: AttachmentSummary[];
}

/** Every error response of the proxy is JSON of this shape (4xx/5xx). */
export interface ApiError {
  error: string;
  message: string;
  nl?: string;
  en?: string;
}

/** 428 body for a send that needs an approval it does not carry (or carries an invalid one). */
export interface ApprovalRequiredError extends ApiError {
  error: 'approval-required';
  /** Why the presented approval (if any) was not accepted: missing, not-found, wrong-sender, ... */
  detail: string;
  /** Names of the colleagues who may approve; `nl` and `en` say how. */
  approvers: string[];
  howTo: {
    create: string;
    header: string;
  };
}

/** 422 body for an upload the proxy refused. */
export interface UploadBlockedError extends ApiError {
  error: 'upload-blocked';
  files: {
    name: string;
    verdict: 'block';
    kind: string;
    reasons: { code: string; nl: string; en: string }[];
    /** Path of the proxy's page where the user can report this block as wrong (ROUTES.falseBlockPage). */
    report: string;
  }[];
}
