// Messages inside the extension, defined once for both ends. The service worker's router
// (extension/background/router.ts) answers PageMessage from content scripts of protected sites,
// ScannerMessage only from the scanner frame and ExtensionPageMessage only from the extension's
// own pages (popup, options): a web page can never approve a request or change settings.
import type { ApprovalView, AttachVia, DecisionRequest, SendPayload, UserInfo } from './api.js';
import type { Policy } from './policy/types.js';

/** What a content script (on a protected site) may ask. */
export type PageMessage =
  /** The scanner frame blocked a file: what identifies it and why, for the audit log; never its bytes or cells. */
  | { type: 'record-block'; name: string; via: AttachVia; size: number; sha256: string; kind: string; reasonCodes: string[]; columns: string[] }
  /** The caseworker says a blocked file is not an export: what identifies it, never its bytes. */
  | { type: 'report-false-block'; sha256: string; kind: string; reasonCodes: string[]; size: number }
  | { type: 'approval-needed'; payload: SendPayload }
  | { type: 'request-approval'; payload: SendPayload }
  | { type: 'approval-status'; id: string }
  /** The caseworker withdraws their own waiting request (the proxy refuses anyone else's). */
  | { type: 'withdraw-approval'; id: string }
  /** A missing or wrong token: the waiting panel opens the settings page, where it is entered. */
  | { type: 'open-options' };

/** What only the extension's own pages may ask. */
export type ExtensionPageMessage =
  | { type: 'list-approvals' }
  | { type: 'decide'; id: string; decision: DecisionRequest }
  | { type: 'whoami' }
  | { type: 'get-settings' }
  | { type: 'save-settings'; settings: Partial<Settings> }
  | { type: 'protected-sites' };

/**
 * What only the scanner frame (extension/scanner/, an extension page inside a protected page) may
 * ask: the policy it judges files by. Neither the page nor the content script gets the policy.
 */
export type ScannerMessage = { type: 'scan-policy' };

export type Message = PageMessage | ExtensionPageMessage | ScannerMessage;

export interface Settings {
  proxyUrl: string;
  token: string;
  language: 'auto' | 'nl' | 'en';
  /** Match patterns guarded in addition to the policies' (set by IT through managed storage). */
  protectedSites: string[];
}

/** A protected site in force, where it comes from, and whether the browser lets us guard it yet. */
export interface ProtectedSite {
  pattern: string;
  sources: ('default' | 'extension' | 'proxy' | 'settings')[];
  /** Host access is granted (or part of the install); until then the site is not guarded. */
  granted: boolean;
}

/** Answers, keyed by message type, so both ends agree on what comes back. */
export interface Replies {
  'record-block': { queued: true };
  'scan-policy': { policy: Policy };
  /** delivered: the proxy recorded it now; otherwise it waits in the audit queue until it can. */
  'report-false-block': { delivered: boolean };
  'approval-needed': { needed: boolean; reason?: string };
  'request-approval': { approval: ApprovalView };
  'approval-status': { approval: ApprovalView };
  'withdraw-approval': { approval: ApprovalView };
  'open-options': { opened: true };
  'list-approvals': { approvals: ApprovalView[]; me: UserInfo };
  decide: { approval: ApprovalView };
  whoami: { me: UserInfo };
  'get-settings': { settings: Settings; locked: (keyof Settings)[] };
  'save-settings': { settings: Settings; locked: (keyof Settings)[] };
  'protected-sites': { sites: ProtectedSite[] };
}

export type Reply<M extends Message> = Replies[M['type']] | { error: string; message: string };
