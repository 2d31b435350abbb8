// Shared by the number recognizers: turning a cell into the digits a person would have typed.
// These run on every cell of most columns, so they scan characters instead of using regexes.

const SPACE = 32;
const DOT = 46;
const HYPHEN = 45;
const ZERO = 48;
const NINE = 57;

/**
 * The digits of a cell that holds a whole number written plain or grouped with spaces, dots or
 * hyphens; '' for anything else or for more than `maxDigits` digits. Numbers stay numbers in
 * cells, so they are formatted back.
 */
export function digitsOf(value: string | number, maxDigits: number): string {
  if (typeof value === 'number') {
    const digits = Number.isSafeInteger(value) && value >= 0 ? String(value) : '';
    return digits.length <= maxDigits ? digits : '';
  }
  if (value.length > maxDigits * 2 + 2) return '';
  let count = 0;
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if (code >= ZERO && code <= NINE) {
      if (count === maxDigits) return '';
      count++;
    } else if (code !== SPACE && code !== DOT && code !== HYPHEN) {
      return '';
    }
  }
  // Most cells are the bare digits: no new string for them.
  if (count === value.length) return value;
  let digits = '';
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if (code >= ZERO && code <= NINE) digits += value[i];
  }
  return digits;
}

/**
 * Nine digits for the elfproef: Excel drops the leading zero of a BSN stored as a number, so
 * eight digits get it back.
 */
export function nineDigits(value: string | number): string {
  const digits = digitsOf(value, 9);
  if (digits.length === 8) return '0' + digits;
  return digits.length === 9 ? digits : '';
}

/** The elfproef's weighted sum modulo 11: weights 9..2 for the first eight digits, -1 for the last. */
export function elfproefRemainder(nine: string): number {
  let sum = 0;
  for (let i = 0; i < 8; i++) sum += (9 - i) * (nine.charCodeAt(i) - ZERO);
  sum -= nine.charCodeAt(8) - ZERO;
  return ((sum % 11) + 11) % 11;
}
