// Fixed-width text (.prn, Excel's "Formatted Text (Space delimited)", LibreOffice's fixed-width
// export): columns padded with spaces to one width, so no delimiter is found. A column boundary is
// a run of positions that is blank on every line, as LibreOffice's fixed-width import proposes.
// Prose has no such run once it has a few lines, so it does not become a table.
import { RowsTable, type Table } from '../table.js';
import type { CellValue } from '../types.js';
import { MAX_COLUMNS } from './grid.js';

/** Fewer lines than this could line up by chance. */
const MIN_LINES = 4;
/** The first lines tell quickly whether there is any boundary at all. */
const SAMPLE_LINES = 200;
const LINES_PER_CHECKPOINT = 5000;

/** [start, end) of each column, or undefined when the text is not fixed-width. */
export function fixedWidthColumns(lines: readonly string[]): [number, number][] | undefined {
  const filled = lines.filter((line) => line.trim() !== '');
  if (filled.length < MIN_LINES) return undefined;
  const sample = columnsOf(filled.slice(0, SAMPLE_LINES));
  if (!sample) return undefined;
  return filled.length <= SAMPLE_LINES ? sample : columnsOf(filled);
}

function columnsOf(lines: readonly string[]): [number, number][] | undefined {
  let width = 0;
  for (const line of lines) width = Math.max(width, line.length);
  const used = new Uint8Array(width);
  for (const line of lines) for (let i = 0; i < line.length; i++) if (line.charCodeAt(i) > 32) used[i] = 1;
  const columns: [number, number][] = [];
  let start = -1;
  for (let i = 0; i <= width; i++) {
    if (i < width && used[i]) {
      if (start === -1) start = i;
    } else if (start !== -1) {
      columns.push([start, i]);
      start = -1;
    }
  }
  return columns.length >= 2 && columns.length <= MAX_COLUMNS ? columns : undefined;
}

/** Each line cut at the columns; a column's cell extends from the end of the previous gap. */
export function readFixedWidth(lines: readonly string[], columns: [number, number][], checkpoint: () => void): Table {
  const rows: CellValue[][] = [];
  for (const line of lines) {
    if (line.trim() === '') continue;
    if (rows.length % LINES_PER_CHECKPOINT === 0) checkpoint();
    rows.push(columns.map(([start, end]) => line.slice(start, end).trim() || null));
  }
  return new RowsTable(rows);
}
