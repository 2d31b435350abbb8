// Onderwijsnummer: given to pupils without a BSN. The elfproef's weighted sum leaves remainder 5
// instead of 0, and the number starts with '10'.
import type { CellValue } from '../types.js';
import type { Recognizer } from './types.js';
import { elfproefRemainder, nineDigits } from './lib/digits.js';
import { looksLikeDate } from './lib/dates.js';

function isOnderwijsnummer(value: CellValue): boolean {
  if (typeof value !== 'string' && typeof value !== 'number') return false;
  const nine = nineDigits(value);
  return nine.startsWith('10') && elfproefRemainder(nine) === 5 && !looksLikeDate(value);
}

export const onderwijsnummer: Recognizer = {
  id: 'onderwijsnummer',
  category: 'direct-identifier',
  label: {
    nl: { one: 'geldig onderwijsnummer', other: 'geldige onderwijsnummers' },
    en: { one: 'valid education number', other: 'valid education numbers' },
  },
  headers: {
    nl: ['onderwijsnummer', 'onderwijs nummer', 'pgn', 'persoonsgebonden nummer'],
    en: ['education number', 'student number'],
  },
  needsHeader: false,
  valueProvesItself: true,
  onlyPeople: true,
  // Under a header that names it, a single number is one too many.
  thresholds: { minMatchesWithHeader: 1 },
  matches: isOnderwijsnummer,
  examples: {
    values: {
      positive: ['101222331', '100087109', 100221732, '1002.21.732'],
      negative: [
        { value: '100252333', reason: 'remainder is not 5' },
        { value: '111222333', reason: 'a BSN (remainder 0), not an education number' },
        { value: '201222331', reason: "does not start with '10'" },
        { value: 'onderwijs', reason: 'no digits' },
        { value: null, reason: 'empty' },
      ],
    },
    headers: {
      positive: ['Onderwijsnummer', 'PGN', 'Education number'],
      negative: [
        { value: 'Opleidingsniveau', reason: 'a level of education, not a number' },
        { value: 'Onderwijsinstelling', reason: 'a school' },
      ],
    },
  },
};
