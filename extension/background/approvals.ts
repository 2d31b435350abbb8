// Four-eyes in the background: whether a send needs approval (the proxy's own rule, so the
// browser decides as the proxy will), filing and following a request for the caseworker, and the
// approver's desk (list, decide) plus the toolbar badge with the number of requests waiting for
// the user. The proxy stays the judge: these handlers only relay, and the proxy refuses what is
// not allowed (one's own request, another team's) whatever the extension shows.
import browser from 'webextension-polyfill';
import type { ApprovalView } from '../../shared/api.js';
import { approvalNeededBecause, findSendRoute, readSendFacts, type ApprovalRule } from '../../shared/approval/rule.js';
import { onExtensionPageMessage, onPageMessage } from './router.js';
import { proxyClient } from './proxy-client.js';
import { loadSettings, onSettingsChanged } from '../settings-storage.js';

const BADGE_ALARM = 'approvals-badge';
/** The shortest alarm period Chromium allows; the open popup refreshes faster by itself. */
const BADGE_PERIOD_MINUTES = 0.5;

export function startApprovals(approvalRule: () => Promise<ApprovalRule>): void {
  onPageMessage('approval-needed', async ({ payload }) => {
    // The proxy also knows the sends this one adds up with (a bulk send split in parts); the same
    // rule judged here is the fallback when it cannot be asked.
    const judged = await proxyClient.approvalNeeded(payload).catch(() => undefined);
    if (judged) return judged;
    const rule = await approvalRule();
    const route = findSendRoute(rule.sendRoutes, payload.method, payload.path, rule.routeMatching);
    const facts = route && readSendFacts(route, payload.body);
    // Not a send the rule can read: the proxy judges it (and refuses it if it must).
    if (!facts || 'error' in facts) return { needed: false };
    const reason = approvalNeededBecause(facts, rule.threshold);
    return reason ? { needed: true, reason } : { needed: false };
  });
  onPageMessage('request-approval', async ({ payload }) => ({ approval: await proxyClient.createApproval(payload) }));
  onPageMessage('approval-status', async ({ id }) => ({ approval: await proxyClient.approval(id) }));
  onPageMessage('withdraw-approval', async ({ id }) => ({ approval: await proxyClient.withdraw(id) }));

  onExtensionPageMessage('list-approvals', async () => {
    const [approvals, me] = await Promise.all([proxyClient.pendingApprovals(), proxyClient.me()]);
    await showBadge(approvals);
    return { approvals, me };
  });
  onExtensionPageMessage('decide', async ({ id, decision }) => {
    const approval = await proxyClient.decide(id, decision);
    void refreshBadge();
    return { approval };
  });
  onExtensionPageMessage('whoami', async () => ({ me: await proxyClient.me() }));

  browser.alarms.onAlarm.addListener((alarm) => {
    if (alarm.name === BADGE_ALARM) void refreshBadge();
  });
  browser.alarms.create(BADGE_ALARM, { periodInMinutes: BADGE_PERIOD_MINUTES });
  onSettingsChanged(() => void refreshBadge());
  void refreshBadge();
}

/** Re-reads the pending requests; a missing token or an unreachable proxy clears the badge. */
async function refreshBadge(): Promise<void> {
  const { settings } = await loadSettings();
  try {
    await showBadge(settings.token === '' ? [] : await proxyClient.pendingApprovals());
  } catch {
    await showBadge([]);
  }
}

async function showBadge(approvals: readonly ApprovalView[]): Promise<void> {
  const waitingForMe = approvals.filter((a) => a.state === 'pending' && a.canDecide).length;
  await browser.action.setBadgeText({ text: waitingForMe > 0 ? String(waitingForMe) : '' });
  await browser.action.setBadgeBackgroundColor({ color: '#b00020' });
}
