// The proxy's own API under API_PREFIX (shared/api.ts): every call authenticated, only the
// extension's origins allowed, malformed input answered with 4xx and a reason.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { HEADERS, ROUTES, type MeResponse, type PolicyResponse, type UserInfo } from '../../shared/api.js';
import type { ApprovalRule } from '../../shared/approval/rule.js';
import type { Policy } from '../../shared/policy/types.js';
import type { Approvals } from '../approval/approvals.js';
import type { BulkSends } from '../approval/bulk-sends.js';
import type { AttachmentLedger } from '../attachments.js';
import type { UserDirectory } from '../identity/directory.js';
import type { Store } from '../store/types.js';
import { approvalNeeded, createApproval, decideApproval, getApproval, listApprovals, withdrawApproval, type Answer } from './approvals.js';
import { answerAttachmentBytes } from './attachment-bytes.js';
import { checkOrigin, setCorsHeaders } from './cors.js';
import { recordBlockedUpload } from './events.js';
import { answerFalseBlockPage, recordFalseBlock } from './false-blocks.js';
import { answerOfficerReport } from './officer-report.js';
import { sendJson } from '../respond.js';
import { BadRequest, readJson } from './json.js';
import { answerUnauthenticated } from './unauthenticated.js';

export interface ApiDeps {
  directory: UserDirectory;
  approvals: Approvals;
  /** Whether a send needs approval as part of a bulk send (proxy/approval/bulk-sends.ts). */
  bulkSends: BulkSends;
  store: Store;
  /** The uploads the proxy saw, whose bytes an approver may open. */
  ledger: AttachmentLedger;
  policy: Policy;
  rule: ApprovalRule;
  /** Extension origins allowed to call the API from a browser (see proxy/approval/config.ts). */
  allowedOrigins: readonly string[];
}

export type ApiHandler = (req: IncomingMessage, res: ServerResponse) => Promise<void>;

const APPROVAL_PATH = new RegExp(`^${ROUTES.approvals}/([^/]+)(/decision|/withdraw)?$`);
const ATTACHMENT_PATH = new RegExp(`^${ROUTES.approvals}/([^/]+)/attachments/([^/]+)$`);

export function createApiHandler(deps: ApiDeps): ApiHandler {
  return async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://proxy.invalid');
    // A page for the user's browser, reached from the refusal page: its link is its credential.
    if (url.pathname === ROUTES.falseBlockPage) return answerFalseBlockPage(req, res, url, deps.store, deps.policy);
    try {
      const origin = checkOrigin(req, deps.allowedOrigins);
      if (origin === 'refused') throw new BadRequest(403, 'origin-not-allowed', 'the export-guard API only answers the export-guard extension');
      if (origin === 'allowed') setCorsHeaders(req, res);
      if (req.method === 'OPTIONS') {
        res.writeHead(204).end();
        return;
      }
      const user = origin === 'same-origin' ? tokenUser(req, deps.directory) : deps.directory.authenticate(req);
      if (!user) return answerUnauthenticated(req, res, deps.directory);
      if (url.pathname === ROUTES.officerReport) return await answerOfficerReport(req, res, url, user, deps.store);
      const attachment = req.method === 'GET' ? ATTACHMENT_PATH.exec(url.pathname) : null;
      if (attachment) return await answerAttachmentBytes(res, deps.approvals, deps.ledger, user, decodeId(attachment[1]!), decodeId(attachment[2]!));
      const { status, body } = await route(req, url, user, deps);
      sendJson(res, status, body);
    } catch (error) {
      if (!(error instanceof BadRequest)) throw error;
      sendJson(res, error.status, { error: error.error, message: error.message });
    }
  };
}

/** A same-origin browser call counts only with the extension's token, never with an SSO header a page also carries. */
function tokenUser(req: IncomingMessage, directory: UserDirectory): UserInfo | undefined {
  const token = req.headers[HEADERS.token];
  return typeof token === 'string' && token !== '' ? directory.byRequestToken(req, token) : undefined;
}

async function route(req: IncomingMessage, url: URL, user: UserInfo, deps: ApiDeps): Promise<Answer> {
  const method = req.method ?? '';
  const path = url.pathname;
  if (method === 'GET' && path === ROUTES.me) return { status: 200, body: { user } satisfies MeResponse };
  if (method === 'GET' && path === ROUTES.policy) return { status: 200, body: { policy: deps.policy, approval: deps.rule } satisfies PolicyResponse };
  if (method === 'POST' && path === ROUTES.approvals) return createApproval(deps.approvals, user, await readJson(req));
  if (method === 'GET' && path === ROUTES.approvals) return listApprovals(deps.approvals, user, url.searchParams);
  if (method === 'POST' && path === ROUTES.approvalNeeded) return approvalNeeded(deps.rule, deps.bulkSends, user, await readJson(req));
  if (method === 'POST' && path === ROUTES.events) return recordBlockedUpload(deps.store, user, await readJson(req));
  if (method === 'POST' && path === ROUTES.falseBlocks) return recordFalseBlock(deps.store, user, await readJson(req));
  const match = APPROVAL_PATH.exec(path);
  if (match) {
    const id = decodeId(match[1]!);
    if (method === 'GET' && !match[2]) return getApproval(deps.approvals, user, id);
    if (method === 'POST' && match[2] === '/decision') return decideApproval(deps.approvals, user, id, await readJson(req));
    if (method === 'POST' && match[2] === '/withdraw') return withdrawApproval(deps.approvals, user, id);
    throw new BadRequest(405, 'method-not-allowed', `${method} is not allowed on ${path}`);
  }
  throw new BadRequest(404, 'not-found', `no API route ${method} ${path}`);
}

function decodeId(encoded: string): string {
  try {
    return decodeURIComponent(encoded);
  } catch {
    throw new BadRequest(400, 'malformed-request', 'the approval id in the path is not valid percent-encoding');
  }
}
