// What the approver opens before deciding: an attachment's tables as the detector reads them (the
// first rows of every sheet, hidden ones included, of every document inside an archive) and what
// the detector found in each column. Read here, in the approver's browser, from bytes the proxy
// gives only to someone who may decide; nothing of it is sent anywhere or kept. popup.ts imports
// this module on demand: the detector's readers are most of the popup's weight.
import { analyse } from '../../shared/detector/analyse/index.js';
import { columnLetter } from '../../shared/detector/analyse/columns.js';
import { counted, failureReason } from '../../shared/detector/analyse/reasons.js';
import { readDocuments } from '../../shared/detector/read/index.js';
import { rowsOf } from '../../shared/detector/table.js';
import type { CellValue, ColumnFinding, Reason, SheetVisibility } from '../../shared/detector/types.js';
import type { Policy } from '../../shared/policy/types.js';
import { h } from '../ui/element.js';
import type { Translate } from '../ui/i18n.js';

export const PREVIEW_ROWS = 20;
/** Wider sheets show their first columns; what was found further right is still listed below. */
const PREVIEW_COLUMNS = 40;

export interface PreviewSheet {
  /** The document inside an archive ('' for the file itself). */
  path: string;
  sheet: string;
  visibility: SheetVisibility;
  rowCount: number;
  /** The sheet's columns as a spreadsheet shows them, each with what the detector found in it. */
  columns: { letter: string; findings: ColumnFinding[] }[];
  rows: CellValue[][];
  /** Findings in another reading of the sheet (on its side, or folded into records), no column of it. */
  otherFindings: ColumnFinding[];
}

export type Preview = { sheets: PreviewSheet[] } | { failure: Reason };

/** Reads the bytes as the proxy's detector does, with the proxy's policy. Never throws. */
export async function readPreview(bytes: Uint8Array, policy: Policy, rows = PREVIEW_ROWS): Promise<Preview> {
  const read = await readDocuments(bytes, { limits: policy.limits, deadline: Date.now() + policy.limits.maxScanMs, uninspectableArchives: policy.archives.uninspectable });
  if (read.failure) return { failure: failureReason(read.failure) };
  const { findings } = analyse(read.documents, policy);
  return {
    sheets: read.documents.flatMap((document) =>
      document.sheets.map((sheet) => {
        const own = findings.filter((f) => f.path === document.path && f.sheet === sheet.name);
        const shown = rowsOf(sheet.table, 0, rows);
        const byLetter = (letter: string) => own.filter((f) => f.column === letter);
        // A column found further down than the rows shown still gets its place.
        const width = Math.min(PREVIEW_COLUMNS, Math.max(0, ...shown.map((row) => row.length), ...own.filter((f) => LETTERS.test(f.column)).map((f) => letterIndex(f.column) + 1)));
        const letters = Array.from({ length: width }, (_, i) => columnLetter(i));
        return {
          path: document.path,
          sheet: sheet.name,
          visibility: sheet.visibility,
          rowCount: sheet.table.rowCount,
          columns: letters.map((letter) => ({ letter, findings: byLetter(letter) })),
          rows: shown,
          otherFindings: own.filter((f) => !letters.includes(f.column)),
        };
      }),
    ),
  };
}

/** The preview as the popup shows it: per sheet a caption, the findings per column and the first rows. */
export function renderPreview(preview: Preview, language: 'nl' | 'en', t: Translate): HTMLElement {
  if ('failure' in preview) return h('p', { class: 'error' }, t('popup_previewUnreadable', preview.failure[language]));
  if (preview.sheets.length === 0) return h('p', { class: 'meta' }, t('popup_previewNoTables'));
  return h('div', { class: 'table-preview' }, ...preview.sheets.map((sheet) => sheetPreview(sheet, language, t)));
}

function sheetPreview(sheet: PreviewSheet, language: 'nl' | 'en', t: Translate): HTMLElement {
  const name = [sheet.path, sheet.sheet].filter(Boolean).join(' / ');
  const hidden = sheet.visibility === 'visible' ? '' : ` (${t(sheet.visibility === 'hidden' ? 'popup_previewSheetHidden' : 'popup_previewSheetVeryHidden')})`;
  const found = (findings: ColumnFinding[]) => findings.map((f) => counted(f, language)).join('; ');
  // The same findings as in the table's second row, in one line: a wide sheet scrolls.
  const foundIn = sheet.columns.filter((c) => c.findings.length > 0).map((c) => `${c.letter}${c.findings[0]!.header ? ` '${c.findings[0]!.header}'` : ''}: ${found(c.findings)}`);
  return h(
    'section',
    { class: 'sheet', 'data-sheet': sheet.sheet },
    h('h3', {}, `${name}${hidden}: ${t('popup_previewRows', Math.min(sheet.rows.length, sheet.rowCount), sheet.rowCount)}`),
    h('p', { class: 'sheet-findings' }, foundIn.length === 0 ? t('popup_previewNothingFound') : t('popup_previewFindings', foundIn.join('; '))),
    h(
      'div',
      { class: 'table-scroll' },
      h(
        'table',
        {},
        h(
          'thead',
          {},
          h('tr', {}, h('th', {}, ''), ...sheet.columns.map((c) => h('th', { scope: 'col', class: c.findings.length > 0 ? 'found' : undefined }, c.letter))),
          h(
            'tr',
            { class: 'findings' },
            h('th', { scope: 'row' }, t('popup_previewFound')),
            ...sheet.columns.map((c) => h('td', { class: c.findings.length > 0 ? 'found' : undefined }, found(c.findings))),
          ),
        ),
        h(
          'tbody',
          {},
          ...sheet.rows.map((row, r) =>
            h('tr', {}, h('th', { scope: 'row' }, String(r + 1)), ...sheet.columns.map((c, i) => h('td', { class: c.findings.length > 0 ? 'found' : undefined }, cellText(row[i])))),
          ),
        ),
      ),
    ),
    sheet.otherFindings.length > 0 && h('p', { class: 'meta' }, t('popup_previewOtherFindings', found(sheet.otherFindings))),
  );
}

/** Other readings name their columns otherwise ('1', '2', ... for a sheet read on its side). */
const LETTERS = /^[A-Z]+$/;

/** 'A' -> 0, 'AA' -> 26: the inverse of columnLetter. */
function letterIndex(letters: string): number {
  return [...letters].reduce((n, letter) => n * 26 + letter.charCodeAt(0) - 64, 0) - 1;
}

function cellText(value: CellValue | undefined): string {
  return value === undefined || value === null ? '' : String(value);
}
