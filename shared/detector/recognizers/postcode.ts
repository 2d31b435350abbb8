// Dutch postcodes (1234 AB): with a birth date, gender or age they single out a person.
import type { CellValue } from '../types.js';
import type { Recognizer } from './types.js';

// SA, SD and SS are never issued.
const POSTCODE = /^[1-9]\d{3} ?(?!SA|SD|SS)[A-Z]{2}$/i;

export const postcode: Recognizer = {
  id: 'postcode',
  category: 'quasi-identifier',
  headers: { nl: ['postcode', 'pc'], en: ['postal code', 'zip', 'zip code', 'zipcode'] },
  needsHeader: false,
  matches: (value: CellValue) => typeof value === 'string' && value.length <= 12 && POSTCODE.test(value.trim()),
  examples: {
    values: {
      positive: ['1234 AB', '1234AB', '9999 zz', ' 3511 LX '],
      negative: ['0123 AB', '1234 SS', '1234', '12345 AB', 'AB 1234', 1234, null],
    },
    headers: { positive: ['Postcode', 'PC', 'Zip code'], negative: ['Postbus', 'Plaats'] },
  },
};
