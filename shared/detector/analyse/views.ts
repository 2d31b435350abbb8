// Other ways a person reads the same cells: a table turned on its side (one person per column,
// the field names down the first column) and a table written on one line (every record after
// the other in one row). Each is a view of the table as read, without copying its cells.
import type { CellValue } from '../types.js';
import type { Table, Tally } from '../table.js';
import type { Recognizer } from '../recognizers/types.js';
import { vocabularyHits } from './header.js';

/** A view of a table and how its columns are named to a reader. */
export interface Reading {
  table: Table;
  /** How the view's column `index` is named in a reason: a column letter, or the row it came from. */
  columnName?: (index: number) => string;
}

/** Cells of the first column looked at to tell whether it holds field names. */
const HEADER_COLUMN_CELLS = 25;
/** A row this long in a table of at most two rows may hold every record. */
const ONE_LINE_MIN_CELLS = 12;
/** Periods tried for a record written on one line, and cells compared to find it. */
const MAX_PERIOD = 64;
const PERIOD_SAMPLE = 4096;
/** Share of cells whose shape recurs one period later, for the period to be a record's length. */
const PERIOD_AGREEMENT = 0.8;

/**
 * The readings of a table besides itself: its transpose when its first column reads like a header
 * (it names two or more things we know) or when it is wider than long; its records folded when
 * it is all on one line. Cheap to decide: the first column's top cells, and the row count.
 */
export function otherReadings(table: Table, recognizers: readonly Recognizer[]): Reading[] {
  const readings: Reading[] = [];
  const folded = foldedOneLine(table);
  if (folded) readings.push({ table: folded });
  if (table.rowCount > 1 && (widerThanLong(table) || headerColumn(table, recognizers))) {
    readings.push({ table: new TransposedTable(table), columnName: (index) => String(index + 1) });
  }
  return readings;
}

function widerThanLong(table: Table): boolean {
  for (let r = 0; r < table.rowCount; r++) if (table.rowLength(r) > table.rowCount) return true;
  return false;
}

function headerColumn(table: Table, recognizers: readonly Recognizer[]): boolean {
  const cells: CellValue[] = [];
  for (let r = 0; r < Math.min(table.rowCount, HEADER_COLUMN_CELLS); r++) cells.push(table.rowLength(r) > 0 ? table.cell(r, 0) : null);
  return vocabularyHits(cells, recognizers) >= 2;
}

/** One person per column: the cell at (r, c) is the table's (c, r). */
export class TransposedTable implements Table {
  readonly rowCount: number;

  constructor(private readonly table: Table) {
    let width = 0;
    for (let r = 0; r < table.rowCount; r++) width = Math.max(width, table.rowLength(r));
    this.rowCount = width;
  }

  rowLength(): number {
    return this.table.rowCount;
  }

  cell(r: number, c: number): CellValue {
    return r < this.table.rowLength(c) ? this.table.cell(c, r) : null;
  }

  isBlank(r: number, c: number): boolean {
    return r >= this.table.rowLength(c) || this.table.isBlank(c, r);
  }

  tally(limit: number): Tally {
    return positionsMapped(this.table.tally(limit), (r, c) => [c, r]);
  }
}

/** Records written one after the other in one row, `period` cells each, as rows. */
export class FoldedTable implements Table {
  readonly rowCount: number;

  constructor(
    private readonly table: Table,
    /** A header row above the folded row, kept as the first row; -1 for none. */
    private readonly header: number,
    private readonly row: number,
    private readonly period: number,
  ) {
    this.rowCount = (header >= 0 ? 1 : 0) + Math.ceil(table.rowLength(row) / period);
  }

  private at(r: number, c: number): [number, number] {
    if (this.header >= 0) {
      if (r === 0) return [this.header, c];
      r--;
    }
    return [this.row, r * this.period + c];
  }

  rowLength(r: number): number {
    if (this.header >= 0 && r === 0) return this.table.rowLength(this.header);
    const [, start] = this.at(r, 0);
    return Math.max(0, Math.min(this.period, this.table.rowLength(this.row) - start));
  }

  cell(r: number, c: number): CellValue {
    const [row, column] = this.at(r, c);
    return this.table.cell(row, column);
  }

  isBlank(r: number, c: number): boolean {
    const [row, column] = this.at(r, c);
    return this.table.isBlank(row, column);
  }

  tally(limit: number): Tally {
    return positionsMapped(this.table.tally(limit), (r, c) => this.at(r, c));
  }
}

function positionsMapped(tally: Tally, map: (r: number, c: number) => [number, number]): Tally {
  return {
    add: (r, c) => {
      const [row, column] = map(r, c);
      return tally.add(row, column);
    },
    get values() {
      return tally.values;
    },
    count: (index) => tally.count(index),
  };
}

/**
 * A table whose records are all on one line: one long row, alone or under a header row. Under a
 * header, a record is as long as the header; alone, as long as the period after which the
 * cells' shapes recur ('Jansen', '123456782', '1234 AB', 'Bakker', '111222333', ...), which also
 * finds field names repeated before each value.
 */
function foldedOneLine(table: Table): FoldedTable | undefined {
  const rows: number[] = [];
  for (let r = 0; r < table.rowCount && rows.length <= 2; r++) if (table.rowLength(r) > 0) rows.push(r);
  if (rows.length === 0 || rows.length > 2) return undefined;
  const row = rows[rows.length - 1]!;
  const length = table.rowLength(row);
  if (length < ONE_LINE_MIN_CELLS) return undefined;
  if (rows.length === 2) {
    const header = table.rowLength(rows[0]!);
    return header > 1 && header < length ? new FoldedTable(table, rows[0]!, row, header) : undefined;
  }
  const period = recordLength(table, row, length);
  return period === undefined ? undefined : new FoldedTable(table, -1, row, period);
}

function recordLength(table: Table, row: number, length: number): number | undefined {
  const sample = Math.min(length, PERIOD_SAMPLE);
  const shapes = new Int32Array(sample);
  for (let c = 0; c < sample; c++) shapes[c] = shapeOf(table.cell(row, c));
  for (let period = 2; period <= Math.min(MAX_PERIOD, Math.floor(sample / 3)); period++) {
    let agree = 0;
    for (let c = 0; c + period < sample; c++) if (shapes[c] === shapes[c + period]) agree++;
    if (agree >= PERIOD_AGREEMENT * (sample - period)) return period;
  }
  return undefined;
}

/**
 * The kinds of character a cell holds, as bits: 'Jansen', 'de Vries' and 'Den Haag' are letters,
 * 'J.P.' letters and dots, '12-03-2002' digits and hyphens, '1234 AB' digits and letters. Coarse
 * on purpose: the fields of one record differ in kind, the values of one field seldom do.
 */
function shapeOf(value: CellValue): number {
  if (typeof value !== 'string') return value === null ? 0 : typeof value === 'number' ? 1 << 10 : 1 << 11;
  let bits = 0;
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if (code >= 48 && code <= 57) bits |= 2;
    else if (code === 32 || code === 39) continue;
    else if (code === 46) bits |= 4;
    else if (code === 45) bits |= 8;
    else if (code === 47) bits |= 16;
    else if (code === 58) bits |= 32;
    else if (code === 64) bits |= 64;
    else if (code === 44) bits |= 128;
    else bits |= 1;
  }
  return bits;
}
