// The fast path for xlsx/xlsm: inflates only the workbook, its relationships, shared strings,
// styles and worksheets, and scans the worksheet XML with one regular expression (no DOM).
// SheetJS reads the same files about ten times slower; test/detector/read-crosscheck.test.ts
// holds both paths to the same tables.
import type { CellValue, Sheet, SheetVisibility } from '../types.js';
import { builtinFormat, isDateFormat, serialToIso } from './dates.js';
import { stop, type ReadSession } from './session.js';
import { join, type ZipContainer } from './zip.js';

const ROWS_PER_CHECKPOINT = 1000;
/** Excel's grid: a reference beyond it is damage, and would make us allocate a billion rows. */
const MAX_ROWS = 1_048_576;
const MAX_COLUMNS = 16_384;

export function readXlsx(zip: ZipContainer, session: ReadSession): Sheet[] {
  const workbookPath = officeDocumentPath(zip);
  const workbook = zip.text(workbookPath);
  const base = workbookPath.slice(0, workbookPath.lastIndexOf('/') + 1);
  const rels = relationships(zip, `${base}_rels/${workbookPath.slice(base.length)}.rels`, base);
  const byType = (type: string) => [...rels.values()].find((r) => isType(r, type))?.target;
  const sharedStringsPath = byType('sharedStrings');
  const stylesPath = byType('styles');
  const strings = sharedStringsPath && zip.entries.has(sharedStringsPath) ? sharedStrings(zip.text(sharedStringsPath)) : [];
  const dateStyles = stylesPath && zip.entries.has(stylesPath) ? dateStyleFlags(zip.text(stylesPath)) : [];
  const date1904 = /<(?:\w+:)?workbookPr\b[^>]*\bdate1904="(?:1|true)"/.test(workbook);

  const sheets: Sheet[] = [];
  for (const tag of workbook.match(/<(?:\w+:)?sheet\b[^>]*>/g) ?? []) {
    const rel = rels.get(attribute(tag, 'id', true) ?? '');
    // Chart sheets and dialog sheets hold no cells.
    if (!rel || !isType(rel, 'worksheet')) continue;
    const name = xmlText(attribute(tag, 'name') ?? '');
    session.checkpoint(join(zip.path, name));
    const rows = scanWorksheet(zip.text(rel.target), { strings, dateStyles, date1904 }, () => session.checkpoint(join(zip.path, name)));
    sheets.push({ name, visibility: visibility(attribute(tag, 'state')), rows });
  }
  return sheets;
}

function officeDocumentPath(zip: ZipContainer): string {
  if (zip.entries.has('_rels/.rels')) {
    const root = relationships(zip, '_rels/.rels', '');
    const target = [...root.values()].find((r) => isType(r, 'officeDocument'))?.target;
    if (target && zip.entries.has(target)) return target;
  }
  if (zip.entries.has('xl/workbook.xml')) return 'xl/workbook.xml';
  return stop('corrupt', zip.path, 'no workbook part');
}

function visibility(state: string | undefined): SheetVisibility {
  return state === 'veryHidden' ? 'very-hidden' : state === 'hidden' ? 'hidden' : 'visible';
}

interface Relationship {
  type: string;
  target: string;
}

function relationships(zip: ZipContainer, path: string, base: string): Map<string, Relationship> {
  const result = new Map<string, Relationship>();
  if (!zip.entries.has(path)) return result;
  for (const tag of zip.text(path).match(/<(?:\w+:)?Relationship\b[^>]*>/g) ?? []) {
    const id = attribute(tag, 'Id');
    const target = attribute(tag, 'Target');
    if (!id || !target || attribute(tag, 'TargetMode') === 'External') continue;
    result.set(id, { type: attribute(tag, 'Type') ?? '', target: resolve(base, xmlText(target)) });
  }
  return result;
}

/** Transitional and Strict OOXML name relationship types under different namespaces; the last segment is the same. */
function isType(relationship: Relationship, type: string): boolean {
  return relationship.type.endsWith(`/${type}`);
}

function resolve(base: string, target: string): string {
  const parts = (target.startsWith('/') ? target.slice(1) : base + target).split('/');
  const resolved: string[] = [];
  for (const part of parts) {
    if (part === '..') resolved.pop();
    else if (part !== '.' && part !== '') resolved.push(part);
  }
  return resolved.join('/');
}

/** An attribute's value; `prefixed` matches any namespace prefix (r:id, x:id...). */
function attribute(tag: string, name: string, prefixed = false): string | undefined {
  const pattern = prefixed ? new RegExp(`\\s\\w+:${name}\\s*=\\s*["']([^"']*)["']`) : new RegExp(`\\s${name}\\s*=\\s*["']([^"']*)["']`);
  return pattern.exec(tag)?.[1];
}

const RICH_TEXT_PHONETIC = /<(?:\w+:)?rPh\b[\s\S]*?<\/(?:\w+:)?rPh>/g;
const TEXT_RUN = /<(?:\w+:)?t\b[^>]*?(?:\/>|>([^<]*)<\/(?:\w+:)?t>)/g;

/** The visible text of a string item: all <t> runs, without phonetic (furigana) runs. */
function runsText(xml: string): string {
  const body = xml.includes('rPh') ? xml.replace(RICH_TEXT_PHONETIC, '') : xml;
  let text = '';
  for (const match of body.matchAll(TEXT_RUN)) text += match[1] ?? '';
  return xmlText(text);
}

function sharedStrings(xml: string): string[] {
  const strings: string[] = [];
  for (const match of xml.matchAll(/<(?:\w+:)?si\b[^>]*?(?:\/>|>([\s\S]*?)<\/(?:\w+:)?si>)/g)) strings.push(runsText(match[1] ?? ''));
  return strings;
}

/** For each cell style (index into cellXfs), whether its number format shows a date. */
function dateStyleFlags(xml: string): boolean[] {
  const custom = new Map<number, string>();
  for (const tag of xml.match(/<(?:\w+:)?numFmt\b[^>]*>/g) ?? []) {
    custom.set(Number(attribute(tag, 'numFmtId')), xmlText(attribute(tag, 'formatCode') ?? ''));
  }
  const cellXfs = /<(?:\w+:)?cellXfs\b[^>]*>([\s\S]*?)<\/(?:\w+:)?cellXfs>/.exec(xml)?.[1] ?? '';
  return (cellXfs.match(/<(?:\w+:)?xf\b[^>]*>/g) ?? []).map((tag) => {
    const id = Number(attribute(tag, 'numFmtId') ?? 0);
    return isDateFormat(custom.get(id) ?? builtinFormat(id));
  });
}

interface CellContext {
  strings: string[];
  dateStyles: boolean[];
  date1904: boolean;
}

const ROW_OR_CELL = /<(\w+:)?(row|c)\b([^>]*)>/g;

function scanWorksheet(xml: string, context: CellContext, checkpoint: () => void): CellValue[][] {
  const rows: CellValue[][] = [];
  let row: CellValue[] = [];
  let rowIndex = -1;
  let column = -1;
  ROW_OR_CELL.lastIndex = 0;
  for (let match = ROW_OR_CELL.exec(xml); match; match = ROW_OR_CELL.exec(xml)) {
    const [, prefix = '', element, attributes = ''] = match;
    if (element === 'row') {
      const r = attributeFast(attributes, ' r="');
      rowIndex = r === undefined ? rowIndex + 1 : Number(r) - 1;
      if (!(rowIndex >= 0 && rowIndex < MAX_ROWS)) stop('corrupt', '', `row number ${r} outside the sheet`);
      row = rows[rowIndex] ??= [];
      column = -1;
      if (rowIndex % ROWS_PER_CHECKPOINT === 0) checkpoint();
      continue;
    }
    const ref = attributeFast(attributes, ' r="');
    column = ref === undefined ? column + 1 : columnIndex(ref);
    if (column >= MAX_COLUMNS) stop('corrupt', '', `cell ${ref} outside the sheet`);
    if (attributes.endsWith('/')) continue;
    const close = xml.indexOf(`</${prefix}c>`, ROW_OR_CELL.lastIndex);
    const end = close < 0 ? xml.length : close;
    const value = cellValue(xml.slice(ROW_OR_CELL.lastIndex, end), prefix, attributes, context);
    ROW_OR_CELL.lastIndex = end;
    if (value !== null) {
      if (rowIndex < 0) row = rows[(rowIndex = 0)] ??= [];
      row[column] = value;
    }
  }
  for (let r = 0; r < rows.length; r++) {
    const cells = (rows[r] ??= []);
    for (let c = 0; c < cells.length; c++) if (cells[c] === undefined) cells[c] = null;
  }
  while (rows.length > 0 && rows[rows.length - 1]?.length === 0) rows.pop();
  return rows;
}

function attributeFast(attributes: string, key: string): string | undefined {
  const at = attributes.indexOf(key);
  if (at < 0) return undefined;
  const start = at + key.length;
  return attributes.slice(start, attributes.indexOf('"', start));
}

function columnIndex(ref: string): number {
  let column = 0;
  for (let i = 0; i < ref.length; i++) {
    const code = ref.charCodeAt(i);
    if (code < 65 || code > 90) break;
    column = column * 26 + code - 64;
  }
  return column - 1;
}

function cellValue(content: string, prefix: string, attributes: string, context: CellContext): CellValue {
  const type = attributeFast(attributes, ' t="') ?? 'n';
  if (type === 'inlineStr') return emptyToNull(runsText(content));
  const raw = valueText(content, prefix);
  if (raw === undefined) return null;
  switch (type) {
    case 's':
      return emptyToNull(context.strings[Number(raw)] ?? null);
    case 'str':
      return emptyToNull(xmlText(raw));
    case 'b':
      return raw === '1' || raw === 'true';
    case 'e':
      return null;
    case 'd':
      return isoFromText(raw);
    default: {
      const number = Number(raw);
      if (raw === '' || Number.isNaN(number)) return null;
      const style = attributeFast(attributes, ' s="');
      return style !== undefined && context.dateStyles[Number(style)] ? serialToIso(number, context.date1904) : number;
    }
  }
}

/** The text of the cell's <v> element, which may carry attributes (xml:space="preserve"). */
function valueText(content: string, prefix: string): string | undefined {
  const tag = `<${prefix}v`;
  let open = content.indexOf(tag);
  while (open >= 0 && content[open + tag.length] !== '>' && content[open + tag.length] !== ' ') open = content.indexOf(tag, open + 1);
  if (open < 0) return undefined;
  const start = content.indexOf('>', open) + 1;
  if (content[start - 2] === '/') return '';
  const end = content.indexOf(`</${prefix}v>`, start);
  return content.slice(start, end < 0 ? content.length : end);
}

function isoFromText(value: string): string | null {
  const iso = value.slice(0, 19);
  return iso.endsWith('T00:00:00') ? iso.slice(0, 10) : emptyToNull(iso);
}

function emptyToNull(value: string | null): string | null {
  return value === '' ? null : value;
}

const ENTITY = /&(?:#x([0-9a-fA-F]+)|#(\d+)|(amp|lt|gt|quot|apos));|_x([0-9a-fA-F]{4})_/g;
const NAMED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/** XML entities, plus OOXML's _xHHHH_ escapes for characters XML cannot hold. */
function xmlText(text: string): string {
  if (!text.includes('&') && !text.includes('_x')) return text;
  return text.replace(ENTITY, (_, hex?: string, dec?: string, named?: string, ooxml?: string) => {
    if (named) return NAMED[named] ?? '';
    const code = parseInt(hex ?? ooxml ?? dec ?? '', hex || ooxml ? 16 : 10);
    return Number.isFinite(code) && code <= 0x10ffff ? String.fromCodePoint(code) : '';
  });
}
