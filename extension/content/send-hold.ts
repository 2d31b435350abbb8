// Isolated-world half of the four-eyes hold. The page-world hook (extension/page/send-hook.ts)
// reports every possible send; this script asks the background whether the proxy's rule needs an
// approval, files the request with the exact payload, shows the waiting panel (where the
// caseworker may withdraw it), and tells the hook to send (with the approval id) or to answer the
// page with the refusal.
import type { ApiError, ApprovalView, SendPayload } from '../../shared/api.js';
import { isSendHoldMessage, SEND_HOLD_CHANNEL, type SendHoldMessage } from '../../shared/send-hold-channel.js';
import { askBackground, BackgroundError } from '../ask-background.js';
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
  let withdrawClicked!: () => void;
  const withdrawn = new Promise<'withdraw'>((resolve) => (withdrawClicked = () => resolve('withdraw')));
  const panel = showWaitingPanel(t, { withdraw: () => withdrawClicked(), openSettings: () => void askBackground({ type: 'open-options' }) });
  let approval: ApprovalView;
  try {
    ({ approval } = await askBackground({ type: 'request-approval', payload }));
  } catch (error) {
    return failed(panel, t, error);
  }
  while (approval.state === 'pending' && Date.now() < Date.parse(approval.expiresAt)) {
    panel.waiting(approval);
    if ((await Promise.race([sleep(POLL_MS), withdrawn])) === 'withdraw') return withdraw(approval, panel, t);
    // A failed poll (the proxy restarting, the service worker waking) is retried until the
    // request expires: a caseworker who waited ten minutes should not lose the send to a hiccup.
    approval = await askBackground({ type: 'approval-status', id: approval.id }).then((r) => r.approval, () => approval);
  }
  return outcome(approval, panel, t);
}

/** Once the caseworker said no, the send never goes, even if the withdrawal itself fails (the approval then expires unused). */
async function withdraw(approval: ApprovalView, panel: WaitingPanel, t: Translate): Promise<Decision> {
  try {
    return outcome((await askBackground({ type: 'withdraw-approval', id: approval.id })).approval, panel, t);
  } catch (error) {
    return failed(panel, t, error);
  }
}

function failed(panel: WaitingPanel, t: Translate, error: unknown): Decision {
  // The proxy does not know the caseworker: say so plainly and offer the settings page.
  if (error instanceof BackgroundError && (error.code === 'unauthenticated' || error.code === 'too-many-failures')) {
    panel.signIn();
    return refusal('approval-unauthenticated', t('sendHold_signInText'));
  }
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
    case 'withdrawn':
      panel.withdrawn();
      return refusal('approval-withdrawn', t('sendHold_withdrawnText'));
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
