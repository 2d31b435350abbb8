// The approver's desk: the pending requests of the user's team, each with everything the
// approver must see before deciding (sender, time, subject, body, whom it goes to, the attachments
// with their verdicts, each opened as a table preview), refreshed every two seconds while open.
// Requests the user may not decide (their own, or outside their role) get no buttons; the proxy
// refuses such a decision anyway.
import browser from 'webextension-polyfill';
import type { ApprovalView, AttachmentSummary, UserInfo } from '../../shared/api.js';
import { askBackground } from '../ask-background.js';
import { attachmentPreview } from './attachment-preview.js';
import { recipientsSection } from './recipients.js';
import { byId, h } from '../ui/element.js';
import { resolveLanguage, translator } from '../ui/i18n.js';

const REFRESH_MS = 2000;
const PREVIEW_CHARS = 400;

const { settings } = await askBackground({ type: 'get-settings' });
const language = resolveLanguage(settings.language);
const t = translator(settings.language);
document.documentElement.lang = language;
document.title = t('popup_title');
byId('title').textContent = t('popup_title');
const optionsLink = byId<HTMLAnchorElement>('options-link');
optionsLink.textContent = t('popup_options');
const openOptions = (event: Event) => {
  event.preventDefault();
  void browser.runtime.openOptionsPage();
};
optionsLink.addEventListener('click', openOptions);

// Protected sites the browser has not granted are not checked: say so, the options page can fix it.
const { sites } = await askBackground({ type: 'protected-sites' });
const notGranted = sites.filter((site) => !site.granted).length;
if (notGranted > 0) {
  const sitesLink = byId<HTMLAnchorElement>('sites-link');
  sitesLink.textContent = t('popup_sitesNeedAccess', notGranted);
  sitesLink.addEventListener('click', openOptions);
  byId('sites-note').hidden = false;
}

/** What is on screen, so a refresh that changes nothing leaves a half-typed reason alone. */
let shown = '';

async function refresh(): Promise<void> {
  try {
    const { approvals, me } = await askBackground({ type: 'list-approvals' });
    showProblem('');
    byId('me').textContent = t('popup_signedInAs', me.name, me.team);
    const now = JSON.stringify(approvals.map((a) => [a.id, a.state, a.canDecide]));
    if (now !== shown) {
      shown = now;
      render(approvals, me);
    }
  } catch (error) {
    shown = '';
    byId('requests').replaceChildren();
    showProblem(settings.token === '' ? t('popup_noToken') : t('popup_unreachable', messageOf(error)));
  }
}

function render(approvals: readonly ApprovalView[], me: UserInfo): void {
  const pending = approvals.filter((a) => a.state === 'pending');
  byId('requests').replaceChildren(
    ...(pending.length === 0 ? [h('p', { class: 'empty' }, t('popup_empty'))] : pending.map((a) => requestCard(a, me))),
  );
}

function requestCard(approval: ApprovalView, me: UserInfo): HTMLElement {
  const card = h(
    'article',
    { class: 'request', 'data-id': approval.id, 'aria-labelledby': `subject-${approval.id}` },
    h('h2', { id: `subject-${approval.id}` }, approval.subject || t('popup_noSubject')),
    h('p', { class: 'meta' }, t('popup_meta', approval.sender.name, formatTime(approval.createdAt), approval.recipientCount)),
    h('div', { class: 'preview' }, preview(approval.body)),
    recipientsSection(approval, settings, t),
    approval.attachments.length === 0
      ? h('p', { class: 'meta' }, t('popup_noAttachments'))
      : h('ul', { class: 'attachments', 'aria-label': t('popup_attachments') }, ...approval.attachments.map((a) => attachmentItem(approval, a))),
  );
  const ownRequest = approval.sender.id === me.id;
  if (ownRequest || !approval.canDecide) {
    card.append(h('p', { class: 'note' }, ownRequest ? t('popup_ownRequest') : t('popup_cannotDecide')));
  } else {
    card.append(...decisionControls(approval));
  }
  return card;
}

function decisionControls(approval: ApprovalView): HTMLElement[] {
  const reasonId = `reason-${approval.id}`;
  const reason = h('textarea', { id: reasonId, class: 'reason', rows: '2' });
  const error = h('p', { class: 'error', role: 'alert' });
  const approve = h('button', { type: 'button', class: 'approve' }, t('popup_approve'));
  const reject = h('button', { type: 'button', class: 'reject' }, t('popup_reject'));

  async function decide(decision: 'approve' | 'reject'): Promise<void> {
    const text = reason.value.trim();
    if (decision === 'reject' && text === '') {
      error.textContent = t('popup_reasonRequired');
      reason.focus();
      return;
    }
    approve.disabled = reject.disabled = true;
    try {
      await askBackground({ type: 'decide', id: approval.id, decision: { decision, ...(text ? { reason: text } : {}) } });
      shown = '';
      await refresh();
    } catch (failure) {
      error.textContent = messageOf(failure);
      approve.disabled = reject.disabled = false;
    }
  }
  approve.addEventListener('click', () => void decide('approve'));
  reject.addEventListener('click', () => void decide('reject'));
  return [h('label', { for: reasonId }, t('popup_reason')), reason, error, h('div', { class: 'actions' }, approve, reject)];
}

function attachmentItem(approval: ApprovalView, attachment: AttachmentSummary): HTMLElement {
  const reasons = attachment.reasons.map((r) => r[language]).join('; ');
  // Only who may decide gets the bytes from the proxy; a file it never saw has none to show.
  const opens = approval.canDecide && attachment.verdict !== 'unknown';
  return h(
    'li',
    { 'data-attachment': attachment.id },
    `${attachment.name} (${formatSize(attachment.size)}) `,
    h('span', { class: `verdict-${attachment.verdict}` }, t(`popup_verdict_${attachment.verdict}`)),
    reasons && ` : ${reasons}`,
    ...(opens ? [' ', ...attachmentPreview(approval, attachment, settings, language, t)] : []),
  );
}

function preview(body: string): string {
  return body.length > PREVIEW_CHARS ? `${body.slice(0, PREVIEW_CHARS)}…` : body;
}

function formatTime(iso: string): string {
  return new Date(iso).toLocaleString(language === 'en' ? 'en-GB' : 'nl-NL', { dateStyle: 'short', timeStyle: 'short' });
}

function formatSize(bytes: number): string {
  return bytes < 1024 ? `${bytes} B` : `${(bytes / 1024).toFixed(bytes < 10_240 ? 1 : 0)} kB`;
}

function showProblem(text: string): void {
  const problem = byId('problem');
  problem.textContent = text;
  problem.hidden = text === '';
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

await refresh();
setInterval(() => void refresh(), REFRESH_MS);
