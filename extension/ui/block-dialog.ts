// The dialog a caseworker sees when a file is stopped: what was found (kinds, counts, columns and
// sheets, from the detector's reasons and findings, never a value), why it matters, what to do
// instead, and a way to say "this is not an export" to the privacy contact.
import { formatCount } from '../../shared/detector/analyse/reasons.js';
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

/** People in the file: the fullest column that identified someone (a BSN or surname column). */
function peopleCount(verdict: Verdict): number {
  return Math.max(0, ...verdict.findings.map((finding) => finding.values));
}

/** "'Export': Achternaam, BSN, Postcode" per sheet; a column without a header by its letter. */
function columnsPerSheet(verdict: Verdict): string[] {
  const sheets = new Map<string, Set<string>>();
  for (const finding of verdict.findings) {
    const sheet = finding.path ? `${finding.path} > ${finding.sheet}` : finding.sheet;
    sheets.set(sheet, (sheets.get(sheet) ?? new Set()).add(finding.header || finding.column));
  }
  return [...sheets].map(([sheet, columns]) => `'${sheet}': ${[...columns].join(', ')}`);
}

export function showBlockDialog(file: BlockedFile, t: Translate, lang: 'nl' | 'en'): OpenDialog {
  const verdict = file.verdict;
  const people = verdict ? peopleCount(verdict) : 0;
  const columns = verdict ? columnsPerSheet(verdict) : [];
  const found = verdict?.reasons.map((reason) => h('li', {}, reason[lang])) ?? [];
  const contact = (file.privacyContact ?? DEFAULT_POLICY.privacyContact)[lang];
  const reporting = file.report && reportAction(file.report, contact, t);
  return openDialog({
    lang,
    role: 'alertdialog',
    title: t('block_title', file.name),
    description: [people > 0 ? t('block_why_people', formatCount(people, lang)) : t('block_why_unchecked')],
    body: [
      h('h3', {}, t('block_found')),
      found.length > 0 ? h('ul', {}, ...found) : h('p', {}, t('block_found_nothing')),
      ...columns.map((sheet) => h('p', {}, t('block_columns', sheet))),
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
