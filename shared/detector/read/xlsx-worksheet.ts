// Scans one worksheet's XML for its cells by hand: indexOf and character codes, no DOM, no
// regular expression per cell and no substring per cell except the values themselves. This is
// what keeps the xlsx path near the cost of inflating the file.
import type { CellValue } from '../types.js';
import { serialToIso } from './dates.js';
import { fillGaps, GridBudget, MAX_COLUMNS, MAX_ROWS } from './grid.js';
import { stop } from './session.js';
import { runsText, xmlText } from './xml-text.js';

export interface CellContext {
  strings: string[];
  /** For each cell style index: whether its number format shows a date. */
  dateStyles: boolean[];
  date1904: boolean;
}

const ROWS_PER_CHECKPOINT = 1000;

// Character codes.
const TAB = 9, NEW_LINE = 10, RETURN = 13, SPACE = 32, QUOTE = 34, APOSTROPHE = 39, SLASH = 47, EQUALS = 61, GREATER = 62;
const ZERO = 48, NINE = 57, UPPER_A = 65, UPPER_Z = 90;
const B = 98, C = 99, D = 100, E = 101, I = 105, N = 110, R = 114, S = 115, T = 116;

export function scanWorksheet(xml: string, context: CellContext, where: string, checkpoint: () => void): CellValue[][] {
  const sheetData = xml.indexOf('<sheetData');
  if (sheetData < 0) return noCells(xml, where);
  const dataEnd = xml.indexOf('</sheetData>', sheetData);
  const limit = dataEnd < 0 ? xml.length : dataEnd;

  const rows: CellValue[][] = [];
  let row: CellValue[] = [];
  let rowIndex = -1;
  let rowsSeen = 0;
  let cells = 0;
  let column = -1;
  let pos = sheetData + 1;
  for (;;) {
    const lt = xml.indexOf('<', pos);
    if (lt < 0 || lt >= limit) break;
    const tagEnd = xml.indexOf('>', lt);
    if (tagEnd < 0) break;
    pos = tagEnd + 1;
    const name = lt + 1;
    const first = xml.charCodeAt(name);
    if (first === R && xml.startsWith('row', name) && endsName(xml.charCodeAt(name + 3))) {
      readAttributes(xml, name, tagEnd);
      rowIndex = attributes.r < 0 ? rowIndex + 1 : integerAt(xml, attributes.r) - 1;
      if (!(rowIndex >= 0 && rowIndex < MAX_ROWS)) stop('corrupt', where, `row number ${rowIndex + 1} outside the sheet`);
      row = rows[rowIndex] ??= [];
      column = -1;
      if (++rowsSeen % ROWS_PER_CHECKPOINT === 0) checkpoint();
      continue;
    }
    if (first !== C || !endsName(xml.charCodeAt(name + 1))) continue;
    readAttributes(xml, name, tagEnd);
    column = attributes.r < 0 ? column + 1 : columnAt(xml, attributes.r);
    if (column >= MAX_COLUMNS) stop('corrupt', where, `cell column ${column + 1} outside the sheet`);
    if (xml.charCodeAt(tagEnd - 1) === SLASH) continue;
    const close = xml.indexOf('</c>', pos);
    const end = close < 0 ? limit : close;
    const value = cellValue(xml, tagEnd, end, context, where);
    // Past the closing tag: it is no row or cell, so looking at it would only cost time.
    pos = close < 0 ? limit : close + 4;
    if (value !== null) {
      if (rowIndex < 0) row = rows[(rowIndex = 0)] ??= [];
      row[column] = value;
      cells++;
    }
  }
  // Until here a row only holds its cells: gaps are filled once the grid is known to be sane.
  let positions = 0;
  for (const cellsOfRow of rows) positions += cellsOfRow?.length ?? 0;
  new GridBudget(where).add(positions, cells);
  for (let r = 0; r < rows.length; r++) fillGaps((rows[r] ??= []));
  while (rows.length > 0 && rows[rows.length - 1]?.length === 0) rows.pop();
  return rows.length === 0 ? noCells(xml, where) : rows;
}

function noCells(xml: string, where: string): CellValue[][] {
  if (holdsValues(xml)) stop('corrupt', where, 'the sheet holds cell values but none could be read');
  return [];
}

/**
 * Whether the sheet holds a value, inline string or formula element (anywhere: cells outside a
 * <sheetData> are damage, not an empty sheet). The <dimension> is no evidence: Excel writes
 * 'A1:N34' for a sheet whose only content is two comments and empty rows.
 */
function holdsValues(xml: string): boolean {
  return /<(?:v|is|f)[\s>/]/.test(xml);
}

function endsName(code: number): boolean {
  return code === SPACE || code === GREATER || code === SLASH || code === TAB || code === NEW_LINE || code === RETURN;
}

/** Where the values of the r, t and s attributes of the tag last passed to readAttributes start, or -1. */
const attributes = { r: -1, t: -1, s: -1 };

/**
 * Finds the r, t and s attributes of the tag [from, tagEnd) in one loop over it, the first of each
 * as a reader takes it (a loop per attribute went over most cells three times). A loop, not
 * indexOf: an absent attribute must not send the search through the whole sheet.
 */
function readAttributes(xml: string, from: number, tagEnd: number): void {
  attributes.r = attributes.t = attributes.s = -1;
  for (let at = from; at < tagEnd; at++) {
    const code = xml.charCodeAt(at);
    if (code !== SPACE && code !== TAB && code !== NEW_LINE && code !== RETURN) continue;
    if (xml.charCodeAt(at + 2) !== EQUALS) continue;
    const quote = xml.charCodeAt(at + 3);
    if (quote !== QUOTE && quote !== APOSTROPHE) continue;
    const name = xml.charCodeAt(at + 1);
    if (name === R) attributes.r = attributes.r < 0 ? at + 4 : attributes.r;
    else if (name === T) attributes.t = attributes.t < 0 ? at + 4 : attributes.t;
    else if (name === S) attributes.s = attributes.s < 0 ? at + 4 : attributes.s;
  }
}

function integerAt(xml: string, at: number): number {
  let value = 0;
  let digits = 0;
  for (let code = xml.charCodeAt(at); code >= ZERO && code <= NINE; code = xml.charCodeAt(++at), digits++) value = value * 10 + code - ZERO;
  return digits === 0 ? NaN : value;
}

/** 'AB12' -> 27: the column of a cell reference. */
function columnAt(xml: string, at: number): number {
  let column = 0;
  for (let code = xml.charCodeAt(at); code >= UPPER_A && code <= UPPER_Z; code = xml.charCodeAt(++at)) column = column * 26 + code - UPPER_A + 1;
  return column - 1;
}

/** The value of the cell whose start tag ends at tagEnd, its attributes as readAttributes found them. */
function cellValue(xml: string, tagEnd: number, end: number, context: CellContext, where: string): CellValue {
  const typeAt = attributes.t;
  const type = typeAt < 0 ? N : xml.charCodeAt(typeAt);
  const typeIsStr = type === S && xml.charCodeAt(typeAt + 1) === T;
  if (type === I) return emptyToNull(runsText(xml.slice(tagEnd + 1, end)));
  const start = valueStart(xml, tagEnd + 1, end);
  if (start < 0) return null;
  const valueEnd = Math.min(end, indexOrEnd(xml, '<', start));
  if (type === S && !typeIsStr) {
    const text = context.strings[sharedStringIndex(xml, start, valueEnd)];
    if (text === undefined) stop('corrupt', where, 'a cell refers to a shared string that does not exist');
    return emptyToNull(text);
  }
  // A value written with references ('&#49;2') or spaces is rare: decoded only then.
  const written = xml.slice(start, valueEnd);
  const raw = written.includes('&') ? xmlText(written) : written;
  if (typeIsStr) return emptyToNull(raw);
  if (type === B) return raw === '1' || raw === 'true';
  if (type === E) return null;
  if (type === D) return isoFromText(raw);
  const number = Number(raw);
  if (raw === '' || Number.isNaN(number)) return null;
  const style = attributes.s;
  return style >= 0 && context.dateStyles[integerAt(xml, style)] ? serialToIso(number, context.date1904) : number;
}

/** The index in '<v>12</v>'; the digits alone are read without a substring. */
function sharedStringIndex(xml: string, start: number, end: number): number {
  let index = 0;
  let at = start;
  for (let code = xml.charCodeAt(at); at < end && code >= ZERO && code <= NINE; code = xml.charCodeAt(++at)) index = index * 10 + code - ZERO;
  if (at === end && end > start) return index;
  const value = xmlText(xml.slice(start, end)).trim();
  return /^\d+$/.test(value) ? Number(value) : NaN;
}

/** Where the text of the cell's <v> element starts (it may carry attributes), or -1 when there is none. */
function valueStart(xml: string, from: number, end: number): number {
  for (let open = xml.indexOf('<', from); open >= 0 && open < end; open = xml.indexOf('<', open + 1)) {
    if (!xml.startsWith('<v', open)) continue;
    const after = xml.charCodeAt(open + 2);
    if (after === GREATER) return open + 3;
    if (endsName(after)) {
      const close = xml.indexOf('>', open);
      // <v/>: an empty value.
      return xml.charCodeAt(close - 1) === SLASH ? -1 : close + 1;
    }
  }
  return -1;
}

function indexOrEnd(xml: string, search: string, from: number): number {
  const at = xml.indexOf(search, from);
  return at < 0 ? xml.length : at;
}

function isoFromText(value: string): string | null {
  const iso = value.slice(0, 19);
  return iso.endsWith('T00:00:00') ? iso.slice(0, 10) : emptyToNull(iso);
}

function emptyToNull(value: string | null): string | null {
  return value === '' ? null : value;
}
