// Onderwijsnummer: given to pupils without a BSN. The elfproef's weighted sum leaves remainder 5
// instead of 0, and the number starts with '10'.
import type { CellValue } from '../types.js';
import type { Recognizer } from './types.js';
import { elfproefRemainder, nineDigits } from './lib/digits.js';

function isOnderwijsnummer(value: CellValue): boolean {
  if (typeof value !== 'string' && typeof value !== 'number') return false;
  const nine = nineDigits(value);
  return nine.startsWith('10') && elfproefRemainder(nine) === 5;
}

export const onderwijsnummer: Recognizer = {
  id: 'onderwijsnummer',
  category: 'direct-identifier',
  headers: {
    nl: ['onderwijsnummer', 'onderwijs nummer', 'pgn', 'persoonsgebonden nummer'],
    en: ['education number', 'student number'],
  },
  needsHeader: false,
  onlyPeople: true,
  // Under a header that names it, a single number is one too many.
  thresholds: { minMatchesWithHeader: 1 },
  matches: isOnderwijsnummer,
  examples: {
    values: {
      positive: ['101222331', '100087109', 100221732, '1002.21.732'],
      negative: ['100252333', '111222333', '201222331', 'onderwijs', null],
    },
    headers: {
      positive: ['Onderwijsnummer', 'PGN', 'Education number'],
      negative: ['Opleidingsniveau', 'Onderwijsinstelling'],
    },
  },
};
