// Burgerservicenummer: nine digits passing the elfproef (leaks 1-8; leak 3 was a bare column).
import type { CellValue } from '../types.js';
import type { Recognizer } from './types.js';
import { elfproefRemainder, nineDigits } from './lib/digits.js';

function isBsn(value: CellValue): boolean {
  if (typeof value !== 'string' && typeof value !== 'number') return false;
  const nine = nineDigits(value);
  return nine !== '' && nine !== '000000000' && elfproefRemainder(nine) === 0;
}

export const bsn: Recognizer = {
  id: 'bsn',
  category: 'direct-identifier',
  headers: {
    nl: ['bsn', 'burgerservicenummer', 'burger service nummer', 'sofinummer', 'sofi nummer', 'sofi nr', 'bsn nummer'],
    en: ['citizen service number', 'social security number', 'ssn', 'national id', 'national identification number'],
  },
  needsHeader: false,
  onlyPeople: true,
  // Under a header that names it, a single BSN is one too many.
  thresholds: { minMatchesWithHeader: 1 },
  matches: isBsn,
  examples: {
    values: {
      positive: ['111222333', '123456782', '1234.56.782', '123 456 782', '123-456-782', 123456782, 10015838, '010015838'],
      negative: ['123456789', '000000000', '12345678901', 'abc', '1234567', 123456789.5, -123456782, '2016-08-22', null, true],
    },
    headers: {
      positive: ['BSN', 'Burgerservicenummer', 'BSN-nummer', 'Sofinummer', 'Klant BSN', 'Social security number'],
      negative: ['Ordernummer', 'Postcode', 'Bestelling'],
    },
  },
};
