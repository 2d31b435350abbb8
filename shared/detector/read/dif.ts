// DIF (Data Interchange Format, .dif): a header of topics (TABLE, VECTORS, TUPLES, ... DATA), then
// the cells as pairs of lines: 'type,number' and a string. Type -1 is a directive (BOT begins a
// row, EOD ends the data), 0 a number (its string V, or TRUE, FALSE, NA, ERROR), 1 a string.
import { RowsTable, type Table } from '../table.js';
import type { CellValue } from '../types.js';
import { shownValue } from './delimited.js';
import { MAX_COLUMNS, MAX_ROWS } from './grid.js';
import { splitLines } from './lines.js';
import { stop } from './session.js';

const ROWS_PER_CHECKPOINT = 2000;

export function isDif(head: string): boolean {
  return /^TABLE\r?\n0,1\r?\n/.test(head);
}

export function readDif(text: string, path: string, checkpoint: () => void): Table {
  const lines = splitLines(text);
  let i = lines.findIndex((line) => line.trim() === 'DATA');
  if (i === -1) stop('corrupt', path, 'a DIF header without its DATA topic');
  // DATA's own 'type,number' and string lines.
  i += 3;
  const rows: CellValue[][] = [];
  let row: CellValue[] | undefined;
  for (; i + 1 < lines.length; i += 2) {
    const line = lines[i]!;
    const comma = line.indexOf(',');
    const type = comma === -1 ? line : line.slice(0, comma);
    const number = comma === -1 ? '' : line.slice(comma + 1);
    const value = lines[i + 1]!;
    if (type === '-1') {
      if (value.trim() === 'EOD') break;
      if (value.trim() !== 'BOT') continue;
      if (rows.length >= MAX_ROWS) stop('too-large', path, `more than ${MAX_ROWS} rows`);
      if (rows.length % ROWS_PER_CHECKPOINT === 0) checkpoint();
      rows.push((row = []));
      continue;
    }
    if (!row) stop('corrupt', path, 'a DIF value before its first row');
    if (row.length >= MAX_COLUMNS) stop('too-large', path, `a row of more than ${MAX_COLUMNS} cells`);
    row.push(type === '1' ? unquoted(value) : numberValue(number, value.trim()));
  }
  return new RowsTable(rows);
}

function numberValue(number: string, indicator: string): CellValue {
  if (indicator === 'TRUE' || indicator === 'FALSE') return indicator === 'TRUE';
  if (indicator !== 'V' || number.trim() === '') return null;
  // Some writers put a formatted value ('22-07-2015') where the number goes: kept as written.
  const n = Number(number);
  return Number.isFinite(n) ? n : number;
}

function unquoted(value: string): CellValue {
  const quoted = value.startsWith('"') && value.endsWith('"') && value.length > 1;
  const inner = quoted ? value.slice(1, -1) : value;
  const text = quoted && inner.includes('""') ? inner.replace(/""/g, '"') : inner;
  // SheetJS writes an ID as '="012345678"' so that Excel keeps its zero: read as Excel shows it.
  return text === '' ? null : shownValue(text);
}
