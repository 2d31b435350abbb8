// Spreadsheet dates are day numbers with a display format. Readers hand them to the analysis as
// ISO strings ('YYYY-MM-DD', with 'THH:MM:SS' when there is a time of day) so that a birth date
// looks the same whichever format it came from.
import * as XLSX from '@e965/xlsx';

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
  const whole = Math.floor(days);
  const seconds = Math.round((days - whole) * 86_400);
  const date = cachedIsoDay(seconds === 86_400 ? whole + 1 : whole);
  if (seconds === 0 || seconds === 86_400) return date;
  return `${date}T${pad(Math.floor(seconds / 3600))}:${pad(Math.floor(seconds / 60) % 60)}:${pad(seconds % 60)}`;
}

const pad = (n: number) => String(n).padStart(2, '0');

/**
 * Days already written: a date column repeats a few thousand days over 100,000 rows, and one
 * string per day also spares the analysis hashing each copy. Bounded: cleared when full.
 */
const isoDays = new Map<number, string>();
const MAX_CACHED_DAYS = 8192;

function cachedIsoDay(daysSinceEpoch: number): string {
  let iso = isoDays.get(daysSinceEpoch);
  if (iso === undefined) {
    if (isoDays.size >= MAX_CACHED_DAYS) isoDays.clear();
    iso = isoDay(daysSinceEpoch);
    isoDays.set(daysSinceEpoch, iso);
  }
  return iso;
}

/** 'YYYY-MM-DD' of a day count since 1970-01-01 (Hinnant's civil-from-days; no Date object per cell). */
function isoDay(daysSinceEpoch: number): string {
  const z = daysSinceEpoch + 719_468;
  const era = Math.floor(z / 146_097);
  const dayOfEra = z - era * 146_097;
  const yearOfEra = Math.floor((dayOfEra - Math.floor(dayOfEra / 1460) + Math.floor(dayOfEra / 36_524) - Math.floor(dayOfEra / 146_096)) / 365);
  const dayOfYear = dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
  const monthIndex = Math.floor((5 * dayOfYear + 2) / 153);
  const day = dayOfYear - Math.floor((153 * monthIndex + 2) / 5) + 1;
  const month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9;
  const year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0);
  return `${String(year).padStart(4, '0')}-${pad(month)}-${pad(day)}`;
}
