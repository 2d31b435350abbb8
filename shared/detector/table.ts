// A sheet's cells as the column analysis reads them. A table may build a cell's value only when
// asked: delimited text keeps its fields as positions in the decoded text, so a column whose
// header alone decides it never turns its values into strings, and a column of repeated values
// finds them in its tally without building them.
import type { CellValue } from './types.js';

export interface Table {
  /** Rows, empty ones included where the format keeps them (see read/index.ts). */
  readonly rowCount: number;
  /** Cells in row r; trailing empty cells may be left out. */
  rowLength(r: number): number;
  /** The cell at row r, column c: null when empty or past the row's end. */
  cell(r: number, c: number): CellValue;
  /** Whether the cell holds nothing, or only white space. Needs c < rowLength(r). */
  isBlank(r: number, c: number): boolean;
  /** A new, empty tally of at most `limit` distinct values. */
  tally(limit: number): Tally;
}

/**
 * How often each distinct value occurs, counted by the cells' positions: a column of places or
 * sectors is then tested once per distinct value, not once per row, however many tests it meets.
 */
export interface Tally {
  /**
   * Counts the cell at row r, column c (c < rowLength(r), not blank). False, counting nothing,
   * when its value would be one distinct value more than the limit.
   */
  add(r: number, c: number): boolean;
  /** The distinct values, in the order first met. */
  readonly values: readonly CellValue[];
  /** How often each of them was counted. */
  count(index: number): number;
}

/** The cells of rows [from, to), as arrays. */
export function rowsOf(table: Table, from = 0, to = table.rowCount): CellValue[][] {
  const rows: CellValue[][] = [];
  for (let r = from; r < Math.min(to, table.rowCount); r++) {
    const row: CellValue[] = [];
    for (let c = 0; c < table.rowLength(r); c++) row.push(table.cell(r, c));
    rows.push(row);
  }
  return rows;
}

/** Whether a value is nothing or only white space. */
export function isEmpty(value: CellValue | undefined): boolean {
  if (typeof value !== 'string') return value === null || value === undefined;
  // Most strings start with a visible character: no need to trim (and copy) them.
  return value === '' || (value.charCodeAt(0) <= 32 && value.trim() === '');
}

/** A table of cells already built, as the workbook readers produce them. */
export class RowsTable implements Table {
  constructor(readonly rows: readonly (readonly CellValue[])[]) {}

  get rowCount(): number {
    return this.rows.length;
  }

  rowLength(r: number): number {
    return this.rows[r]?.length ?? 0;
  }

  cell(r: number, c: number): CellValue {
    return this.rows[r]?.[c] ?? null;
  }

  isBlank(r: number, c: number): boolean {
    return isEmpty(this.rows[r]?.[c]);
  }

  tally(limit: number): Tally {
    return new ValueTally(this.rows, limit);
  }
}

class ValueTally implements Tally {
  readonly values: CellValue[] = [];
  private readonly counts: number[] = [];
  private readonly indexOf = new Map<CellValue, number>();

  constructor(
    private readonly rows: readonly (readonly CellValue[])[],
    private readonly limit: number,
  ) {}

  add(r: number, c: number): boolean {
    const value = this.rows[r]![c]!;
    const index = this.indexOf.get(value);
    if (index !== undefined) {
      this.counts[index]!++;
      return true;
    }
    if (this.values.length >= this.limit) return false;
    this.indexOf.set(value, this.values.length);
    this.values.push(value);
    this.counts.push(1);
    return true;
  }

  count(index: number): number {
    return this.counts[index]!;
  }
}
