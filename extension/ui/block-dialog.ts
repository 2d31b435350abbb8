// The dialog a caseworker sees when a file is stopped: what was found (kinds, counts, columns and
// sheets, from the detector's reasons and findings, never a value), why it matters, and what to
// do instead.
import { formatCount } from '../../shared/detector/analyse/reasons.js';
import type { Verdict } from '../../shared/detector/types.js';
import { h } from './element.js';
import { openDialog, type OpenDialog } from './dialog.js';
import type { Translate } from './i18n.js';

export interface BlockedFile {
  name: string;
  /** Missing when the file could not be checked at all (the extension failed): blocked anyway. */
  verdict?: Verdict;
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
        h('li', {}, t('block_instead_officer')),
      ),
    ],
    closeLabel: t('block_close'),
  });
}
