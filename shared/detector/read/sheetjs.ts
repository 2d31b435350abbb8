// SheetJS reads the formats we have no fast path for (xls, xlsb, Excel 2003 XML, HTML, flat ODS)
// and serves as the reference reader for xlsx and ods in the cross-check test. It works synchronously on the whole file: the deadline
// is checked before and after, and between sheets while converting. It is loaded on first use
// (lazy-modules.ts).
import type * as XLSX from '@e965/xlsx';
import type { CellValue, Sheet, SheetVisibility } from '../types.js';
import { isDateFormat, serialToIso } from './dates.js';
import { GridBudget, gridRows } from './grid.js';
import { stop, type ReadSession } from './session.js';
import { loadSheetJs, type SheetJs } from './lazy-modules.js';
import { join } from './zip.js';
import { RowsTable } from '../table.js';

/**
 * `valueRecords`: the cells with a value that the workbook's raw records hold (cell-records.ts),
 * when known; SheetJS must find at least half of them (an empty text counts: it is a record too).
 */
export async function readWithSheetJs(bytes: Uint8Array, path: string, session: ReadSession, valueRecords?: number): Promise<Sheet[]> {
  const XLSX = await loadSheetJs();
  session.checkpoint(path);
  let workbook: XLSX.WorkBook;
  try {
    // raw: text (HTML tables) stays text, as in delimited files: no guessing of numbers and dates.
    workbook = XLSX.read(bytes, { type: 'array', dense: true, raw: true, cellNF: true, cellFormula: false, cellHTML: false, cellText: false, WTF: false });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if (/password|encrypt/i.test(message)) stop('encrypted', path, message);
    stop('corrupt', path, `cannot read the workbook: ${message}`);
  }
  const date1904 = Boolean(workbook.Workbook?.WBProps?.date1904);
  let cellsRead = 0;
  const sheets = workbook.SheetNames.flatMap((name, index): Sheet[] => {
    const where = join(path, name);
    session.checkpoint(where);
    const sheet = workbook.Sheets[name];
    // Damage SheetJS reads past: a listed sheet it could not find, or a declared range with no cells.
    if (!sheet) stop('corrupt', where, 'a listed sheet cannot be found');
    const rows = rowsOf(sheet, date1904, where);
    cellsRead += cellObjects(sheet);
    if (rows.length === 0 && valueRecords === undefined && lostItsCells(XLSX, sheet)) stop('corrupt', where, 'the sheet declares cells but none could be read');
    const read: Sheet = { name, visibility: visibility(workbook.Workbook?.Sheets?.[index]?.Hidden), table: new RowsTable(rows) };
    const notes = commentRows(sheet);
    return notes.length === 0 ? [read] : [read, { name: `comments ${name}`, visibility: 'very-hidden', table: new RowsTable(notes) }];
  });
  if (valueRecords !== undefined && cellsRead * 2 < valueRecords) stop('corrupt', path, `the workbook's records hold ${valueRecords} cells, SheetJS read ${cellsRead}`);
  return sheets;
}

/**
 * A worksheet whose range spans rows while SheetJS found not one cell record in it: damage that
 * SheetJS reads past. What Excel and other writers really produce is no damage: a chart sheet
 * (it has no cells; its data lies on other sheets), a sheet of comments or formatted blanks
 * (SheetJS keeps stub cells for them), and a one-row range over formatted columns.
 */
function lostItsCells(XLSX: SheetJs, sheet: XLSX.WorkSheet): boolean {
  if (sheet['!type'] !== undefined && sheet['!type'] !== 'sheet') return false;
  const range = sheet['!ref'] ? XLSX.utils.decode_range(sheet['!ref']) : undefined;
  const stubs = ((sheet['!data'] ?? []) as unknown[]).some((row) => Array.isArray(row) && row.some(Boolean));
  return range !== undefined && range.e.r > range.s.r && !stubs;
}

/** Cells SheetJS found, stubs for comments and formatted blanks left out. */
function cellObjects(sheet: XLSX.WorkSheet): number {
  let count = 0;
  for (const row of (sheet['!data'] ?? []) as (XLSX.CellObject[] | undefined)[]) if (row) for (const cell of row) if (cell && cell.t !== 'z') count++;
  return count;
}

function visibility(hidden: number | undefined): SheetVisibility {
  return hidden === 2 ? 'very-hidden' : hidden === 1 ? 'hidden' : 'visible';
}

function rowsOf(sheet: XLSX.WorkSheet, date1904: boolean, where: string): CellValue[][] {
  const dense = (sheet['!data'] ?? []) as (XLSX.CellObject[] | undefined)[];
  const budget = new GridBudget(where);
  // Counted before the gaps are walked: SheetJS keeps a sparse row sparse, this loop would not.
  for (const cells of dense) if (cells) budget.add(cells.length, Object.keys(cells).length);
  return gridRows(dense, (cell) => cellValue(cell, date1904));
}

/**
 * Each cell's comments (xls notes, xlsb comments and threads) in the cell they belong to, as the
 * xlsx reader keeps them: a recipient reads them by hovering the cell.
 */
function commentRows(sheet: XLSX.WorkSheet): CellValue[][] {
  const dense = (sheet['!data'] ?? []) as (XLSX.CellObject[] | undefined)[];
  let found = false;
  const rows = dense.map((cells) => {
    const row: CellValue[] = [];
    cells?.forEach((cell, c) => {
      const text = (cell?.c ?? []).map((comment) => comment.t ?? '').filter((t) => t !== '').join('\n');
      if (text === '') return;
      found = true;
      while (row.length < c) row.push(null);
      row[c] = text;
    });
    return row;
  });
  return found ? rows : [];
}

function cellValue(cell: XLSX.CellObject | undefined, date1904: boolean): CellValue {
  if (!cell || cell.v === undefined || cell.v === null) return null;
  switch (cell.t) {
    case 'n':
      return isDateFormat(typeof cell.z === 'string' ? cell.z : undefined) ? serialToIso(cell.v as number, date1904) : (cell.v as number);
    case 's':
      return cell.v === '' ? null : String(cell.v);
    case 'b':
      return Boolean(cell.v);
    case 'd': {
      const iso = (cell.v instanceof Date ? cell.v.toISOString() : String(cell.v)).slice(0, 19);
      return iso.endsWith('T00:00:00') ? iso.slice(0, 10) : iso;
    }
    default:
      return null;
  }
}
