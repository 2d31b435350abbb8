// Shared by the number recognizers: turning a cell into the digits a person would have typed.

const SEPARATORS = /[\s.\-]/g;

/**
 * The digits of a cell that holds a whole number written plain or grouped with spaces, dots or
 * hyphens; '' for anything else. Numbers stay numbers in cells, so they are formatted back.
 */
export function digitsOf(value: string | number): string {
  if (typeof value === 'number') {
    return Number.isSafeInteger(value) && value >= 0 ? String(value) : '';
  }
  if (value.length > 20) return '';
  const digits = value.replace(SEPARATORS, '');
  return /^\d+$/.test(digits) ? digits : '';
}

/**
 * Nine digits for the elfproef: Excel drops the leading zero of a BSN stored as a number, so
 * eight digits get it back.
 */
export function nineDigits(value: string | number): string {
  const digits = digitsOf(value);
  if (digits.length === 8) return '0' + digits;
  return digits.length === 9 ? digits : '';
}

/** The elfproef's weighted sum modulo 11: weights 9..2 for the first eight digits, -1 for the last. */
export function elfproefRemainder(nine: string): number {
  let sum = 0;
  for (let i = 0; i < 8; i++) sum += (9 - i) * (nine.charCodeAt(i) - 48);
  sum -= nine.charCodeAt(8) - 48;
  return ((sum % 11) + 11) % 11;
}
