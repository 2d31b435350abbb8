// The data sheet of a Microsoft Graph chart, the object Office embeds for a chart drawn from its
// own little table: a 'Workbook' stream whose BOF says BIFF version 0x0680, with its cells in
// BIFF2-style records. SheetJS does not read it; a person who opens the chart sees the table, so
// its cells are read here (and anything else that could hold a cell is refused).
import type { CellValue, Sheet } from '../types.js';
import { fillGaps, GridBudget, MAX_COLUMNS, MAX_ROWS } from './grid.js';
import { stop } from './session.js';
import { RowsTable } from '../table.js';

const BOF = 0x0809;
const GRAPH_VERSION = 0x0680;
const INTEGER = 0x0002;
const NUMBER = 0x0003;
const LABEL = 0x0004;
/** BIFF5/8 cell records: a chart data sheet written with them is not what this reader knows. */
const OTHER_CELL_RECORDS = new Set([0x0203, 0x0204, 0x027e, 0x00fd, 0x00bd, 0x0006, 0x0406, 0x00d6]);

export function isGraphDataSheet(stream: Uint8Array): boolean {
  return stream.length >= 8 && stream[0] === (BOF & 0xff) && stream[1] === BOF >> 8 && (stream[4]! | (stream[5]! << 8)) === GRAPH_VERSION;
}

export function readGraphDataSheet(stream: Uint8Array, path: string): Sheet[] {
  const view = new DataView(stream.buffer, stream.byteOffset, stream.byteLength);
  const rows: CellValue[][] = [];
  let cells = 0;
  for (let at = 0; at + 4 <= stream.length; ) {
    const type = view.getUint16(at, true);
    const size = view.getUint16(at + 2, true);
    const body = at + 4;
    if (body + size > stream.length) stop('truncated', path, 'a chart data record runs past the end of its stream');
    if (OTHER_CELL_RECORDS.has(type)) stop('corrupt', path, `chart data sheet with cell record 0x${type.toString(16)}`);
    if ((type === INTEGER || type === NUMBER || type === LABEL) && size >= 9) {
      const row = view.getUint16(body, true);
      const column = view.getUint16(body + 2, true);
      if (row >= MAX_ROWS || column >= MAX_COLUMNS) stop('corrupt', path, 'a chart data cell outside the sheet');
      (rows[row] ??= [])[column] = type === LABEL ? label(stream, body + 7, body + size) : type === NUMBER && size >= 15 ? view.getFloat64(body + 7, true) : view.getUint16(body + 7, true);
      cells++;
    }
    at = body + size;
  }
  let positions = 0;
  for (const row of rows) positions += row?.length ?? 0;
  new GridBudget(path).add(positions, cells);
  for (let r = 0; r < rows.length; r++) fillGaps((rows[r] ??= []));
  return [{ name: 'chart data', visibility: 'visible', table: new RowsTable(rows) }];
}

/** A short string: its length in characters (1 byte), a flags byte whose bit 0 means UTF-16LE, the characters. */
function label(stream: Uint8Array, at: number, end: number): string | null {
  const length = stream[at]!;
  const wide = (stream[at + 1]! & 1) === 1;
  const text = stream.subarray(at + 2, Math.min(end, at + 2 + length * (wide ? 2 : 1)));
  const value = new TextDecoder(wide ? 'utf-16le' : 'windows-1252').decode(text);
  return value === '' ? null : value;
}
