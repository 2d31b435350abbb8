// SYLK (Excel's and Multiplan's "Symbolic Link", .slk): one record a line, fields split by ';'
// (';;' is a ';'). C records put a value (K) at a column (X) and row (Y); F records may move the
// position and give the next value a format (P, an index into the P;P format records), which is how
// a date is told from a number. Excel and LibreOffice open a text whose first record is 'ID;'.
import { RowsTable, type Table } from '../table.js';
import type { CellValue } from '../types.js';
import { isDateFormat, serialToIso } from './dates.js';
import { fillGaps, GridBudget, MAX_COLUMNS, MAX_ROWS } from './grid.js';
import { splitLines } from './lines.js';
import { stop } from './session.js';

const RECORDS_PER_CHECKPOINT = 5000;

export function isSylk(head: string): boolean {
  return head.startsWith('ID;');
}

export function readSylk(text: string, path: string, checkpoint: () => void): Table {
  const rows: CellValue[][] = [];
  const formats: string[] = [];
  let row = 0;
  let column = 0;
  let format: string | undefined;
  let date1904 = false;
  const records = splitLines(text);
  for (let r = 0; r < records.length; r++) {
    if (r % RECORDS_PER_CHECKPOINT === 0) checkpoint();
    const fields = splitRecord(records[r]!);
    switch (fields[0]) {
      case 'P':
        if (fields[1]?.startsWith('P')) formats.push(fields.slice(1).join(';').slice(1));
        break;
      case 'O':
        // V1..V4: the 1904 date system (Mac Excel).
        date1904 ||= fields.some((f) => /^V[1-4]$/.test(f));
        break;
      case 'F':
        format = undefined;
        for (const field of fields) {
          if (field[0] === 'X') column = position(field, MAX_COLUMNS, path);
          else if (field[0] === 'Y') row = position(field, MAX_ROWS, path);
          else if (field[0] === 'P') format = formats[Number(field.slice(1))];
        }
        break;
      case 'C': {
        let value: CellValue | undefined;
        for (let f = 1; f < fields.length; f++) {
          const field = fields[f]!;
          if (field[0] === 'X') column = position(field, MAX_COLUMNS, path);
          else if (field[0] === 'Y') row = position(field, MAX_ROWS, path);
          else if (field[0] === 'K') value = cellValue(field.slice(1), format, date1904);
        }
        if (value !== undefined) (rows[row] ??= [])[column] = value;
        format = undefined;
        break;
      }
      default:
        break;
    }
  }
  return new RowsTable(denseRows(rows, path));
}

/** Fields of a record; ';;' inside a field is a ';'. Escapes (ESC sequences) are decoded first. */
function splitRecord(record: string): string[] {
  const decoded = record.includes('\x1b') ? decodeEscapes(record) : record;
  if (!decoded.includes(';;')) return decoded.split(';');
  return decoded.replace(/;;/g, '\0').split(';').map((f) => f.replace(/\0/g, ';'));
}

/** A 1-based X or Y as a 0-based index, within the grid a spreadsheet opens. */
function position(field: string, max: number, path: string): number {
  const n = Number(field.slice(1));
  if (!Number.isInteger(n) || n < 1 || n > max) stop('corrupt', path, `SYLK position ${field.slice(0, 12)} outside the grid`);
  return n - 1;
}

function cellValue(k: string, format: string | undefined, date1904: boolean): CellValue {
  if (k.startsWith('"')) return k.slice(1, k.endsWith('"') && k.length > 1 ? -1 : undefined);
  if (k === 'TRUE' || k === 'FALSE') return k === 'TRUE';
  if (k.startsWith('#')) return null;
  const n = Number(k);
  if (k.trim() === '' || !Number.isFinite(n)) return k;
  return isDateFormat(format) ? serialToIso(n, date1904) : n;
}

const NO_CELLS: CellValue[] = [];

/** Rows with their gaps made empty cells, once the grid budget has let a sparse sheet through. */
function denseRows(rows: CellValue[][], path: string): CellValue[][] {
  const budget = new GridBudget(path);
  const dense: CellValue[][] = [];
  for (let r = 0; r < rows.length; r++) {
    const row = rows[r] ?? NO_CELLS;
    let cells = 0;
    for (const value of row) if (value !== undefined) cells++;
    budget.add(Math.max(row.length, 1), cells);
    fillGaps(row);
    dense.push(row);
  }
  return dense;
}

/**
 * ESC sequences: 'ESC N' + an accent and a letter (ESC N A e is è), or 'ESC' + two characters that
 * give a Windows-1252 code ((first - 0x20) << 4 | (second - 0x30)), as Excel writes them.
 */
const ACCENTS: Record<string, string> = { A: '\u0300', B: '\u0301', C: '\u0302', D: '\u0303', H: '\u0308', J: '\u030a', K: '\u0327' };
const LIGATURES: Record<string, string> = { q: 'æ', z: 'œ', a: 'Æ', j: 'Œ' };
const cp1252 = new TextDecoder('windows-1252');

function decodeEscapes(record: string): string {
  return record
    .replace(/\x1bN([ABCDHJK])([A-Za-z])/g, (_, accent: string, letter: string) => (letter + ACCENTS[accent]).normalize('NFC'))
    .replace(/\x1bN([qzaj])/g, (_, ligature: string) => LIGATURES[ligature]!)
    .replace(/\x1b([\x20-\x2f])([\x30-\x3f])/g, (_, high: string, low: string) =>
      cp1252.decode(new Uint8Array([((high.charCodeAt(0) - 0x20) << 4) | (low.charCodeAt(0) - 0x30)])),
    );
}
