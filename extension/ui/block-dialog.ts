// The dialog a caseworker sees when a file is stopped: one sentence that says what the file holds
// and that it may not go, the details folded below it (shared/detector/describe.ts, the same words
// as `export-guard scan`; never a value), what to do instead, and a way to say "this is not an
// export" to the privacy contact.
import { columnsFound, leadSentence, peopleCount, whyBlocked } from '../../shared/detector/describe.js';
import type { Verdict } from '../../shared/detector/types.js';
import { DEFAULT_POLICY } from '../../shared/policy/defaults.js';
import type { Policy } from '../../shared/policy/types.js';
import { h } from './element.js';
import { openDialog, type OpenDialog } from './dialog.js';
import type { Translate } from './i18n.js';

export interface BlockedFile {
  name: string;
  /** Missing when the file could not be checked at all (the extension failed): blocked anyway. */
  verdict?: Verdict;
  /** Who the caseworker asks or reports to, from the policy in force. */
  privacyContact?: Policy['privacyContact'];
  /** Reports the block as wrong; missing when there is nothing to report by (no verdict, no hash). */
  report?: () => Promise<{ delivered: boolean }>;
}

export function showBlockDialog(file: BlockedFile, t: Translate, lang: 'nl' | 'en'): OpenDialog {
  const contact = (file.privacyContact ?? DEFAULT_POLICY.privacyContact)[lang];
  const reporting = file.report && reportAction(file.report, contact, t);
  return openDialog({
    lang,
    role: 'alertdialog',
    title: t('block_title', file.name),
    description: [file.verdict ? leadSentence(file.verdict, lang) : t('block_why_unchecked')],
    body: [
      file.verdict ? details(file.verdict, t, lang) : h('p', {}, t('block_found_nothing')),
      h('h3', {}, t('block_instead')),
      h(
        'ul',
        {},
        h('li', {}, t('block_instead_without')),
        h('li', {}, t('block_instead_selection')),
        h('li', {}, t('block_instead_officer', contact)),
      ),
      ...(reporting ? [reporting.hint, reporting.status] : []),
    ],
    actions: reporting ? [reporting.button] : [],
    closeLabel: t('block_close'),
  });
}

/**
 * Folded under the lead sentence, for whoever wants them: why it matters, the rules that held,
 * and every column found, once, under the sheet or archive entry it is in.
 */
function details(verdict: Verdict, t: Translate, lang: 'nl' | 'en'): HTMLDetailsElement {
  const why = whyBlocked(verdict, lang);
  return h(
    'details',
    {},
    h('summary', {}, t('block_found')),
    peopleCount(verdict) > 0 && h('p', {}, t('block_breach')),
    why.length > 0 && h('ul', {}, ...why.map((line) => h('li', {}, line))),
    ...columnsFound(verdict, lang).flatMap(({ place, columns }) => [
      place && h('p', {}, `${place}:`),
      h('ul', {}, ...columns.map((column) => h('li', {}, column))),
    ]),
  );
}

/** The "not an export" button, what it does, and where its outcome is announced. */
function reportAction(report: () => Promise<{ delivered: boolean }>, contact: string, t: Translate) {
  const hint = h('p', {}, t('block_report_hint', contact));
  const status = h('p', { role: 'status' });
  const button = h('button', { type: 'button', class: 'secondary' }, t('block_report'));
  // aria-disabled, not disabled: a disabled button loses focus, and a keyboard user's focus would
  // fall out of the dialog.
  const busy = (on: boolean) => (on ? button.setAttribute('aria-disabled', 'true') : button.removeAttribute('aria-disabled'));
  button.addEventListener('click', () => {
    if (button.hasAttribute('aria-disabled')) return;
    busy(true);
    report().then(
      ({ delivered }) => (status.textContent = t(delivered ? 'block_reported' : 'block_report_queued', contact)),
      (error: unknown) => {
        status.textContent = t('block_report_failed', error instanceof Error ? error.message : String(error));
        busy(false);
      },
    );
  });
  return { hint, status, button };
}
