// Dutch postcodes (1234 AB): with a birth date, gender or age they single out a person.
import type { CellValue } from '../types.js';
import type { Recognizer } from './types.js';

// SA, SD and SS are never issued.
const POSTCODE = /^[1-9]\d{3} ?(?!SA|SD|SS)[A-Z]{2}$/i;

export const postcode: Recognizer = {
  id: 'postcode',
  category: 'quasi-identifier',
  label: { nl: { one: 'postcode', other: 'postcodes' }, en: { one: 'postcode', other: 'postcodes' } },
  headers: { nl: ['postcode', 'pc'], en: ['postal code', 'zip', 'zip code', 'zipcode'] },
  needsHeader: false,
  valueProvesItself: true,
  matches: (value: CellValue) => typeof value === 'string' && value.length <= 12 && POSTCODE.test(value.trim()),
  examples: {
    values: {
      positive: ['1234 AB', '1234AB', '9999 zz', ' 3511 LX '],
      negative: [
        { value: '0123 AB', reason: 'postcodes start at 1000' },
        { value: '1234 SS', reason: 'SA, SD and SS are never issued' },
        { value: '1234', reason: 'digits only: a postcode area, not an address' },
        { value: '12345 AB', reason: 'five digits' },
        { value: 'AB 1234', reason: 'letters first' },
        { value: 1234, reason: 'a number' },
        { value: null, reason: 'empty' },
      ],
    },
    headers: {
      positive: ['Postcode', 'PC', 'Zip code'],
      negative: [
        { value: 'Postbus', reason: 'a PO box number' },
        { value: 'Plaats', reason: 'another entity' },
      ],
    },
  },
};
