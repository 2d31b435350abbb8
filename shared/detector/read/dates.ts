// Spreadsheet dates are day numbers with a display format. Readers hand them to the analysis as
// ISO strings ('YYYY-MM-DD', with 'THH:MM:SS' when there is a time of day) so that a birth date
// looks the same whichever format it came from.
import * as XLSX from '@e965/xlsx';

const MS_PER_DAY = 86_400_000;
/** Day 25569 of the 1900 system is 1970-01-01. */
const UNIX_EPOCH_SERIAL = 25_569;
const DATE1904_OFFSET = 1_462;
/** 9999-12-31, the last date Excel can show. */
const MAX_SERIAL = 2_958_465;

export function isDateFormat(format: string | undefined): boolean {
  return format !== undefined && XLSX.SSF.is_date(format);
}

/** The built-in number formats (ids 0-49) that SheetJS knows, by id. */
export function builtinFormat(id: number): string | undefined {
  const table = XLSX.SSF.get_table() as Record<number, string | undefined>;
  return table[id];
}

export function serialToIso(serial: number, date1904: boolean): string | number {
  if (!Number.isFinite(serial) || serial < 0 || serial > MAX_SERIAL) return serial;
  // Excel counts the non-existent 1900-02-29 (serial 60): serials before it are a day early.
  const days = (date1904 ? serial + DATE1904_OFFSET : serial < 60 ? serial + 1 : serial) - UNIX_EPOCH_SERIAL;
  const ms = Math.round(days * MS_PER_DAY / 1000) * 1000;
  const iso = new Date(ms).toISOString();
  return ms % MS_PER_DAY === 0 ? iso.slice(0, 10) : iso.slice(0, 19);
}
