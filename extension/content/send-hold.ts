// Isolated-world half of the four-eyes hold. The page-world hook (extension/page/send-hook.ts)
// reports every possible send; this script asks the background whether the proxy's rule needs an
// approval, files the request with the exact payload, shows the waiting panel, and tells the hook
// to send (with the approval id) or to answer the page with the refusal.
import type { ApiError, ApprovalView, SendPayload } from '../../shared/api.js';
import { isSendHoldMessage, SEND_HOLD_CHANNEL, type SendHoldMessage } from '../../shared/send-hold-channel.js';
import { askBackground } from '../ask-background.js';
import { loadSettings } from '../settings-storage.js';
import { translator, type Translate } from '../ui/i18n.js';
import { showWaitingPanel, type WaitingPanel } from './waiting-panel.js';

const POLL_MS = 1500;

export function startSendHold(): void {
  window.addEventListener('message', (event) => {
    if (event.source !== window || !isSendHoldMessage(event.data) || event.data.type !== 'hold') return;
    const { id, payload } = event.data;
    void decide(payload).then((decision) => answerPage({ channel: SEND_HOLD_CHANNEL, id, ...decision }));
  });
}

type Decision = { type: 'release'; approvalId?: string } | { type: 'refuse'; status: number; error: ApiError };

async function decide(payload: SendPayload): Promise<Decision> {
  let needed: boolean;
  try {
    ({ needed } = await askBackground({ type: 'approval-needed', payload }));
  } catch {
    // The extension cannot tell: let the send go, the proxy enforces the rule regardless.
    return { type: 'release' };
  }
  if (!needed) return { type: 'release' };

  const t = translator((await loadSettings()).settings.language);
  const panel = showWaitingPanel(t);
  let approval: ApprovalView;
  try {
    ({ approval } = await askBackground({ type: 'request-approval', payload }));
  } catch (error) {
    return failed(panel, t, error);
  }
  while (approval.state === 'pending' && Date.now() < Date.parse(approval.expiresAt)) {
    panel.waiting(approval);
    await sleep(POLL_MS);
    // A failed poll (the proxy restarting, the service worker waking) is retried until the
    // request expires: a caseworker who waited ten minutes should not lose the send to a hiccup.
    approval = await askBackground({ type: 'approval-status', id: approval.id }).then((r) => r.approval, () => approval);
  }
  return outcome(approval, panel, t);
}

function failed(panel: WaitingPanel, t: Translate, error: unknown): Decision {
  const message = error instanceof Error ? error.message : String(error);
  panel.failed(message);
  return refusal('approval-failed', t('sendHold_failedText', message));
}

function outcome(approval: ApprovalView, panel: WaitingPanel, t: Translate): Decision {
  switch (approval.state) {
    case 'approved':
      panel.approved(approval);
      return { type: 'release', approvalId: approval.id };
    case 'rejected':
      panel.rejected(approval);
      return refusal('approval-rejected', `${t('sendHold_rejectedTitle', approval.decidedBy?.name ?? '')}. ${t('sendHold_rejectedText', approval.reason ?? '')}`);
    default:
      panel.failed(t('sendHold_expired'));
      return refusal('approval-expired', t('sendHold_expired'));
  }
}

/** What the page receives instead of the proxy's answer: shaped like the proxy's own 428. */
function refusal(error: string, message: string): Decision {
  return { type: 'refuse', status: 428, error: { error, message } };
}

function answerPage(message: SendHoldMessage): void {
  window.postMessage(message, '/');
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
