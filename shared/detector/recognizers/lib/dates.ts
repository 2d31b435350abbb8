// Dates written as digits: their digits can pass the elfproef ('2025-01-13' -> 020250113), so the
// number recognizers ask here first. Readers hand date cells over as ISO strings; text files
// keep what was typed, and some systems write dates as eight bare digits ('DATE in TEXT').

const SEPARATED = /^\s*(\d{1,4})([-./ ])(\d{1,2})\2(\d{1,4})(?:[T ]\d{1,2}:\d{2}(?::\d{2})?)?\s*$/;

function plausible(year: number, month: number, day: number): boolean {
  return year >= 1900 && year <= 2100 && month >= 1 && month <= 12 && day >= 1 && day <= 31;
}

/** Whether eight digits read as yyyymmdd or ddmmyyyy. */
function eightDigitDate(digits: string): boolean {
  const n = (from: number, to: number) => Number(digits.slice(from, to));
  return plausible(n(0, 4), n(4, 6), n(6, 8)) || plausible(n(4, 8), n(2, 4), n(0, 2));
}

function leadingDigits(text: string): number {
  let count = 0;
  while (count < text.length && text.charCodeAt(count) >= 48 && text.charCodeAt(count) <= 57) count++;
  return count;
}

/**
 * Whether a cell is a date rather than a number: '2025-01-13', '13-01-2025', '13.1.2025',
 * '2014/02/16', 20140216 or '20140216'. A real BSN of eight digits (its leading zero lost)
 * that happens to read as a date is given up: about 1 in 1,000 of them.
 */
export function looksLikeDate(value: string | number): boolean {
  if (typeof value === 'number') return Number.isInteger(value) && value >= 10_000_000 && value <= 99_999_999 && eightDigitDate(String(value));
  if (value.length < 6 || value.length > 25) return false;
  const trimmed = value.trim();
  const digits = leadingDigits(trimmed);
  if (digits === trimmed.length) return digits === 8 && eightDigitDate(trimmed);
  // A date's first separator follows one to four digits: most BSNs and amounts stop here.
  if (digits === 0 || digits > 4) return false;
  const parts = SEPARATED.exec(trimmed);
  if (!parts) return false;
  const [first, , middle, last] = [parts[1]!, parts[2], Number(parts[3]), parts[4]!];
  if (first.length === 4) return last.length <= 2 && plausible(Number(first), middle, Number(last));
  return last.length === 4 && first.length <= 2 && plausible(Number(last), middle, Number(first));
}
