// The fast path for xlsb (BIFF12): the package's records read directly, with the tables SheetJS
// makes of them (test/detector/xlsb-crosscheck.test.ts holds the two to the same tables on every
// xlsb fixture and every real xlsb file of the corpus). It covers what ordinary exports hold:
// worksheets with the value records (BrtCellRk ... BrtCellIsst, the BrtShort* forms, BrtCellRString,
// formula cached values), shared strings, number formats and cell XFs for dates, date1904
// (BrtWbProp) and sheet visibility (BrtBundleSh), found through [Content_Types].xml and the
// relationships as SheetJS finds them. Anything else (defined names, comments, hyperlinks, chart,
// macro and dialog sheets, external links, a record this reader does not know, records cut
// short, XML parts that are not plain ASCII, ...) gives undefined, and SheetJS reads the file.
import type { CellValue, Sheet } from '../types.js';
import { CellGrid, charsAt, dateXfs, rkNumber, sheetVisibility } from './cell-grid.js';
import { xlsbValueRecords } from './cell-records.js';
import { MAX_COLUMNS, MAX_ROWS } from './grid.js';
import { stop, type ReadSession } from './session.js';
import { join, partKey, type ZipContainer } from './zip.js';
import { RowsTable } from '../table.js';

class NotCovered extends Error {}
function notCovered(): never {
  throw new NotCovered();
}

/** The package's parts, inflated, by partKey (zip.ts). */
export type XlsbParts = ReadonlyMap<string, Uint8Array>;

/**
 * Every part of the package inflated once, within the caps (SheetJS inflates without them: a part
 * whose header lies about its size is caught here), and the value records of its worksheets.
 */
export function inflateXlsbParts(zip: ZipContainer): { parts: XlsbParts; valueRecords: number } {
  const parts = new Map<string, Uint8Array>();
  let valueRecords = 0;
  for (const name of zip.entries.keys()) {
    const key = partKey(name);
    const part = zip.read(name);
    parts.set(key, part);
    if (/^xl\/worksheets\/[^/]+\.bin$/.test(key)) valueRecords += xlsbValueRecords(part);
  }
  return { parts, valueRecords };
}

/**
 * The sheets of an xlsb package, or undefined when it holds anything this reader does not cover
 * (SheetJS then reads the file). `valueRecords`: the value records of its worksheet parts
 * (cell-records.ts), held against the cells read as readWithSheetJs holds them.
 */
export function readXlsbFast(parts: XlsbParts, path: string, session: ReadSession, valueRecords: number): Sheet[] | undefined {
  session.checkpoint(path);
  let book: ParsedBook;
  try {
    book = parseBook(parts, session, path);
  } catch (error) {
    if (error instanceof NotCovered) return undefined;
    throw error;
  }
  const out: Sheet[] = [];
  let cellCount = 0;
  for (const { entry, cells } of book.sheets) {
    const where = join(path, entry.name);
    session.checkpoint(where);
    out.push({ name: entry.name, visibility: sheetVisibility(entry.hidden), table: new RowsTable(cells.rows(book.isDate, book.date1904, where)) });
    cellCount += cells.count;
  }
  if (cellCount * 2 < valueRecords) stop('corrupt', path, `the workbook's records hold ${valueRecords} cells, SheetJS read ${cellCount}`);
  return out;
}

// ---- records ----

/** One part's records: `type`, and the body from `start` to `end`, moved along by next(). */
class Records {
  readonly view: DataView;
  type = -1;
  start = 0;
  end = 0;

  constructor(readonly bytes: Uint8Array) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  /** False at the end of the part; a record cut short is not covered. */
  next(): boolean {
    const b = this.bytes;
    let at = this.end;
    if (at >= b.length) return false;
    // [MS-XLSB] 2.1.4: a type of one or two bytes, a size of one to four, seven bits each.
    let type = b[at++]!;
    if (type & 0x80) {
      if (at >= b.length) notCovered();
      type = (type & 0x7f) | ((b[at++]! & 0x7f) << 7);
    }
    let size = 0;
    for (let i = 0; i < 4; i++) {
      if (at >= b.length) notCovered();
      const byte = b[at++]!;
      size += (byte & 0x7f) * 2 ** (7 * i);
      if (!(byte & 0x80)) break;
    }
    if (at + size > b.length) notCovered();
    this.type = type;
    this.start = at;
    this.end = at + size;
    return true;
  }

  /** The record's body holds at least `n` bytes. */
  need(n: number): void {
    if (this.end - this.start < n) notCovered();
  }

  u8(at: number): number {
    return this.bytes[this.start + at]!;
  }

  u16(at: number): number {
    return this.view.getUint16(this.start + at, true);
  }

  u32(at: number): number {
    return this.view.getUint32(this.start + at, true);
  }

  i16(at: number): number {
    return this.view.getInt16(this.start + at, true);
  }

  i32(at: number): number {
    return this.view.getInt32(this.start + at, true);
  }

  f64(at: number): number {
    return this.view.getFloat64(this.start + at, true);
  }

  rk(at: number): number {
    return rkNumber(this.view.getInt32(this.start + at, true));
  }

  /** XLWideString at `at` (a 32-bit count of UTF-16 units), within the record; where it ends. */
  wide(at: number, nullable = false): { text: string; end: number } {
    this.need(at + 4);
    const count = this.u32(at);
    if (count === 0 || (nullable && count === 0xffffffff)) return { text: '', end: at + 4 };
    const start = this.start + at + 4;
    if (start + 2 * count > this.end) notCovered();
    return { text: utf16(this.bytes, start, count), end: at + 4 + 2 * count };
  }
}

/** UTF-16LE text as SheetJS reads it. */
function utf16(bytes: Uint8Array, start: number, count: number): string {
  const text = charsAt(bytes, start, count, 2);
  // SheetJS drops NUL characters from every UTF-16 string it reads.
  return text.includes('\0') ? notCovered() : text;
}

// ---- the package ----

const CONTENT_TYPES_NS = 'http://schemas.openxmlformats.org/package/2006/content-types';
const WORKBOOK = 'xl/workbook.bin';
const WORKBOOK_RELS = 'xl/_rels/workbook.bin.rels';
const WORKSHEET_TYPES = new Set([
  'http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet',
  'http://purl.oclc.org/ooxml/officeDocument/relationships/worksheet',
]);
const COMMENT_TYPES = new Set([
  'http://schemas.openxmlformats.org/officeDocument/2006/relationships/comments',
  'http://schemas.microsoft.com/office/2017/10/relationships/threadedComment',
]);
/** Content types SheetJS files under workbooks, shared strings, styles, and what this reader does not cover. */
const WORKBOOK_TYPES = new Set([
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml',
  'application/vnd.ms-excel.sheet.macroEnabled.main+xml',
  'application/vnd.ms-excel.sheet.binary.macroEnabled.main',
  'application/vnd.ms-excel.addin.macroEnabled.main+xml',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.template.main+xml',
]);
const STRINGS_TYPES = new Set(['application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml', 'application/vnd.ms-excel.sharedStrings']);
const STYLES_TYPES = new Set(['application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml', 'application/vnd.ms-excel.styles']);
const METADATA_TYPES = new Set(['application/vnd.openxmlformats-officedocument.spreadsheetml.sheetMetadata+xml', 'application/vnd.ms-excel.sheetMetadata']);
const UNCOVERED_TYPES = new Set([
  'application/vnd.ms-excel.externalLink',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.externalLink+xml',
  'application/vnd.ms-excel.person+xml',
]);
/** Parts that make SheetJS read the zip as something else than a workbook. */
const OTHER_PACKAGES = ['meta-inf/manifest.xml', 'objectdata.xml', 'index/document.iwa'];

interface SheetEntry {
  name: string;
  hidden: number;
  relId: string;
}

interface ParsedBook {
  sheets: { entry: SheetEntry; cells: CellGrid }[];
  isDate: (xf: number) => boolean;
  date1904: boolean;
}

function part(parts: XlsbParts, name: string): Uint8Array | undefined {
  return name.includes('%') ? notCovered() : parts.get(partKey(name));
}

function parseBook(parts: XlsbParts, session: ReadSession, path: string): ParsedBook {
  if (OTHER_PACKAGES.some((name) => parts.has(name))) notCovered();
  const { workbooks, strings, styles, metadata } = contentTypes(part(parts, '[Content_Types].xml') ?? notCovered());
  // Without a declared workbook SheetJS looks for xl/workbook.xml, then xl/workbook.bin.
  const workbook = workbooks[0] ?? (parts.has('xl/workbook.xml') ? undefined : WORKBOOK);
  if (workbook !== WORKBOOK || !parts.has(WORKBOOK)) notCovered();
  // SheetJS takes the first part of each type, by its name: a shared strings or styles part in XML is another reader's.
  const sst = strings[0] === undefined ? [] : parseSst(binaryPart(parts, strings[0]));
  if (styles[0] === undefined) notCovered();
  const isDate = parseStyles(binaryPart(parts, styles[0]));
  if (metadata[0] !== undefined) checkMetadata(binaryPart(parts, metadata[0]));
  const { entries, date1904 } = parseWorkbook(parts.get(WORKBOOK)!);
  const rels = relationships(part(parts, WORKBOOK_RELS) ?? notCovered());
  const names = new Set<string>();
  const sheets: ParsedBook['sheets'] = [];
  for (const entry of entries) {
    const rel = rels.get(entry.relId);
    if (!rel || !WORKSHEET_TYPES.has(rel.type) || names.has(entry.name)) notCovered();
    names.add(entry.name);
    // SheetJS's path for a sheet, and the one for its relationships.
    const sheetPath = 'xl/' + rel.target.replace(/[/]?xl\//, '');
    const sheetRels = part(parts, sheetPath.replace(/^(.*)(\/)([^/]*)$/, '$1/_rels/$3.rels'));
    if (sheetRels) for (const r of relationships(sheetRels).values()) if (COMMENT_TYPES.has(r.type)) notCovered();
    session.checkpoint(join(path, entry.name));
    sheets.push({ entry, cells: parseWorksheet(part(parts, sheetPath) ?? notCovered(), sst) });
  }
  if (sheets.length === 0) notCovered();
  return { sheets, isDate, date1904 };
}

function binaryPart(parts: XlsbParts, name: string): Uint8Array {
  return name.endsWith('.bin') ? (part(parts, name) ?? notCovered()) : notCovered();
}

// ---- XML parts: plain ones only ----

/**
 * The tags of an XML part written plainly (ASCII, double-quoted attributes without references,
 * no prefixes, comments or CDATA), each as its name and attributes; anything else is not covered,
 * since SheetJS's tag scanner and ours could then see different tags.
 */
function plainTags(bytes: Uint8Array): { name: string; attributes: Map<string, string> }[] {
  for (const byte of bytes) if (byte >= 0x80) notCovered();
  const xml = new TextDecoder().decode(bytes);
  if (/['&]|<!|_x[0-9a-f]{4}_/i.test(xml)) notCovered();
  const tags: { name: string; attributes: Map<string, string> }[] = [];
  for (const [, name, rest] of xml.matchAll(/<([^\s<>/?]+)([^<>]*)>/g)) {
    if (name!.includes(':')) notCovered();
    const attributes = new Map<string, string>();
    const leftover = rest!.replace(/\s+([^\s="]+)="([^"]*)"/g, (_, key: string, value: string) => {
      attributes.set(key, value);
      return '';
    });
    if (!/^\s*\/?$/.test(leftover)) notCovered();
    tags.push({ name: name!, attributes });
  }
  // Closing tags and the declaration are the rest of a plain part.
  if (xml.replace(/<([^\s<>/?]+)[^<>]*>|<\/[^\s<>]+\s*>|<\?xml[^<>]*\?>/g, '').includes('<')) notCovered();
  return tags;
}

function contentTypes(bytes: Uint8Array): { workbooks: string[]; strings: string[]; styles: string[]; metadata: string[] } {
  const workbooks: string[] = [];
  const strings: string[] = [];
  const styles: string[] = [];
  const metadata: string[] = [];
  let namespace: string | undefined;
  for (const { name, attributes } of plainTags(bytes)) {
    if (name === 'Types') namespace = attributes.get('xmlns');
    else if (name === 'Default' && !attributes.has('Extension')) notCovered();
    else if (name === 'Override') {
      const type = attributes.get('ContentType') ?? '';
      const partName = (attributes.get('PartName') ?? notCovered()).replace(/^\//, '');
      if (UNCOVERED_TYPES.has(type)) notCovered();
      if (WORKBOOK_TYPES.has(type)) workbooks.push(partName);
      if (STRINGS_TYPES.has(type)) strings.push(partName);
      if (STYLES_TYPES.has(type)) styles.push(partName);
      if (METADATA_TYPES.has(type)) metadata.push(partName);
    }
  }
  if (namespace !== CONTENT_TYPES_NS) notCovered();
  return { workbooks, strings, styles, metadata };
}

function relationships(bytes: Uint8Array): Map<string, { type: string; target: string }> {
  const rels = new Map<string, { type: string; target: string }>();
  for (const { name, attributes } of plainTags(bytes)) {
    if (name !== 'Relationship') continue;
    const id = attributes.get('Id');
    if (id === undefined || rels.has(id)) notCovered();
    rels.set(id, { type: attributes.get('Type') ?? '', target: attributes.get('Target') ?? notCovered() });
  }
  return rels;
}

// ---- workbook.bin ----

const WB = { BUNDLE_SH: 0x9c, WB_PROP: 0x99, EXTERN_SHEET: 0x16a, NAME: 0x27, SUP_SELF: 0x165, SUP_SAME: 0x166 } as const;
/**
 * Records SheetJS passes over in workbook.bin (its begin and end records included); external books
 * (BrtSupBookSrc, BrtSupAddin) are not covered.
 */
const WB_PASSED = new Set([
  0x0010, 0x0023, 0x0024, 0x0025, 0x0026, 0x0080, 0x0083, 0x0084, 0x0087, 0x0088, 0x008f, 0x0090, 0x009a, 0x009b,
  0x009d, 0x009e, 0x0161, 0x0162, 0x0169, 0x0180, 0x0181, 0x0182, 0x0183, 0x018d, 0x0216, 0x0224,
  0x0225, 0x0229, 0x0254, 0x0255, 0x0256, 0x0262, 0x0298, 0x0299, 0x029a, 0x02a4, 0x02a5, 0x040c, 0x045d, 0x0802,
  0x0805, 0x0817, 0x081b, 0x081c, 0x0822, 0x082b, 0x084d, 0x0850, 0x0c00, 0x0c01,
]);

function parseWorkbook(bytes: Uint8Array): { entries: SheetEntry[]; date1904: boolean } {
  const r = new Records(bytes);
  const entries: SheetEntry[] = [];
  const externals = new Externals();
  let date1904 = false;
  while (r.next()) {
    switch (r.type) {
      case WB.BUNDLE_SH: {
        r.need(8);
        const relId = r.wide(8, true);
        entries.push({ hidden: r.u32(0), relId: relId.text, name: r.wide(relId.end).text });
        externals.sheetNames.push(entries[entries.length - 1]!.name);
        break;
      }
      case WB.WB_PROP:
        r.need(8);
        date1904 = (r.u32(0) & 1) === 1;
        break;
      case WB.SUP_SELF:
      case WB.SUP_SAME:
        externals.addBook(r.type);
        break;
      case WB.EXTERN_SHEET:
        externals.addXti(r);
        break;
      case WB.NAME:
        externals.checkName(r);
        break;
      default:
        if (!WB_PASSED.has(r.type)) notCovered();
    }
  }
  return { entries, date1904 };
}

/**
 * SheetJS prints the formula of every defined name as it reads the workbook, and the whole read
 * fails when a reference names no sheet: what it needs for that, and the one kind of formula
 * covered here (a single 3-D reference, as print areas and filter ranges are).
 */
class Externals {
  readonly sheetNames: string[] = [];
  /** Each book's record type; SheetJS's first book is an empty placeholder until one comes. */
  private readonly books: (number | undefined)[] = [undefined];
  /** ExternSheet entries: book, first and last sheet. */
  private readonly xti: [number, number, number][] = [];

  addBook(type: number): void {
    if (this.books[0] === undefined) this.books[0] = type;
    else this.books.push(type);
  }

  addXti(r: Records): void {
    r.need(4);
    const count = r.u32(0);
    // SheetJS throws on an ExternSheet whose count does not fill it.
    if (r.end - r.start !== 4 + 12 * count) notCovered();
    for (let i = 0; i < count; i++) this.xti.push([r.u32(4 + 12 * i), r.i32(8 + 12 * i), r.i32(12 + 12 * i)]);
  }

  /** BrtName: flags, a key byte, the sheet it belongs to, its name, then the formula (a token count, the tokens, extra data). */
  checkName(r: Records): void {
    r.need(9);
    const itab = r.u32(5);
    const at = r.wide(9).end;
    r.need(at + 4);
    const cce = r.u32(at);
    r.need(at + 4 + cce + 4);
    const ptg = r.u8(at + 4);
    // PtgRef3d (type, sheet entry, row, column) or PtgArea3d (type, signed sheet entry, two rows, two columns), in any class.
    let ixti: number;
    if ((ptg === 0x3a || ptg === 0x5a || ptg === 0x7a) && cce === 9) ixti = r.u16(at + 5);
    else if ((ptg === 0x3b || ptg === 0x5b || ptg === 0x7b) && cce === 15) ixti = r.i16(at + 5);
    else notCovered();
    if (r.u32(at + 4 + cce) !== 0) notCovered();
    const sheet = this.sheetOf(ixti, itab < 0xfffffff ? itab : undefined);
    if (sheet !== '#REF' && !sheet) notCovered();
  }

  /** SheetJS's get_ixti_raw for BIFF12: the sheet (or sheets) a reference names; `sheet`, the sheet the name belongs to. */
  private sheetOf(ixti: number, sheet: number | undefined): string | undefined {
    const entry = this.xti[ixti];
    if (!entry) return this.sheetNames[ixti];
    const [book, first, last] = entry;
    if (book >= this.books.length) notCovered();
    switch (this.books[book]) {
      case WB.SUP_SELF: {
        const name = first === -1 ? '#REF' : this.sheetNames[first];
        return first === last ? name : `${String(name)}:${String(this.sheetNames[last])}`;
      }
      case WB.SUP_SAME:
        return sheet === undefined ? 'same book' : this.sheetNames[sheet];
      default:
        return 'other book';
    }
  }
}

// ---- sharedStrings.bin ----

const SST = { BEGIN: 0x9f, ITEM: 0x13, END: 0xa0, FRT_BEGIN: 0x23, FRT_END: 0x24 } as const;

function parseSst(bytes: Uint8Array): string[] {
  const r = new Records(bytes);
  const strings: string[] = [];
  while (r.next()) {
    switch (r.type) {
      case SST.ITEM:
        // RichStr: flags (runs, phonetic: both past the text), then the text.
        r.need(1);
        strings.push(r.wide(1).text);
        break;
      case SST.END:
        // SheetJS reads nothing after it.
        return strings;
      case SST.BEGIN:
      case SST.FRT_BEGIN:
      case SST.FRT_END:
        break;
      default:
        notCovered();
    }
  }
  return strings;
}

// ---- metadata.bin ----

const META = { MDTINFO: 0x14f, MDB: 0x33, BEGIN_ESMDB: 0x151, END_ESMDB: 0x152 } as const;
/** Begin and end records of metadata.bin (BrtBeginMetadata ... BrtEndDynamicArrayPr), and BrtFRTBegin/End. */
const META_PASSED = new Set([0x14c, 0x14d, 0x14e, 0x150, 0x153, 0x154, 0x34, 0x35, 0x1000, 0x1001, 0x23, 0x24]);

/**
 * SheetJS reads the cell metadata (dynamic arrays) before the sheets, and the whole workbook
 * fails when a metadata block names a type that is not there; it changes no value read here.
 */
function checkMetadata(bytes: Uint8Array): void {
  const r = new Records(bytes);
  let types = 0;
  let inBlock = false;
  while (r.next()) {
    switch (r.type) {
      case META.MDTINFO:
        r.need(8);
        r.wide(8);
        types++;
        break;
      case META.BEGIN_ESMDB:
        r.need(8);
        inBlock = true;
        break;
      case META.END_ESMDB:
        inBlock = false;
        break;
      case META.MDB: {
        r.need(4);
        const count = r.u32(0);
        r.need(4 + 8 * count);
        if (inBlock) for (let i = 0; i < count; i++) if (r.u32(4 + 8 * i) < 1 || r.u32(4 + 8 * i) > types) notCovered();
        break;
      }
      default:
        if (!META_PASSED.has(r.type)) notCovered();
    }
  }
}

// ---- styles.bin ----

const STY = { FMT: 0x2c, XF: 0x2f, BEGIN_CELL_XFS: 0x269, AC_BEGIN: 0x25, AC_END: 0x26 } as const;
/** Records SheetJS reads nothing from in styles.bin. */
const STY_PASSED = new Set([0x23, 0x24, 0x2b, 0x2d, 0x2e, 0x30, 0x1db, 0x1fb, 0x23c, 0x200, 0x401, 0x46a, 0x493, 0x82f, 0x836, 0xc00]);
/** Begin and end records (SheetJS keeps a stack of them: only an XF inside BrtBeginCellXFs is a cell XF). */
const STY_BEGIN = new Set([0x116, 0x1d9, 0x1f9, 0x1fc, 0x1fe, 0x235, 0x239, 0x25b, 0x263, 0x265, 0x267, 0x269, 0x26b, 0x272, 0x46b, 0x476, 0x830, 0x832]);
const STY_END = new Set([0x117, 0x1da, 0x1fa, 0x1fd, 0x1ff, 0x236, 0x23a, 0x25c, 0x264, 0x266, 0x268, 0x26a, 0x26c, 0x273, 0x46c, 0x477, 0x831, 0x833]);
/** SheetJS's table of formats written wrongly by other programs, applied as it loads a format. */
const BAD_FORMATS: Readonly<Record<string, string>> = { 'd.m': 'd\\.m' };

/** Whether each cell XF shows its number as a date, by SheetJS's format table as this workbook leaves it. */
function parseStyles(bytes: Uint8Array): (xf: number) => boolean {
  const r = new Records(bytes);
  const formats = new Map<number, string>();
  const xfFormats: number[] = [];
  const state: number[] = [];
  while (r.next()) {
    const type = r.type;
    if (type === STY.FMT) {
      r.need(2);
      const code = r.wide(2).text;
      formats.set(r.u16(0), Object.hasOwn(BAD_FORMATS, code) ? BAD_FORMATS[code]! : code);
    } else if (type === STY.XF) {
      r.need(4);
      if (state[state.length - 1] === STY.BEGIN_CELL_XFS) xfFormats.push(r.u16(2));
    } else if (type === STY.AC_BEGIN || STY_BEGIN.has(type)) state.push(type);
    else if (type === STY.AC_END || STY_END.has(type)) state.pop();
    else if (!STY_PASSED.has(type)) notCovered();
  }
  return dateXfs(xfFormats, formats);
}

// ---- worksheets ----

const ROW_HDR = 0x00;
const MARGINS = 0x1dc;
const HLINK = 0x1ee;
/** Positions a hyperlink may span here: SheetJS makes an empty cell of each. */
const MAX_LINKED_CELLS = 100_000;

/** A value record: whether it names its column (or is one right of the last cell), its fewest bytes, its value. */
interface CellRecord {
  full: boolean;
  min: number;
  value: (r: Records, at: number) => CellValue;
}
const cell = (full: boolean, size: number, value: CellRecord['value']): CellRecord => ({ full, min: (full ? 8 : 4) + size, value });
const number = (r: Records, at: number) => r.f64(at);
const rk = (r: Records, at: number) => r.rk(at);
const error = () => null;
const bool = (r: Records, at: number) => r.u8(at) !== 0;
const text = (r: Records, at: number) => r.wide(at).text;

/** [MS-XLSB] cell records: BrtCellRk ... BrtFmlaError, BrtShortRk ... BrtShortIsst, BrtCellRString (the shared strings are looked up later). */
const CELL_RECORDS = new Map<number, CellRecord>([
  [0x02, cell(true, 4, rk)],
  [0x03, cell(true, 1, error)],
  [0x04, cell(true, 1, bool)],
  [0x05, cell(true, 8, number)],
  [0x06, cell(true, 4, text)],
  [0x08, cell(true, 4, text)],
  [0x09, cell(true, 8, number)],
  [0x0a, cell(true, 1, bool)],
  [0x0b, cell(true, 1, error)],
  [0x0d, cell(false, 4, rk)],
  [0x0e, cell(false, 1, error)],
  [0x0f, cell(false, 1, bool)],
  [0x10, cell(false, 8, number)],
  [0x11, cell(false, 4, text)],
  // RichStr: a flags byte (runs and phonetic text come after the text), then the text.
  [0x3e, cell(true, 5, (r, at) => r.wide(at + 1).text)],
]);
const SHARED_STRING_CELLS = new Map([
  [0x07, true],
  [0x12, false],
]);
/** BrtCellBlank, BrtShortBlank: SheetJS keeps no blank cells (no sheetStubs) and does not move its column for them. */
const BLANKS = new Set([0x01, 0x0c]);

/**
 * Records SheetJS passes over in a worksheet when it reads no formulas and no styles (begin and
 * end records included). Not here: comments' drawing (BrtLegacyDrawing) and whatever else SheetJS
 * might read or reject.
 */
const WS_PASSED = new Set([
  // Passed by name in SheetJS's worksheet reader.
  0x0031, 0x0032, 0x003c, 0x0040, 0x0089, 0x0093, 0x0094, 0x0097, 0x0098, 0x00a1, 0x00a7, 0x00a8, 0x00a9, 0x00aa,
  0x00ab, 0x00ae, 0x00af, 0x00b0, 0x018c, 0x01aa, 0x01ab, 0x01ac, 0x01d7, 0x01dd, 0x01de, 0x01e5, 0x01f3, 0x01f8,
  0x01fb, 0x0217, 0x0218, 0x0219, 0x0226, 0x0228, 0x0232, 0x0234, 0x024d, 0x025f, 0x0271, 0x027f, 0x0284, 0x0289,
  0x0295, 0x0297, 0x02a6, 0x02a8, 0x0400, 0x0413, 0x0415, 0x041a, 0x041d, 0x041f, 0x044f, 0x0450, 0x0451, 0x0458,
  0x047a, 0x0499, 0x049c, 0x049d, 0x0816, 0x0c00,
  // Begin and end records.
  0x0023, 0x0024, 0x0025, 0x0026, 0x0081, 0x0082, 0x0085, 0x0086, 0x008a, 0x0091, 0x0092, 0x00a2, 0x00a3, 0x00a4,
  0x00a5, 0x00a6, 0x00ac, 0x00ad, 0x00b1, 0x00b2, 0x0186, 0x0187, 0x0188, 0x0189, 0x018a, 0x018b, 0x01a6, 0x01a7,
  0x01a8, 0x01a9, 0x01cd, 0x01ce, 0x01cf, 0x01d0, 0x01df, 0x01e0, 0x01ef, 0x01f0, 0x01f1, 0x01f2, 0x0212, 0x0213,
  0x0214, 0x0215, 0x023d, 0x023e, 0x024e, 0x024f, 0x0250, 0x0251, 0x0252, 0x0253, 0x025d, 0x025e, 0x027e, 0x0280,
  0x0283, 0x0285, 0x0288, 0x028a, 0x0294, 0x0296,
]);

/**
 * BrtHLink: SheetJS gives each position of its range an empty cell (where none is) and leaves its
 * row and column after the range, where a short cell that follows would go.
 */
function linkStubs(r: Records, cells: CellGrid, row: number, column: number): [number, number] {
  r.need(16);
  const [firstRow, lastRow, firstColumn, lastColumn] = [r.u32(0), r.u32(4), r.u32(8), r.u32(12)];
  // Its relationship id, location, tooltip and display text.
  let at = r.wide(16, true).end;
  for (let i = 0; i < 3; i++) at = r.wide(at).end;
  if (lastRow >= MAX_ROWS || lastColumn >= MAX_COLUMNS) notCovered();
  if (firstRow > lastRow) return [firstRow, column];
  if (firstColumn > lastColumn) return [lastRow + 1, firstColumn];
  if ((lastRow - firstRow + 1) * (lastColumn - firstColumn + 1) > MAX_LINKED_CELLS) notCovered();
  for (let rr = firstRow; rr <= lastRow; rr++) for (let c = firstColumn; c <= lastColumn; c++) cells.stub(rr, c);
  return [lastRow + 1, lastColumn + 1];
}

function parseWorksheet(bytes: Uint8Array, sst: string[]): CellGrid {
  const r = new Records(bytes);
  const cells = new CellGrid();
  // SheetJS's row and column: a short cell is one column right of the last cell with a value.
  let row = -1;
  let column = -1;
  /** A cell record's value, at 8 bytes (a full cell: column and XF) or 4 (a short one: the XF). */
  const put = (full: boolean, value: CellValue) => {
    if (row < 0) notCovered();
    if (full) column = r.u32(0);
    else if (column < 0) notCovered();
    else column++;
    if (column >= MAX_COLUMNS) notCovered();
    const xf = full ? 4 : 0;
    cells.put(row, column, value, r.u16(xf) | (r.u8(xf + 2) << 16));
  };
  while (r.next()) {
    const type = r.type;
    const record = CELL_RECORDS.get(type);
    if (record) {
      r.need(record.min);
      put(record.full, record.value(r, record.full ? 8 : 4));
    } else if (SHARED_STRING_CELLS.has(type)) {
      const full = SHARED_STRING_CELLS.get(type)!;
      r.need(full ? 12 : 8);
      put(full, sst[r.u32(full ? 8 : 4)] ?? notCovered());
    } else if (type === ROW_HDR) {
      r.need(12);
      row = r.u32(0);
      if (row >= MAX_ROWS) notCovered();
    } else if (type === HLINK) {
      [row, column] = linkStubs(r, cells, row, column);
    } else if (type === MARGINS) {
      // Six doubles: SheetJS throws when the part ends before them.
      r.need(48);
    } else if (!BLANKS.has(type) && !WS_PASSED.has(type)) notCovered();
  }
  return cells;
}
