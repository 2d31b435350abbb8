// The four-eyes step: a send at or above the threshold goes upstream only with a valid approval
// in the x-export-guard-approval header, which it then uses up. Every send on a send route is
// audited, passed or refused. A send below the threshold still counts toward the bulk send it is
// part of (proxy/approval/bulk-sends.ts), so splitting one does not get past the rule.
import { HEADERS, ROUTES, type ApprovalRequiredError, type UserInfo } from '../../shared/api.js';
import { findSendRoute, readSendFacts, type ApprovalRule } from '../../shared/approval/rule.js';
import type { Step } from '../pipeline.js';
import type { Store } from '../store/types.js';
import { sendEvent, type Approvals, type SendCheck } from '../approval/approvals.js';
import type { BulkSends } from '../approval/bulk-sends.js';
import { howToApprove } from '../approval/how-to-approve.js';
import { refuse, sendJson, type Refusal } from '../respond.js';
import { requestMethods } from '../request/method-override.js';

export interface RequireApprovalDeps {
  approvals: Approvals;
  rule: ApprovalRule;
  store: Store;
  bulkSends: BulkSends;
  approversOf: (team: string) => UserInfo[];
}

const EXPLAIN: Record<Exclude<SendCheck, 'ok'>, { nl: string; en: string }> = {
  missing: { nl: 'Deze verzending heeft goedkeuring van een collega nodig.', en: 'This send needs a colleague’s approval.' },
  'not-found': { nl: 'De meegestuurde goedkeuring bestaat niet.', en: 'The approval sent along does not exist.' },
  'wrong-sender': { nl: 'Deze goedkeuring is voor een andere afzender.', en: 'This approval is for another sender.' },
  'payload-changed': { nl: 'Het bericht is gewijzigd na de goedkeuring: vraag opnieuw goedkeuring.', en: 'The message changed after it was approved: request approval again.' },
  pending: { nl: 'De goedkeuring is nog niet gegeven.', en: 'The approval has not been granted yet.' },
  rejected: { nl: 'De goedkeuring is geweigerd.', en: 'The approval was rejected.' },
  expired: { nl: 'De goedkeuring is verlopen: vraag opnieuw goedkeuring.', en: 'The approval expired: request approval again.' },
  withdrawn: { nl: 'Je hebt dit verzoek om goedkeuring ingetrokken.', en: 'You withdrew this request for approval.' },
  'already-used': { nl: 'Deze goedkeuring is al gebruikt.', en: 'This approval was used already.' },
};

export function requireApprovalStep({ approvals, rule, store, bulkSends, approversOf }: RequireApprovalDeps): Step {
  return async (ctx) => {
    const method = ctx.req.method ?? '';
    // The forwarded target (normalise-target), not a parsed URL: '//api/messages' must not parse into another path.
    const target = ctx.req.url ?? '/';
    const route = requestMethods(ctx.req, ctx.url, ctx.content, rule.methodOverride)
      .map((candidate) => findSendRoute(rule.sendRoutes, candidate, target, rule.routeMatching))
      .find((found) => found !== undefined);
    if (!route) return 'continue';
    const body = ctx.body ?? Buffer.alloc(0);
    // The facts as the portal reads them: with any Content-Encoding undone.
    const facts = readSendFacts(route, (ctx.content ?? body).toString('utf8'));
    if ('error' in facts) {
      // A send the rule cannot read could be a bulk send: it does not pass (fail closed).
      sendJson(ctx.res, 400, { error: 'malformed-send', message: facts.error });
      return 'handled';
    }
    const because = await bulkSends.count(ctx.user, facts);
    if (!because) {
      await store.appendAudit(sendEvent('send-passed', new Date(), ctx.user, method, route.path, facts));
      return 'continue';
    }
    const approvalId = ctx.req.headers[HEADERS.approval];
    const check: SendCheck = !ctx.user
      ? 'missing'
      : await approvals.useForSend(ctx.user, typeof approvalId === 'string' ? approvalId : undefined, method, target, route.path, body, facts);
    if (check === 'ok') {
      await bulkSends.countApproved(ctx.user!, facts, approvalId as string);
      return 'continue';
    }
    const detail = ctx.user ? check : 'unauthenticated';
    await store.appendAudit(sendEvent('send-refused', new Date(), ctx.user, method, route.path, facts, undefined, `approval-${detail}`));
    const how = howToApprove(ctx.user, approversOf);
    const refusal: ApprovalRequiredError & Refusal = {
      error: 'approval-required',
      detail,
      message: `${because}: ${EXPLAIN[check].en}`,
      nl: `${EXPLAIN[check].nl} ${how.nl}`,
      en: `${EXPLAIN[check].en} ${how.en}`,
      approvers: how.approvers,
      howTo: { create: `POST ${ROUTES.approvals}`, header: HEADERS.approval },
    };
    // A browser without the extension gets a page a person can read; the extension and programs get JSON.
    refuse(ctx.req, ctx.res, 428, refusal);
    return 'handled';
  };
}
