// The largest grid Excel and LibreOffice open, and how sparse a sheet may be within it. A workbook
// cell beyond the grid is damage; a delimited row wider than it is no table a person could open.
import type { CellValue } from '../types.js';
import { stop } from './session.js';

export const MAX_ROWS = 1_048_576;
export const MAX_COLUMNS = 16_384;

/** Grid positions any sheet may span beyond its cells: room for notes far to the right. */
const GAP_ALLOWANCE = 1_000_000;
/** Positions per cell beyond that allowance: wide sparse tables fit, a grid of gaps does not. */
const POSITIONS_PER_CELL = 16;

/**
 * The positions a sheet spans (each row up to its last cell) against the cells it holds. Every
 * position costs the analysis time and the row arrays memory, so a few bytes of XML that put one
 * cell in column XFD of every row would otherwise cost gigabytes: such a sheet is too large.
 */
export class GridBudget {
  private positions = 0;
  private cells = 0;

  constructor(private readonly where: string) {}

  add(positions: number, cells: number): void {
    this.positions += positions;
    this.cells += cells;
    if (this.positions > GAP_ALLOWANCE + POSITIONS_PER_CELL * this.cells) {
      stop('too-large', this.where, `${this.positions} grid positions for ${this.cells} cells: a sheet of mostly gaps`);
    }
  }
}

/** A row's holes made empty cells, once the budget has let its grid through. */
export function fillGaps(row: CellValue[]): void {
  for (let c = 0; c < row.length; c++) row[c] ??= null;
}

/**
 * The rows of a dense grid of cells (SheetJS's `!data`, the BIFF8 reader's), each cut after its
 * last value and the empty rows at the end dropped, as a person sees the sheet end.
 */
export function gridRows<C>(grid: readonly (readonly (C | undefined)[] | undefined)[], valueOf: (cell: C | undefined, row: number, column: number) => CellValue): CellValue[][] {
  const rows: CellValue[][] = [];
  for (let r = 0; r < grid.length; r++) {
    const cells = grid[r] ?? [];
    const row: CellValue[] = [];
    let last = -1;
    for (let c = 0; c < cells.length; c++) {
      const value = valueOf(cells[c], r, c);
      row.push(value);
      if (value !== null) last = c;
    }
    row.length = last + 1;
    rows.push(row);
  }
  while (rows.length > 0 && rows[rows.length - 1]?.length === 0) rows.pop();
  return rows;
}
