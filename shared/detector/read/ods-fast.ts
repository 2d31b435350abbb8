// The fast path for OpenDocument spreadsheets: scans content.xml by hand (indexOf, no DOM), with
// memory proportional to the cells, where SheetJS needs about six times the XML's size. Repeated
// empty rows and cells (LibreOffice writes a million of them) only move the position. Flat
// OpenDocument (.fods) is the same markup in one file. The XML is first brought into plain shape
// (xml-canonical.ts: the usual prefixes, double quotes, no CDATA or comments). Embedded objects
// (Object 1/content.xml: a spreadsheet or chart inside the spreadsheet) hold tables too.
// test/detector/read-crosscheck.test.ts holds it to the same tables as SheetJS.
import type { CellValue, Sheet, SheetVisibility } from '../types.js';
import { serialToIso } from './dates.js';
import { stop, type ReadSession } from './session.js';
import { OPEN_DOCUMENT, plainXml, xmlPart } from './xml-canonical.js';
import { xmlText } from './xml-text.js';
import { join, type ZipContainer } from './zip.js';
import { RowsTable } from '../table.js';
import { fillGaps, GridBudget, MAX_COLUMNS, MAX_ROWS } from './grid.js';

const ROWS_PER_CHECKPOINT = 1000;
const MS_PER_DAY = 86_400_000;
/**
 * Copies made of a repeated non-empty row or cell. A few bytes can repeat a value over the whole
 * grid (17 billion cells); identical copies beyond this tell the analysis nothing new.
 */
const MAX_COPIES = 1000;

export function readOds(zip: ZipContainer, session: ReadSession): Sheet[] {
  const part = (name: string) => xmlPart(zip.read(name), OPEN_DOCUMENT, join(zip.path, name));
  const manifest = zip.entries.has('META-INF/manifest.xml') ? part('META-INF/manifest.xml') : '';
  // LibreOffice encrypts each part of a password-protected file and says so here; content.xml is
  // then no XML at all.
  if (manifest.includes('<manifest:encryption-data')) stop('encrypted', zip.path, 'password-protected OpenDocument file');
  const sheets = readContent(part('content.xml'), zip.path, session);
  const objects = [...zip.entries.keys()].filter((name) => name.endsWith('/content.xml') && name !== 'content.xml');
  for (const name of objects) {
    const folder = name.slice(0, -'/content.xml'.length);
    sheets.push(...readContent(part(name), join(zip.path, folder), session).map((sheet) => ({ ...sheet, name: `${folder}/${sheet.name}` })));
  }
  return sheets;
}

/** A whole flat OpenDocument file (.fods), decoded: the markup of content.xml inside one document. */
export function readOdsXml(xml: string, path: string, session: ReadSession): Sheet[] {
  return readContent(plainXml(xml, OPEN_DOCUMENT, path), path, session);
}

function readContent(xml: string, path: string, session: ReadSession): Sheet[] {
  if (findTag(xml, 'office:document-content', 0) < 0 && findTag(xml, 'office:document', 0) < 0) stop('corrupt', path, 'no OpenDocument content');
  const styles = styleMarkup(xml);
  const hidden = hiddenTableStyles(styles);
  const dateStyles = dateCellStyles(styles);
  const annotated = xml.includes('<office:annotation');
  const sheets: Sheet[] = [];
  let pos = 0;
  for (;;) {
    const start = findTag(xml, 'table:table', pos);
    if (start < 0) break;
    const tagEnd = xml.indexOf('>', start);
    const end = xml.indexOf('</table:table>', tagEnd);
    if (tagEnd < 0 || end < 0) stop('corrupt', path, 'a table is not closed');
    const tag = xml.slice(start, tagEnd);
    const name = xmlText(attribute(tag, 'table:name') ?? '');
    const where = join(path, name);
    // A table in a text box inside a cell would end this one at its own end tag, and the rows
    // after it would go unread.
    TABLE_START.lastIndex = tagEnd;
    const nested = TABLE_START.exec(xml)?.index ?? -1;
    if (nested >= 0 && nested < end) stop('corrupt', where, 'a table inside a table');
    const visibility: SheetVisibility = hidden.has(attribute(tag, 'table:style-name') ?? '') ? 'hidden' : 'visible';
    const scan = (value: CellReader) => new RowsTable(scanTable(xml, tagEnd + 1, end, value, where, () => session.checkpoint(where)));
    sheets.push({ name, visibility, table: scan((cellTag, content) => cellValue(cellTag, content, dateStyles)) });
    // Comments (annotations) show when the mouse is over their cell: read at their cells' positions.
    if (annotated && xml.slice(tagEnd, end).includes('<office:annotation')) sheets.push({ name: `comments ${name}`, visibility: 'very-hidden', table: scan((_, content) => annotationText(content)) });
    pos = end;
  }
  if (sheets.length === 0 && xml.includes('table-cell')) stop('corrupt', path, 'cells outside any readable table');
  return sheets;
}

/**
 * The markup that defines styles: what comes before <office:body> (office:automatic-styles
 * precedes it), so the style expressions need not run over every cell; the whole document when a
 * style element comes later anyway, since a reader may still take it.
 */
function styleMarkup(xml: string): string {
  const body = findTag(xml, 'office:body', 0);
  if (body < 0) return xml;
  LATE_STYLE.lastIndex = body;
  return LATE_STYLE.test(xml) ? xml : xml.slice(0, body);
}

const LATE_STYLE = /<(?:style:style|number:date-style)\b/g;

/** Table styles with table:display="false": how OpenDocument hides a sheet. */
function hiddenTableStyles(xml: string): Set<string> {
  const names = new Set<string>();
  for (const match of xml.matchAll(/<style:style\b([^>]*)>([\s\S]*?)<\/style:style>/g)) {
    if (/table:display="false"/.test(match[2] ?? '')) names.add(attribute(match[1] ?? '', 'style:name') ?? '');
  }
  return names;
}

/**
 * Cell styles whose number format is a date: a number in such a cell is a day count (as SheetJS
 * writes dates), like a date cell.
 */
function dateCellStyles(xml: string): Set<string> {
  const dateFormats = new Set<string>();
  for (const match of xml.matchAll(/<number:date-style\b[^>]*\bstyle:name="([^"]*)"/g)) dateFormats.add(match[1] ?? '');
  const styles = new Set<string>();
  for (const match of xml.matchAll(/<style:style\b([^>]*)>/g)) {
    const format = attribute(match[1] ?? '', 'style:data-style-name');
    if (format && dateFormats.has(format)) styles.add(attribute(match[1] ?? '', 'style:name') ?? '');
  }
  return styles;
}

/** The next <name ...> or <name> (not <name-suffix>) at or after `from`. */
function findTag(xml: string, name: string, from: number): number {
  const open = `<${name}`;
  for (let at = xml.indexOf(open, from); at >= 0; at = xml.indexOf(open, at + 1)) {
    const next = xml.charCodeAt(at + open.length);
    if (next === 32 || next === 62 || next === 47 || next === 9 || next === 10 || next === 13) return at;
  }
  return -1;
}

function attribute(tag: string, name: string): string | undefined {
  const key = ` ${name}="`;
  const at = tag.indexOf(key);
  if (at < 0) return undefined;
  const start = at + key.length;
  return tag.slice(start, tag.indexOf('"', start));
}

/**
 * What findTag(xml, 'table:table', from) finds, as a regular expression: findTag stops at each of
 * a table's rows and cells (<table:table-row...) on its way, 6 ms against 3 ms on the leak-4 ods.
 */
const TABLE_START = /<table:table[\t\n\r />]/g;

/** A cell's value from its start tag and content. */
type CellReader = (tag: string, content: string) => CellValue;

function scanTable(xml: string, from: number, end: number, value: CellReader, where: string, checkpoint: () => void): CellValue[][] {
  const rows: CellValue[][] = [];
  const budget = new GridBudget(where);
  let rowIndex = 0;
  let rowsSeen = 0;
  let pos = from;
  for (;;) {
    const rowStart = findTag(xml, 'table:table-row', pos);
    if (rowStart < 0 || rowStart >= end) break;
    const rowTagEnd = xml.indexOf('>', rowStart);
    const repeat = count(attribute(xml.slice(rowStart, rowTagEnd), 'table:number-rows-repeated'), where);
    if (xml.charCodeAt(rowTagEnd - 1) === 47) {
      rowIndex += repeat;
      pos = rowTagEnd + 1;
      continue;
    }
    const rowEnd = xml.indexOf('</table:table-row>', rowTagEnd);
    if (rowEnd < 0 || rowEnd > end) stop('corrupt', where, 'a row is not closed');
    const { row, cells } = scanRow(xml, rowTagEnd + 1, rowEnd, value, where);
    if (row.length > 0) {
      if (rowIndex + repeat > MAX_ROWS) stop('corrupt', where, 'rows beyond the sheet');
      const copies = Math.min(repeat, MAX_COPIES);
      budget.add(row.length * copies, cells * copies);
      fillGaps(row);
      for (let r = 0; r < copies; r++) rows[rowIndex + r] = r === 0 ? row : row.slice();
    }
    rowIndex += repeat;
    if (rowIndex > MAX_ROWS) stop('corrupt', where, 'rows beyond the sheet');
    if (++rowsSeen % ROWS_PER_CHECKPOINT === 0) checkpoint();
    pos = rowEnd;
  }
  for (let r = 0; r < rows.length; r++) rows[r] ??= [];
  return rows;
}

function count(value: string | undefined, where: string): number {
  if (value === undefined) return 1;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) stop('corrupt', where, `repeat count '${value}'`);
  return n;
}

/** One row's cells by column, gaps left as holes until the grid is known to be sane, and how many it holds. */
function scanRow(xml: string, from: number, end: number, read: CellReader, where: string): { row: CellValue[]; cells: number } {
  const row: CellValue[] = [];
  let cells = 0;
  let column = 0;
  let pos = from;
  for (;;) {
    const lt = xml.indexOf('<', pos);
    if (lt < 0 || lt >= end) break;
    const tagEnd = xml.indexOf('>', lt);
    pos = tagEnd + 1;
    const isCell = xml.startsWith('table:table-cell', lt + 1) || xml.startsWith('table:covered-table-cell', lt + 1);
    if (!isCell) continue;
    const tag = xml.slice(lt, tagEnd);
    const repeat = count(attribute(tag, 'table:number-columns-repeated'), where);
    const selfClosing = xml.charCodeAt(tagEnd - 1) === 47;
    let content = '';
    if (!selfClosing) {
      const close = xml.indexOf(xml.startsWith('table:covered', lt + 1) ? '</table:covered-table-cell>' : '</table:table-cell>', pos);
      if (close < 0 || close > end) stop('corrupt', where, 'a cell is not closed');
      content = xml.slice(pos, close);
      pos = close;
    }
    const value = read(tag, content);
    if (value !== null) {
      if (column + repeat > MAX_COLUMNS) stop('corrupt', where, 'cells beyond the sheet');
      const copies = Math.min(repeat, MAX_COPIES);
      for (let c = 0; c < copies; c++) row[column + c] = value;
      cells += copies;
    }
    column += repeat;
  }
  return { row, cells };
}

function cellValue(tag: string, content: string, dateStyles: Set<string>): CellValue {
  switch (attribute(tag, 'office:value-type')) {
    case 'float':
    case 'percentage':
    case 'currency': {
      const number = Number(attribute(tag, 'office:value'));
      if (Number.isNaN(number)) return text(content);
      return dateStyles.has(attribute(tag, 'table:style-name') ?? '') ? serialToIso(number, false) : number;
    }
    case 'date':
      return isoDate(attribute(tag, 'office:date-value'));
    case 'time':
      return isoTime(attribute(tag, 'office:time-value'));
    case 'boolean':
      return attribute(tag, 'office:boolean-value') === 'true';
    default:
      return text(content);
  }
}

function isoDate(value: string | undefined): string | null {
  if (!value) return null;
  const iso = value.slice(0, 19);
  return iso.length === 10 || iso.endsWith('T00:00:00') ? iso.slice(0, 10) : iso;
}

/** PT12H30M00S: a time of day, written the way the other readers write times without a date. */
function isoTime(value: string | undefined): string | number | null {
  const match = /^-?PT(\d+)H(\d+)M([\d.]+)S$/.exec(value ?? '');
  if (!match) return null;
  const [, hours, minutes, seconds] = match;
  return serialToIso(((Number(hours) * 60 + Number(minutes)) * 60 + Number(seconds)) * 1000 / MS_PER_DAY, false);
}

const ANNOTATION = /<office:annotation\b[\s\S]*?<\/office:annotation>/g;

/** The cell's paragraphs joined by line breaks, without annotations; '' is no value. */
function text(content: string): string | null {
  if (content === '') return null;
  return paragraphs(content.includes('office:annotation') ? content.replace(ANNOTATION, '') : content);
}

/** The text of the cell's comments, without their author and date. */
function annotationText(content: string): string | null {
  return paragraphs((content.match(ANNOTATION) ?? []).join(''));
}

function paragraphs(body: string): string | null {
  const single = singleParagraph(body);
  const lines: string[] = [];
  if (single !== undefined) lines.push(inline(single));
  else for (const match of body.matchAll(/<text:p\b[^>]*?(?:\/>|>([\s\S]*?)<\/text:p>)/g)) lines.push(inline(match[1] ?? ''));
  const joined = lines.join('\n');
  return joined === '' ? null : joined;
}

/**
 * The usual cell, one plain paragraph ('<text:p>Jansen</text:p>'), found with indexOf; undefined
 * for anything else. matchAll per cell costs a regular-expression copy each, on 100,000 cells.
 */
function singleParagraph(body: string): string | undefined {
  const open = '<text:p>';
  const close = '</text:p>';
  if (!body.startsWith(open) || !body.endsWith(close)) return undefined;
  const inner = body.slice(open.length, -close.length);
  return inner.includes('<text:p') || inner.includes('</text:p') ? undefined : inner;
}

/** Inline markup: <text:s text:c="3"/> is three spaces, tabs and line breaks are characters, spans are their text. */
function inline(markup: string): string {
  if (!markup.includes('<')) return xmlText(markup);
  const expanded = markup.replace(/<text:(s|tab|line-break)\b([^>]*)\/>|<[^>]*>/g, (tag, kind?: string, attributes?: string) => {
    if (kind === 's') return ' '.repeat(Number(/text:c="(\d+)"/.exec(attributes ?? '')?.[1] ?? 1));
    if (kind === 'tab') return '\t';
    if (kind === 'line-break') return '\n';
    return '';
  });
  return xmlText(expanded);
}
