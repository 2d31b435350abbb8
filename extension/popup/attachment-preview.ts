// "Open" on an attachment of a request the approver may decide: its bytes come from the proxy
// straight to this page (not through the service worker's messages, which older Chromium would
// carry as base64), are read here by the detector, loaded on first use, and shown under the
// attachment. Closing the popup drops them; nothing is cached (the proxy answers no-store).
import { HEADERS, ROUTES, type ApiError, type ApprovalView, type AttachmentSummary, type PolicyResponse } from '../../shared/api.js';
import type { Settings } from '../../shared/messages.js';
import { h } from '../ui/element.js';
import type { Translate } from '../ui/i18n.js';

/** The button and the place under the attachment where its preview opens. */
export function attachmentPreview(approval: ApprovalView, attachment: AttachmentSummary, settings: Settings, language: 'nl' | 'en', t: Translate): [HTMLButtonElement, HTMLElement] {
  const button = h('button', { type: 'button', class: 'open-preview', 'aria-expanded': 'false' }, t('popup_previewOpen'));
  const place = h('div', { class: 'preview-place', hidden: '' });
  button.addEventListener('click', () => {
    const open = place.hidden;
    place.hidden = !open;
    button.setAttribute('aria-expanded', String(open));
    button.textContent = t(open ? 'popup_previewClose' : 'popup_previewOpen');
    if (open && place.childElementCount === 0) void fill(place, approval, attachment, settings, language, t);
  });
  return [button, place];
}

async function fill(place: HTMLElement, approval: ApprovalView, attachment: AttachmentSummary, settings: Settings, language: 'nl' | 'en', t: Translate): Promise<void> {
  place.replaceChildren(h('p', { class: 'meta' }, t('popup_previewLoading')));
  try {
    const [bytes, { policy }, { readPreview, renderPreview }] = await Promise.all([
      fromProxy(settings, ROUTES.attachmentBytes(approval.id, attachment.id)).then((r) => r.arrayBuffer()),
      fromProxy(settings, ROUTES.policy).then((r) => r.json() as Promise<PolicyResponse>),
      import('./table-preview.js'),
    ]);
    place.replaceChildren(renderPreview(await readPreview(new Uint8Array(bytes), policy), language, t));
  } catch (error) {
    place.replaceChildren(h('p', { class: 'error' }, t('popup_previewFailed', error instanceof Error ? error.message : String(error))));
  }
}

async function fromProxy(settings: Settings, route: string): Promise<Response> {
  const response = await fetch(settings.proxyUrl + route, { headers: { [HEADERS.token]: settings.token }, credentials: 'omit', cache: 'no-store' });
  if (response.ok) return response;
  const refusal = (await response.json().catch(() => undefined)) as ApiError | undefined;
  throw new Error(refusal?.message ?? `HTTP ${response.status}`);
}
