// What the binary workbook readers (BIFF8 in xls-fast.ts, BIFF12 in xlsb-fast.ts) share: cells
// kept as SheetJS keeps them in its dense `!data`, numbers shown by their XF's format, RK numbers,
// UTF-16LE text, and the sheet states both formats write (0 visible, 1 hidden, 2 very hidden).
import type { CellValue, SheetVisibility } from '../types.js';
import { builtinFormat, isDateFormat, serialToIso } from './dates.js';
import { GridBudget, gridRows } from './grid.js';

/**
 * A sheet's cells: a value where a record put one (a hole where none did; null for an error)
 * and, for a number, its XF index, since numbers are shown by their XF's format (a date or a
 * number). Values and XF indexes in two grids rather than an object per cell: 100,000 cells are
 * 100,000 fewer objects to collect.
 */
export class CellGrid {
  readonly values: (CellValue | undefined)[][] = [];
  readonly numberXfs: number[][] = [];
  /** Positions holding a cell (SheetJS's cell objects), for the check against the raw records. */
  count = 0;
  /** Positions of empty cells SheetJS keeps without a value (row * 2^14 + column): no cells for that check. */
  private readonly stubs = new Set<number>();

  put(r: number, c: number, value: CellValue, xf: number): void {
    const row = (this.values[r] ??= []);
    if (row[c] === undefined || (this.stubs.size > 0 && this.stubs.delete(r * 16_384 + c))) this.count++;
    row[c] = value;
    if (typeof value === 'number') (this.numberXfs[r] ??= [])[c] = xf;
  }

  /** An empty cell where there is none (it spans the grid as a cell does). */
  stub(r: number, c: number): void {
    const row = (this.values[r] ??= []);
    if (row[c] !== undefined) return;
    row[c] = null;
    this.stubs.add(r * 16_384 + c);
  }

  /** The rows as the analysis reads them, within the grid budget; empty text is an empty cell, as SheetJS's reader gives it. */
  rows(isDate: (xf: number) => boolean, date1904: boolean, where: string): CellValue[][] {
    const budget = new GridBudget(where);
    for (const row of this.values) if (row) budget.add(row.length, row.reduce<number>((n, cell) => (cell === undefined ? n : n + 1), 0));
    return gridRows(this.values, (value, r, c) => {
      if (value === undefined || value === '') return null;
      return typeof value === 'number' && isDate(this.numberXfs[r]![c]!) ? serialToIso(value, date1904) : value;
    });
  }
}

/** Whether each XF shows its number as a date: `xfFormats` holds each XF's format id, `formats` the workbook's own formats. */
export function dateXfs(xfFormats: readonly number[], formats: ReadonlyMap<number, string>): (xf: number) => boolean {
  const dates = new Map<number, boolean>();
  return (xf) => {
    let date = dates.get(xf);
    if (date === undefined) {
      const id = xfFormats[xf];
      date = id !== undefined && isDateFormat(formats.get(id) ?? builtinFormat(id));
      dates.set(xf, date);
    }
    return date;
  };
}

export function sheetVisibility(hidden: number): SheetVisibility {
  return hidden === 2 ? 'very-hidden' : hidden === 1 ? 'hidden' : 'visible';
}

const scratch = new DataView(new ArrayBuffer(8));

/** An RK number (its 32 bits as a signed integer): 30 bits of an integer or of a double's high bits, maybe divided by 100. */
export function rkNumber(raw: number): number {
  let value: number;
  if (raw & 2) value = raw >> 2;
  else {
    scratch.setInt32(4, raw & ~3, true);
    value = scratch.getFloat64(0, true);
  }
  return raw & 1 ? value / 100 : value;
}

/** Characters a String.fromCharCode call takes at most: its arguments go on the stack. */
const SLICE = 4096;
/** Reused by every call, rather than an array or a subarray made for each of 100,000 strings. */
const codes: number[] = [];

/**
 * `count` characters from `start`, `width` bytes each: one byte is the character itself (BIFF8's
 * compressed strings, U+0000 to U+00FF, not windows-1252), two are a UTF-16LE code unit, kept as
 * it is (SheetJS keeps lone surrogates; TextDecoder would replace them).
 */
export function charsAt(bytes: Uint8Array, start: number, count: number, width: 1 | 2): string {
  let text = '';
  for (let i = 0; i < count; i += SLICE) {
    const n = Math.min(SLICE, count - i);
    codes.length = n;
    let at = start + width * i;
    if (width === 1) for (let k = 0; k < n; k++) codes[k] = bytes[at++]!;
    else for (let k = 0; k < n; k++, at += 2) codes[k] = bytes[at]! | (bytes[at + 1]! << 8);
    text += String.fromCharCode.apply(null, codes);
  }
  return text;
}
