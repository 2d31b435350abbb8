// Spreadsheet dates are day numbers with a display format. Readers hand them to the analysis as
// ISO strings ('YYYY-MM-DD', with 'THH:MM:SS' when there is a time of day) so that a birth date
// looks the same whichever format it came from.
//
// Which number formats show a date is decided as SheetJS's SSF decides it (fmt_is_date and the
// built-in table of SheetJS 0.20.3, ported below): the fast readers then agree with SheetJS, and a
// file that needs no SheetJS never loads it (about 50 ms of a cold start).
// test/detector/dates.test.ts holds the port to SheetJS's own answers.

/** Day 25569 of the 1900 system is 1970-01-01. */
const UNIX_EPOCH_SERIAL = 25_569;
const DATE1904_OFFSET = 1_462;
/** 9999-12-31, the last date Excel can show. */
const MAX_SERIAL = 2_958_465;

export function isDateFormat(format: string | undefined): boolean {
  return format !== undefined && formatShowsDate(format);
}

/**
 * The built-in number formats that SheetJS knows, by id: its table as it is before any workbook
 * was read. (SheetJS's own table also takes in every format of each workbook it reads; this one
 * does not, so a format id a workbook uses without defining it means the same in every scan.)
 */
const BUILTIN_FORMATS: Readonly<Record<number, string>> = {
  0: 'General', 1: '0', 2: '0.00', 3: '#,##0', 4: '#,##0.00', 9: '0%', 10: '0.00%', 11: '0.00E+00',
  12: '# ?/?', 13: '# ??/??', 14: 'm/d/yy', 15: 'd-mmm-yy', 16: 'd-mmm', 17: 'mmm-yy', 18: 'h:mm AM/PM',
  19: 'h:mm:ss AM/PM', 20: 'h:mm', 21: 'h:mm:ss', 22: 'm/d/yy h:mm', 37: '#,##0 ;(#,##0)',
  38: '#,##0 ;[Red](#,##0)', 39: '#,##0.00;(#,##0.00)', 40: '#,##0.00;[Red](#,##0.00)', 45: 'mm:ss',
  46: '[h]:mm:ss', 47: 'mmss.0', 48: '##0.0E+0', 49: '@', 56: '"上午/下午 "hh"時"mm"分"ss"秒 "',
};

export function builtinFormat(id: number): string | undefined {
  return Object.hasOwn(BUILTIN_FORMATS, id) ? BUILTIN_FORMATS[id] : undefined;
}

/** [h], [mm], [ss]: elapsed time, which SheetJS counts as a date format. */
const ELAPSED_TIME = /\[[HhMmSs\u0E0A\u0E19\u0E17]*\]/;

/** 'General' at `at`, in any case. */
function isGeneral(format: string, at: number): boolean {
  return format.length >= at + 7 && format.slice(at, at + 7).toLowerCase() === 'general';
}

/**
 * SheetJS's fmt_is_date, step for step: the first date or time token outside quotes, escapes,
 * padding and number runs makes it a date format.
 */
function formatShowsDate(format: string): boolean {
  let i = 0;
  while (i < format.length) {
    const c = format.charAt(i);
    switch (c) {
      case 'G':
        if (isGeneral(format, i)) i += 6;
        i++;
        break;
      case '"':
        while (format.charCodeAt(++i) !== 34 && i < format.length);
        ++i;
        break;
      case '\\':
      case '_':
        i += 2;
        break;
      case '@':
        ++i;
        break;
      // B1/B2 (Buddhist era) and, since SheetJS falls through to the date tokens, any other B.
      case 'B': case 'b':
      case 'M': case 'D': case 'Y': case 'H': case 'S': case 'E':
      case 'm': case 'd': case 'y': case 'h': case 's': case 'e': case 'g':
        return true;
      case 'A':
      case 'a':
      case '上':
        if (format.substr(i, 3).toUpperCase() === 'A/P') return true;
        if (format.substr(i, 5).toUpperCase() === 'AM/PM') return true;
        if (format.substr(i, 5).toUpperCase() === '上午/下午') return true;
        ++i;
        break;
      case '[': {
        let bracket = c;
        while (format.charAt(i++) !== ']' && i < format.length) bracket += format.charAt(i);
        if (ELAPSED_TIME.test(bracket)) return true;
        break;
      }
      case '.':
      case '0':
      case '#': {
        let next = '';
        while (i < format.length && ('0#?.,E+-%'.includes((next = format.charAt(++i))) || (next === '\\' && format.charAt(i + 1) === '-' && '0#'.includes(format.charAt(i + 2)))));
        break;
      }
      case '?':
        while (format.charAt(++i) === c);
        break;
      case '*':
        ++i;
        if (format.charAt(i) === ' ' || format.charAt(i) === '*') ++i;
        break;
      case '(':
      case ')':
      case ' ':
        ++i;
        break;
      case '1': case '2': case '3': case '4': case '5': case '6': case '7': case '8': case '9':
        while (i < format.length && '0123456789'.includes(format.charAt(++i)));
        break;
      default:
        ++i;
        break;
    }
  }
  return false;
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
