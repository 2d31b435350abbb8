// The fast path for xls (BIFF8): the Workbook stream's records read directly, with the tables
// SheetJS makes of them (test/detector/xls-crosscheck.test.ts holds the two to the same tables on
// every xls fixture and every real xls file of the corpus). It covers what ordinary exports
// hold: worksheets with NUMBER, RK, MULRK, LABELSST (the SST with its CONTINUE records), LABEL,
// RSTRING, BOOLERR and FORMULA cached values (STRING), date formats (XF -> FORMAT), DATEMODE and
// BOUNDSHEET visibility; charts embedded in a worksheet are skipped as SheetJS skips them.
// Anything else (BIFF5 and older, chart, macro and module sheets, comments, records cut short,
// a string record without its formula, ...) gives undefined, and SheetJS reads the file as before.
import type { CellValue, Sheet } from '../types.js';
import { CellGrid, charsAt, dateXfs, rkNumber, sheetVisibility } from './cell-grid.js';
import { biffValueRecords } from './cell-records.js';
import { stop, type ReadSession } from './session.js';
import { join } from './zip.js';
import { RowsTable } from '../table.js';

const BOF = 0x0809;
const EOF = 0x000a;
const CONTINUE = 0x003c;
/** Other continuation records SheetJS appends to the record before them: not covered here. */
const OTHER_CONTINUES = new Set([0x043c, 0x0812, 0x0875, 0x087f]);
const BIFF8 = 0x0600;
const GLOBALS = 0x0005;
const WORKSHEET = 0x0010;

const R = {
  DATEMODE: 0x0022,
  FILEPASS: 0x002f,
  BOUNDSHEET: 0x0085,
  MULRK: 0x00bd,
  RSTRING: 0x00d6,
  XF: 0x00e0,
  SST: 0x00fc,
  LABELSST: 0x00fd,
  DIMENSIONS: 0x0200,
  NUMBER: 0x0203,
  LABEL: 0x0204,
  BOOLERR: 0x0205,
  STRING: 0x0207,
  RK: 0x027e,
  FORMAT: 0x041e,
  FORMULA: 0x0006,
  NOTE: 0x001c,
} as const;

/** Record types SheetJS reads as cells or formats in other BIFF versions: their presence is not covered. */
const UNCOVERED = new Set([0x0002, 0x0003, 0x0004, 0x0005, 0x0007, 0x001e, 0x0043, 0x0243, 0x0443, 0x0206, 0x0406, R.NOTE, R.FILEPASS]);

/** The fewest bytes each record read here has (its fixed fields). */
const MIN_LENGTH = new Map<number, number>([
  [BOF, 4], [R.DATEMODE, 2], [R.BOUNDSHEET, 8], [R.XF, 4], [R.FORMAT, 4], [R.SST, 8], [R.NUMBER, 14], [R.RK, 10],
  [R.MULRK, 12], [R.LABELSST, 10], [R.LABEL, 9], [R.RSTRING, 9], [R.BOOLERR, 8], [R.FORMULA, 20], [R.STRING, 3],
]);

class NotCovered extends Error {}
function notCovered(): never {
  throw new NotCovered();
}

/**
 * A record's body with the CONTINUE records after it, and where each piece starts (SheetJS's
 * `lens`), positions counted from `base`: a record without CONTINUE is read in place.
 */
interface Body {
  bytes: Uint8Array;
  view: DataView;
  base: number;
  length: number;
  starts: number[];
}
const ONE_PIECE = [0];
const u8 = (b: Body, at: number): number => b.bytes[b.base + at]!;
const u16 = (b: Body, at: number): number => b.view.getUint16(b.base + at, true);
const u32 = (b: Body, at: number): number => b.view.getUint32(b.base + at, true);
const f64 = (b: Body, at: number): number => b.view.getFloat64(b.base + at, true);

interface SheetEntry {
  pos: number;
  hidden: number;
  name: string;
}

/**
 * The sheets of a BIFF8 Workbook stream, or undefined when it holds anything this reader does not
 * cover (SheetJS then reads the file).
 */
export function readXlsFast(stream: Uint8Array, path: string, session: ReadSession): Sheet[] | undefined {
  session.checkpoint(path);
  let parsed: ParsedWorkbook;
  try {
    parsed = parseWorkbook(stream);
  } catch (error) {
    // RangeError: a record shorter than its fields (DataView past its end).
    if (error instanceof NotCovered || error instanceof RangeError) return undefined;
    throw error;
  }
  const { sheets, formats, xfs, date1904 } = parsed;
  const isDate = dateXfs(xfs, formats);
  const out: Sheet[] = [];
  for (const { entry, cells } of sheets) {
    const where = join(path, entry.name);
    session.checkpoint(where);
    out.push({ name: entry.name, visibility: sheetVisibility(entry.hidden), table: new RowsTable(cells.rows(isDate, date1904, where)) });
  }
  // As readWithSheetJs: a workbook whose records hold values SheetJS did not find was not read.
  const valueRecords = biffValueRecords(stream);
  const cellCount = sheets.reduce((n, sheet) => n + sheet.cells.count, 0);
  if (cellCount * 2 < valueRecords) stop('corrupt', path, `the workbook's records hold ${valueRecords} cells, SheetJS read ${cellCount}`);
  return out;
}

interface ParsedWorkbook {
  sheets: { entry: SheetEntry; cells: CellGrid }[];
  formats: Map<number, string>;
  /** Each XF's number format id. */
  xfs: number[];
  date1904: boolean;
}

function parseWorkbook(stream: Uint8Array): ParsedWorkbook {
  const view = new DataView(stream.buffer, stream.byteOffset, stream.byteLength);
  const formats = new Map<number, string>();
  const xfs: number[] = [];
  const entries: SheetEntry[] = [];
  const sheets: { entry: SheetEntry; cells: CellGrid; dimensions: boolean }[] = [];
  let sst: string[] = [];
  let date1904 = false;
  let depth = 0;
  let current: (typeof sheets)[number] | undefined;
  let inGlobals = false;
  let lastFormula: { r: number; c: number; xf: number } | undefined;
  let lastType = -1;

  // A record without CONTINUE (nearly all) is read through this one Body, moved along the stream.
  const inPlace: Body = { bytes: stream, view, base: 0, length: 0, starts: ONE_PIECE };
  /** Where the record read by the last body() call ends, its CONTINUE records included. */
  let next = 0;
  const body = (at: number, length: number): Body => {
    if (at + 4 + length > stream.length) notCovered();
    next = at + 4 + length;
    if (next + 4 > stream.length || view.getUint16(next, true) !== CONTINUE) {
      if (next + 2 <= stream.length && OTHER_CONTINUES.has(view.getUint16(next, true))) notCovered();
      inPlace.base = at + 4;
      inPlace.length = length;
      return inPlace;
    }
    const pieces: Uint8Array[] = [stream.subarray(at + 4, at + 4 + length)];
    while (next + 4 <= stream.length) {
      const type = view.getUint16(next, true);
      if (OTHER_CONTINUES.has(type)) notCovered();
      if (type !== CONTINUE) break;
      const size = view.getUint16(next + 2, true);
      if (next + 4 + size > stream.length) notCovered();
      pieces.push(stream.subarray(next + 4, next + 4 + size));
      next += 4 + size;
    }
    const bytes = concat(pieces);
    const starts: number[] = [];
    let offset = 0;
    for (const piece of pieces) {
      starts.push(offset);
      offset += piece.length;
    }
    return { bytes, view: new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength), base: 0, length: bytes.length, starts };
  };

  const put = (r: number, c: number, value: CellValue, xf: number) => {
    if (depth > 1) return;
    if (!current) notCovered();
    current.cells.put(r, c, value, xf);
  };

  let at = 0;
  while (at < stream.length - 1) {
    const start = at;
    if (at + 4 > stream.length) notCovered();
    const type = view.getUint16(at, true);
    if (type === 0 && lastType === EOF) break;
    const length = view.getUint16(at + 2, true);
    if (depth === 0 && type !== BOF) break;
    if (UNCOVERED.has(type)) notCovered();
    const b = body(at, length);
    at = next;
    lastType = type;
    // A single record is read in place, in a view of the whole stream: a field past its end would
    // read the next record's bytes.
    if (b.length < (MIN_LENGTH.get(type) ?? 0)) notCovered();
    switch (type) {
      case BOF: {
        if (b.length < 4 || u16(b, 0) !== BIFF8) notCovered();
        const kind = u16(b, 2);
        if (depth++ > 0) break;
        if (sheets.length === 0 && !inGlobals && kind === GLOBALS && start === 0) {
          inGlobals = true;
          break;
        }
        if (kind !== WORKSHEET) notCovered();
        const entry = entries.find((e) => e.pos === start);
        if (!entry) notCovered();
        current = { entry, cells: new CellGrid(), dimensions: false };
        sheets.push(current);
        break;
      }
      case EOF:
        depth--;
        if (depth === 0) {
          if (current && !current.dimensions) notCovered();
          current = undefined;
          inGlobals = false;
        }
        break;
      case R.DATEMODE:
        date1904 = u16(b, 0) === 1;
        break;
      case R.BOUNDSHEET: {
        if (!inGlobals || b.length < 8) notCovered();
        const sheetType = u8(b, 5);
        if (sheetType !== 0) notCovered();
        const cch = u8(b, 6);
        // SheetJS names a sheet without a name 'Sheet1'.
        entries.push({ pos: u32(b, 0), hidden: u8(b, 4) & 3, name: cch === 0 ? 'Sheet1' : readChars(b, 8, cch, u8(b, 7) !== 0).text });
        break;
      }
      case R.XF:
        xfs.push(u16(b, 2));
        break;
      case R.FORMAT: {
        const id = u16(b, 0);
        formats.set(id, xlUnicodeString(b, 2));
        break;
      }
      case R.SST:
        sst = parseSst(b);
        break;
      case R.DIMENSIONS:
        if (depth === 1 && current) current.dimensions = true;
        break;
      case R.NUMBER:
        put(u16(b, 0), u16(b, 2), f64(b, 6), u16(b, 4));
        break;
      case R.RK:
        put(u16(b, 0), u16(b, 2), rk(b, 6), u16(b, 4));
        break;
      case R.MULRK: {
        const r = u16(b, 0);
        const first = u16(b, 2);
        const count = (b.length - 6) / 6;
        if (!Number.isInteger(count) || u16(b, b.length - 2) !== first + count - 1) notCovered();
        for (let i = 0; i < count; i++) put(r, first + i, rk(b, 4 + i * 6 + 2), u16(b, 4 + i * 6));
        break;
      }
      case R.LABELSST: {
        const text = sst[u32(b, 6)];
        if (text === undefined) notCovered();
        put(u16(b, 0), u16(b, 2), text, u16(b, 4));
        break;
      }
      case R.LABEL:
        put(u16(b, 0), u16(b, 2), xlUnicodeString(b, 6), u16(b, 4));
        break;
      case R.RSTRING: {
        const cch = u16(b, 6);
        put(u16(b, 0), u16(b, 2), readChars(b, 9, cch, u8(b, 8) !== 0).text, u16(b, 4));
        break;
      }
      case R.BOOLERR: {
        const isError = u8(b, 7) === 1;
        put(u16(b, 0), u16(b, 2), isError ? null : u8(b, 6) === 1, u16(b, 4));
        break;
      }
      case R.FORMULA: {
        if (b.length < 20) notCovered();
        const r = u16(b, 0);
        const c = u16(b, 2);
        const xf = u16(b, 4);
        if (u16(b, 12) !== 0xffff) {
          put(r, c, f64(b, 6), xf);
        } else {
          switch (u8(b, 6)) {
            case 0:
              // The text comes in the STRING record after it; the cell waits for it.
              lastFormula = { r, c, xf };
              continue;
            case 1:
              put(r, c, u8(b, 8) === 1, xf);
              break;
            case 2:
              put(r, c, null, xf);
              break;
            case 3:
              put(r, c, '', xf);
              break;
            default:
              // A formula without a cached value: a cell that shows nothing.
              put(r, c, null, xf);
          }
        }
        lastFormula = { r, c, xf };
        break;
      }
      case R.STRING: {
        if (!lastFormula) notCovered();
        const { r, c, xf } = lastFormula;
        put(r, c, xlUnicodeString(b, 0), xf);
        lastFormula = undefined;
        break;
      }
      default:
        break;
    }
  }
  if (depth !== 0 || inGlobals) notCovered();
  // SheetJS lists the sheets by their position in the stream; each listed sheet must be read here.
  const names = new Set<string>();
  for (const entry of entries) {
    if (names.has(entry.name) || !sheets.some((sheet) => sheet.entry === entry)) notCovered();
    names.add(entry.name);
  }
  if (sheets.length !== entries.length) notCovered();
  sheets.sort((a, b) => a.entry.pos - b.entry.pos);
  return { sheets, formats, xfs, date1904 };
}

function concat(pieces: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(pieces.reduce((n, piece) => n + piece.length, 0));
  let at = 0;
  for (const piece of pieces) {
    out.set(piece, at);
    at += piece.length;
  }
  return out;
}

function rk(b: Body, at: number): number {
  return rkNumber(b.view.getInt32(b.base + at, true));
}

/**
 * `count` characters from `at`, one or two bytes each; at the start of a CONTINUE record the width
 * is given again by a byte of its own (SheetJS's 'sbcs-cont' and 'dbcs-cont').
 */
function readChars(b: Body, at: number, count: number, wide: boolean): { text: string; end: number } {
  let width: 1 | 2 = wide ? 2 : 1;
  // The first CONTINUE record that starts after `at` (the starts are in order).
  let lo = 0;
  for (let hi = b.starts.length; lo < hi; ) {
    const mid = (lo + hi) >> 1;
    if (b.starts[mid]! < at) lo = mid + 1;
    else hi = mid;
  }
  let next = lo;
  let boundary = b.starts[next] ?? Infinity;
  if (boundary >= at + count * width) return { text: charsInPlace(b, at, count, width), end: at + count * width };
  const codes: number[] = [];
  let text = '';
  for (let i = 0; i < count; i++) {
    if (at === boundary) {
      width = u8(b, at) ? 2 : 1;
      at += 1;
      boundary = b.starts[++next] ?? Infinity;
    }
    if (at + width > b.length) throw new NotCovered();
    codes.push(width === 2 ? u8(b, at) | (u8(b, at + 1) << 8) : u8(b, at));
    at += width;
    if (codes.length === 4096) text += String.fromCharCode(...codes.splice(0));
  }
  return { text: text + String.fromCharCode(...codes), end: at };
}

/** `count` characters of one width from `at`, with no CONTINUE record among them. */
function charsInPlace(b: Body, at: number, count: number, width: 1 | 2): string {
  if (at + count * width > b.length) throw new NotCovered();
  return charsAt(b.bytes, b.base + at, count, width);
}

/** XLUnicodeString: a 16-bit count, a flags byte (any bit set means two bytes a character, as SheetJS reads it), the characters. */
function xlUnicodeString(b: Body, at: number): string {
  const cch = u16(b, at);
  if (cch === 0) return '';
  return readChars(b, at + 3, cch, u8(b, at + 2) !== 0).text;
}

/** The shared strings: XLUnicodeRichExtendedString after XLUnicodeRichExtendedString, across CONTINUE records. */
function parseSst(b: Body): string[] {
  const unique = u32(b, 4);
  const strings: string[] = [];
  let at = 8;
  for (let i = 0; i !== unique && at < b.length; i++) {
    if (at + 3 > b.length) notCovered();
    const cch = u16(b, at);
    const flags = u8(b, at + 2);
    at += 3;
    let runs = 0;
    let extended = 0;
    if (at + (flags & 8 ? 2 : 0) + (flags & 4 ? 4 : 0) > b.length) notCovered();
    if (flags & 8) {
      runs = u16(b, at);
      at += 2;
    }
    if (flags & 4) {
      extended = u32(b, at);
      at += 4;
    }
    if (cch === 0) strings.push('');
    else {
      const { text, end } = readChars(b, at, cch, (flags & 1) !== 0);
      strings.push(text);
      at = end;
    }
    at += 4 * runs + extended;
  }
  if (at > b.length) notCovered();
  return strings;
}
