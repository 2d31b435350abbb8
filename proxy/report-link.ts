// The refusal page's link to report a block as wrong. The link carries what the proxy found (hash,
// kind, reason codes, size, who was blocked), signed with a key only this process holds: the
// report page records exactly what the proxy blocked, and no other site can make a user's browser
// report a file that was never blocked.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { ROUTES } from '../shared/api.js';

export interface ReportedBlock {
  sha256: string;
  kind: string;
  reasonCodes: string[];
  size: number;
  /** User id of whoever was blocked ('' when the request carried no credential). */
  user: string;
  blockedAt: string;
}

// Per process: a restart (or another proxy behind the same balancer) makes older links invalid,
// which costs a caseworker one more upload attempt, never a forged report.
const KEY = randomBytes(32);
/** A false block is reported the day it happens. */
const VALID_MS = 24 * 60 * 60_000;

export function reportLink(block: ReportedBlock): string {
  const payload = Buffer.from(JSON.stringify(block)).toString('base64url');
  return `${ROUTES.falseBlockPage}?r=${payload}.${sign(payload)}`;
}

/** The block a link's `r` names, with its signature (one report per link), or undefined when not ours or too old. */
export function readReportLink(r: string | null, now: Date): { block: ReportedBlock; signature: string } | undefined {
  const [payload, signature, extra] = (r ?? '').split('.');
  if (!payload || !signature || extra !== undefined) return undefined;
  const expected = Buffer.from(sign(payload));
  const given = Buffer.from(signature);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
  const block = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as ReportedBlock;
  const age = now.getTime() - Date.parse(block.blockedAt);
  return age >= 0 && age <= VALID_MS ? { block, signature } : undefined;
}

function sign(payload: string): string {
  return createHmac('sha256', KEY).update(payload).digest('base64url');
}
