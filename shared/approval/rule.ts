// When a send needs a second person's approval. Pure and browser-safe: the proxy enforces it and
// the extension, given the same rule by GET /api/policy, warns before the send is even tried.
import type { RecipientNames } from './recipient-names.js';

/** A route of the protected site that sends a message, and where in its JSON body the facts are. */
export interface SendRoute {
  method: string;
  /** Path without query, e.g. '/api/messages'. */
  path: string;
  /** Dot path to the recipient list (its distinct entries are the recipient count). */
  recipients: string;
  /** Dot path to the list of attachment ids. */
  attachments: string;
  subject?: string;
  body?: string;
  /** Where the approver's browser looks up the recipients' names on the portal. */
  recipientNames?: RecipientNames;
}

export interface ApprovalThreshold {
  /** A send to at least this many recipients that carries any attachment needs approval. */
  minRecipientsWithAttachment: number;
  /** A send to more than this many recipients needs approval, attachment or not. */
  maxRecipientsWithoutApproval: number;
  /**
   * Sends of the same attachment (or the same subject and body) by one sender within this many
   * hours count as one bulk send: splitting it into small sends does not get past the limits above.
   */
  windowHours: number;
}

/** Where a framework lets a request stand for another method (Rails, Laravel, Express's method-override, ...). */
export interface MethodOverride {
  /** Header names, lower case. */
  headers: string[];
  /** Query or form field names (urlencoded, multipart or top-level JSON). */
  fields: string[];
}

/**
 * What the portal's router ignores when it picks a route. Ignoring too much only costs an approval
 * check on a request that was no send; ignoring too little lets a send past, so both default to on.
 */
export interface RouteMatching {
  /** Servlet containers drop ';name=value' (';jsessionid=...') from every path segment. */
  ignorePathParameters: boolean;
  /** Spring (suffix pattern matching) and Rails route '/x.json' as '/x'. */
  ignoreFormatSuffixes: boolean;
}

export interface ApprovalRule {
  sendRoutes: SendRoute[];
  routeMatching: RouteMatching;
  /** A request naming another method here is matched against the send routes as that method too. */
  methodOverride: MethodOverride;
  threshold: ApprovalThreshold;
  /** How long a pending request and a granted approval stay valid. */
  validMinutes: number;
}

export const DEFAULT_APPROVAL_RULE: ApprovalRule = {
  // The demo portal's send route; an office config names its own portal's.
  sendRoutes: [
    {
      method: 'POST', path: '/api/messages', recipients: 'recipientIds', attachments: 'attachmentIds', subject: 'subject', body: 'body',
      recipientNames: { path: '/api/jobseekers', id: 'id', name: 'name' },
    },
  ],
  routeMatching: { ignorePathParameters: true, ignoreFormatSuffixes: true },
  // The agency's own limit was 100 recipients "for system stability"; five of the nine leaks went past it.
  methodOverride: { headers: ['x-http-method-override', 'x-http-method', 'x-method-override'], fields: ['_method'] },
  threshold: { minRecipientsWithAttachment: 2, maxRecipientsWithoutApproval: 100, windowHours: 24 },
  validMinutes: 30,
};

/** What a send says, read from its JSON body. */
export interface SendFacts {
  recipientCount: number;
  /** The distinct recipients: a string or number entry as itself, any other entry as its JSON text. */
  recipientIds: string[];
  attachmentIds: string[];
  subject: string;
  body: string;
}

/**
 * Matches a request target against the send routes the way a lenient server would route it:
 * the absolute form ('http://portal/api/messages'), doubled slashes, dot segments,
 * percent-encoding (also twice over), a trailing slash or other letter case, and where the portal's
 * router ignores them path parameters (';jsessionid=...') and format suffixes ('.json'), must not
 * let a send slip past as "another" path.
 */
export function findSendRoute(routes: readonly SendRoute[], method: string, target: string, matching: RouteMatching = DEFAULT_APPROVAL_RULE.routeMatching): SendRoute | undefined {
  const path = canonicalPath(target, matching);
  return routes.find((r) => r.method.toUpperCase() === method.toUpperCase() && canonicalPath(r.path, matching) === path);
}

/** Percent-decoding rounds: a server behind another server may decode once more. */
const DECODE_ROUNDS = 3;

function canonicalPath(target: string, matching: RouteMatching): string {
  let path = target.replace(/^[a-z][a-z0-9+.-]*:\/\/[^/?#\\]*/i, '').split(/[?#]/)[0]!;
  for (let round = 0; round < DECODE_ROUNDS; round += 1) {
    try {
      const decoded = decodeURIComponent(path);
      if (decoded === path) break;
      path = decoded;
    } catch {
      // Malformed percent-encoding: compare what was decoded so far; a server would refuse it anyway.
      break;
    }
  }
  path = path.replace(/\\/g, '/');
  if (matching.ignorePathParameters) path = path.replace(/;[^/]*/g, '');
  path = new URL(path.replace(/\/{2,}/g, '/'), 'http://site.invalid').pathname.replace(/\/+$/, '');
  if (matching.ignoreFormatSuffixes) path = path.replace(/\.[a-z0-9]+$/i, '').replace(/\/+$/, '');
  return path.toLowerCase() || '/';
}

/** Reads the facts of a send, or says why the body is not a send this rule can judge. */
export function readSendFacts(route: SendRoute, bodyText: string): SendFacts | { error: string } {
  let json: unknown;
  try {
    json = JSON.parse(bodyText);
  } catch {
    return { error: 'the send body is not valid JSON' };
  }
  const recipients = valueAt(json, route.recipients);
  if (!Array.isArray(recipients)) return { error: `'${route.recipients}' must be a list of recipients` };
  const attachments = valueAt(json, route.attachments) ?? [];
  if (!Array.isArray(attachments) || !attachments.every((a) => typeof a === 'string' || typeof a === 'number')) {
    return { error: `'${route.attachments}' must be a list of attachment ids` };
  }
  const distinct = [...new Set(recipients.map((r) => JSON.stringify(r)))];
  return {
    recipientCount: distinct.length,
    recipientIds: distinct.map((json) => (/^"|^-?\d/.test(json) ? String(JSON.parse(json)) : json)),
    attachmentIds: attachments.map(String),
    subject: textAt(json, route.subject),
    body: textAt(json, route.body),
  };
}

/** Why a send needs approval, or undefined when it does not. */
export function approvalNeededBecause(facts: SendFacts, threshold: ApprovalThreshold): string | undefined {
  if (facts.recipientCount > threshold.maxRecipientsWithoutApproval) {
    return `more than ${threshold.maxRecipientsWithoutApproval} recipients`;
  }
  if (facts.attachmentIds.length > 0 && facts.recipientCount >= threshold.minRecipientsWithAttachment) {
    return `an attachment to ${threshold.minRecipientsWithAttachment} or more recipients`;
  }
  return undefined;
}

export function valueAt(json: unknown, path: string): unknown {
  let value = json;
  for (const key of path.split('.')) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

function textAt(json: unknown, path: string | undefined): string {
  const value = path ? valueAt(json, path) : undefined;
  return typeof value === 'string' ? value : '';
}
