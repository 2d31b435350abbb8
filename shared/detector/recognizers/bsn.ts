// Burgerservicenummer: nine digits passing the elfproef (leaks 1-8; leak 3 was a bare column).
// One number in eleven passes by chance, and so do the digits of some dates ('2025-01-13' as
// 020250113): a date is never a BSN, and a column of one number repeated is no list of people.
import type { CellValue } from '../types.js';
import type { Recognizer } from './types.js';
import { elfproefRemainder, nineDigits } from './lib/digits.js';
import { looksLikeDate } from './lib/dates.js';
import { hasDistinct } from './lib/repetition.js';

function isBsn(value: CellValue): boolean {
  if (typeof value !== 'string' && typeof value !== 'number') return false;
  const nine = nineDigits(value);
  return nine !== '' && nine !== '000000000' && elfproefRemainder(nine) === 0 && !looksLikeDate(value);
}

/** Different BSNs a column without a BSN header needs: as many as matches it needs at least. */
const DISTINCT_WITHOUT_HEADER = 3;

export const bsn: Recognizer = {
  id: 'bsn',
  category: 'direct-identifier',
  label: {
    nl: { one: 'geldig burgerservicenummer', other: 'geldige burgerservicenummers' },
    en: { one: 'valid citizen service number (BSN)', other: 'valid citizen service numbers (BSN)' },
  },
  headers: {
    nl: ['bsn', 'burgerservicenummer', 'burger service nummer', 'sofinummer', 'sofi nummer', 'sofi nr', 'bsn nummer'],
    en: ['citizen service number', 'social security number', 'ssn', 'national id', 'national identification number'],
  },
  needsHeader: false,
  valueProvesItself: true,
  onlyPeople: true,
  // Under a header that names it, a single BSN is one too many.
  thresholds: { minMatchesWithHeader: 1 },
  matches: isBsn,
  headerSkipsColumnCheck: true,
  columnCheck: (column, byHeader) => byHeader || hasDistinct(column, DISTINCT_WITHOUT_HEADER, isBsn),
  examples: {
    values: {
      positive: ['111222333', '123456782', '1234.56.782', '123 456 782', '123-456-782', 123456782, 10015838, '010015838'],
      negative: [
        { value: '123456789', reason: 'fails the elfproef' },
        { value: '000000000', reason: 'passes the elfproef, but is never issued' },
        { value: '12345678901', reason: 'eleven digits' },
        { value: 'abc', reason: 'no digits' },
        { value: '1234567', reason: 'seven digits' },
        { value: 123456789.5, reason: 'not a whole number' },
        { value: -123456782, reason: 'negative' },
        { value: '2016-08-22', reason: 'a date' },
        { value: '2025-01-13', reason: 'a date whose digits, zero-padded to 020250113, pass the elfproef' },
        { value: '13-01-2025', reason: 'the same date written day first' },
        { value: '20140216', reason: "a date as eight digits ('DATE in TEXT'), 020140216 passes the elfproef" },
        { value: 20140216, reason: 'the same date stored as a number' },
        { value: null, reason: 'empty' },
        { value: true, reason: 'a flag' },
      ],
    },
    headers: {
      positive: ['BSN', 'Burgerservicenummer', 'BSN-nummer', 'Sofinummer', 'Klant BSN', 'Social security number'],
      negative: [
        { value: 'Ordernummer', reason: 'an order, not a person' },
        { value: 'Postcode', reason: 'another entity' },
        { value: 'Bestelling', reason: 'an order' },
      ],
    },
    columns: {
      positive: [
        { values: ['123456782', '111222333', '010015838'], byHeader: false },
        { values: ['123456782', '123456782'], byHeader: true },
      ],
      negative: [
        { values: ['123456782', '123456782', '123456782', '123456782'], byHeader: false, reason: 'one number repeated (a constant reference) is no list of people' },
      ],
    },
  },
};
