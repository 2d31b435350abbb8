// The caseworker's view of a held send: a small panel in a shadow root (the page's CSS cannot
// reach it) that says who can approve and how, how long the send has waited, live, and then the
// outcome. The caseworker may withdraw the request while it waits, and is sent to the settings
// page when the proxy does not know their token. It is a status region, not a modal: the
// caseworker may keep working meanwhile.
import type { ApprovalView } from '../../shared/api.js';
import type { Translate } from '../ui/i18n.js';

export interface WaitingPanel {
  waiting(approval: ApprovalView): void;
  approved(approval: ApprovalView): void;
  rejected(approval: ApprovalView): void;
  withdrawn(): void;
  /** The proxy does not know the caseworker: their token is missing or wrong. */
  signIn(): void;
  failed(message: string): void;
  close(): void;
}

/** What the panel's buttons do; the panel itself only shows. */
export interface WaitingPanelActions {
  withdraw(): void;
  openSettings(): void;
}

const APPROVED_VISIBLE_MS = 6000;

const STYLE = `
  :host { all: initial; }
  .panel { position: fixed; right: 16px; bottom: 16px; z-index: 2147483647; width: 360px; box-sizing: border-box;
    font: 14px/1.45 system-ui, sans-serif; color: #1b1b1b; background: #fff; border: 2px solid #01689b;
    border-radius: 8px; padding: 14px 16px; box-shadow: 0 4px 18px rgba(0,0,0,.25); }
  .panel[data-state=rejected], .panel[data-state=failed], .panel[data-state=sign-in] { border-color: #b00020; }
  .panel[data-state=approved] { border-color: #2e7d32; }
  h2 { margin: 0 0 6px; font-size: 16px; }
  p { margin: 4px 0; }
  .waited { font-variant-numeric: tabular-nums; color: #444; }
  button { margin-top: 8px; font: inherit; padding: 4px 12px; cursor: pointer; }
`;

/** One panel at a time: a new send replaces what an earlier one left on screen. */
let shown: WaitingPanel | undefined;

export function showWaitingPanel(t: Translate, actions: WaitingPanelActions): WaitingPanel {
  shown?.close();
  const host = document.createElement('export-guard-send-hold');
  const root = host.attachShadow({ mode: 'closed' });
  root.innerHTML = `<style>${STYLE}</style>
    <section class="panel" role="status" aria-live="polite" aria-labelledby="title" data-state="waiting">
      <h2 id="title"></h2><p id="text"></p><p id="who"></p><p id="how"></p><p class="waited" id="waited"></p>
      <button type="button" id="withdraw" hidden></button><button type="button" id="settings" hidden></button>
      <button type="button" id="close" hidden></button>
    </section>`;
  const element = (id: string) => root.getElementById(id) as HTMLElement;
  const panel = root.querySelector('section') as HTMLElement;
  element('close').textContent = t('sendHold_close');
  element('close').addEventListener('click', close);
  element('withdraw').textContent = t('sendHold_withdraw');
  element('withdraw').addEventListener('click', () => {
    (element('withdraw') as HTMLButtonElement).disabled = true;
    actions.withdraw();
  });
  element('settings').textContent = t('sendHold_openSettings');
  element('settings').addEventListener('click', () => actions.openSettings());
  document.documentElement.append(host);

  let ticker: ReturnType<typeof setInterval> | undefined;

  function show(state: string, title: string, text: string, who = '', closable = true): void {
    panel.dataset.state = state;
    element('title').textContent = title;
    element('text').textContent = text;
    element('who').textContent = who;
    element('how').textContent = '';
    element('withdraw').hidden = state !== 'waiting';
    element('settings').hidden = state !== 'sign-in';
    element('close').hidden = !closable;
    if (state !== 'waiting') stopTicker();
  }

  function stopTicker(): void {
    clearInterval(ticker);
    ticker = undefined;
    element('waited').textContent = '';
  }

  function close(): void {
    stopTicker();
    host.remove();
  }

  shown = {
    waiting(approval) {
      show(
        'waiting',
        t('sendHold_waitingTitle'),
        t('sendHold_waitingText', approval.recipientCount, approval.attachments.length),
        approval.approvers.length > 0 ? t('sendHold_approvers', approval.approvers.join(', ')) : t('sendHold_noApprovers'),
        false,
      );
      if (approval.approvers.length > 0) element('how').textContent = t('sendHold_how');
      if (ticker) return;
      const since = Date.parse(approval.createdAt);
      const tick = () => (element('waited').textContent = t('sendHold_waited', elapsed(Date.now() - since)));
      tick();
      ticker = setInterval(tick, 1000);
    },
    approved(approval) {
      show('approved', t('sendHold_approvedTitle', approval.decidedBy?.name ?? ''), t('sendHold_approvedText'));
      // Good news needs no click; a rejection or failure stays until the caseworker has read it.
      setTimeout(close, APPROVED_VISIBLE_MS);
    },
    rejected(approval) {
      show('rejected', t('sendHold_rejectedTitle', approval.decidedBy?.name ?? ''), t('sendHold_rejectedText', approval.reason ?? ''));
    },
    withdrawn() {
      show('withdrawn', t('sendHold_withdrawnTitle'), t('sendHold_withdrawnText'));
    },
    signIn() {
      show('sign-in', t('sendHold_signInTitle'), t('sendHold_signInText'));
    },
    failed(message) {
      show('failed', t('sendHold_failedTitle'), t('sendHold_failedText', message));
    },
    close,
  };
  return shown;
}

/** m:ss, the way a waiting time is read at a glance. */
function elapsed(ms: number): string {
  const seconds = Math.max(0, Math.floor(ms / 1000));
  return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`;
}
