// Whom a request's send goes to, as the portal knows them: the ids the send names, with the names
// the portal gives them. The names are looked up on the portal with the approver's own session,
// never taken from the sender's request (the sender wrote it), and never sent anywhere else.
import { HEADERS, type ApprovalView } from '../../shared/api.js';
import { readRecipientNames, type RecipientNames } from '../../shared/approval/recipient-names.js';
import type { Settings } from '../../shared/messages.js';
import { h } from '../ui/element.js';
import type { Translate } from '../ui/i18n.js';

/** A list longer than this shows its first entries; the search finds the others. */
const LISTED = 200;
/** Names in the line that is always visible. */
const IN_SUMMARY = 3;

/** One lookup per portal route while the popup is open. */
const lookups = new Map<string, Promise<Map<string, string>>>();

export function recipientsSection(approval: ApprovalView, settings: Settings, t: Translate): HTMLElement {
  const section = h('details', { class: 'recipients' });
  const recipients = approval.recipients;
  if (!recipients) {
    section.append(h('summary', {}, t('popup_recipients', approval.recipientCount)), h('p', { class: 'recipients-note' }, t('popup_recipientsUnknown')));
    return section;
  }
  const summary = h('summary', {}, t('popup_recipients', recipients.ids.length));
  const search = h('input', { type: 'search', class: 'recipient-search', placeholder: t('popup_recipientSearch'), 'aria-label': t('popup_recipientSearch') });
  const note = h('p', { class: 'recipients-note', hidden: '' });
  const list = h('ul', { class: 'recipient-list' });
  const more = h('p', { class: 'meta' });
  section.append(summary, search, note, list, more);

  /** Until the portal answered, ids only; then an id the portal does not list says so. */
  let names: Map<string, string> | undefined;
  const show = () => {
    const query = search.value.trim().toLowerCase();
    const matching = recipients.ids.filter((id) => query === '' || id.toLowerCase().includes(query) || (names?.get(id) ?? '').toLowerCase().includes(query));
    const name = (id: string) => (names ? (names.get(id) ?? t('popup_recipientNameUnknown')) : '');
    list.replaceChildren(...matching.slice(0, LISTED).map((id) => h('li', {}, h('span', { class: 'name' }, name(id)), ' ', h('span', { class: 'id' }, id))));
    more.textContent = matching.length > LISTED ? t('popup_recipientsMore', matching.length - LISTED) : '';
  };
  search.addEventListener('input', show);
  show();

  if (!recipients.names) return section;
  void portalNames(settings, recipients.names).then(
    (found) => {
      names = found;
      const named = recipients.ids.flatMap((id) => found.get(id) ?? []).slice(0, IN_SUMMARY);
      const others = recipients.ids.length - named.length;
      summary.textContent = named.length === 0 ? summary.textContent : t('popup_recipientsNamed', recipients.ids.length, named.join(', '), others);
      show();
    },
    (error: unknown) => {
      // Mostly: the approver is not logged in to the portal in this browser.
      const portal = h('a', { href: settings.proxyUrl, target: '_blank', rel: 'noopener' }, t('popup_openPortal'));
      note.replaceChildren(t('popup_recipientNamesFailed', error instanceof Error ? error.message : String(error)), ' ', portal);
      note.hidden = false;
    },
  );
  return section;
}

function portalNames(settings: Settings, names: RecipientNames): Promise<Map<string, string>> {
  const portal = new URL(settings.proxyUrl);
  const url = new URL(names.path, portal).href;
  // The approver's portal session goes to the portal only, whatever path the proxy names.
  if (new URL(url).origin !== portal.origin) return Promise.reject(new Error(`${names.path} is not on ${portal.origin}`));
  let lookup = lookups.get(url);
  if (!lookup) {
    lookup = lookUp(url, settings.token, names);
    lookups.set(url, lookup);
    // A failed lookup is tried again at the next render, after the approver logged in.
    lookup.catch(() => lookups.delete(url));
  }
  return lookup;
}

/** The portal answers with the approver's own session (its cookie), through the proxy as every portal request. */
async function lookUp(url: string, token: string, names: RecipientNames): Promise<Map<string, string>> {
  const response = await fetch(url, { credentials: 'include', cache: 'no-store', headers: { accept: 'application/json', [HEADERS.token]: token } });
  if (!response.ok) throw new Error(`${new URL(url).origin}: HTTP ${response.status}`);
  return readRecipientNames(await response.json(), names);
}

