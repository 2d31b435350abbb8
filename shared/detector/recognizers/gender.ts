// Gender (leaks 4, 5, 8): a quasi-identifier, decisive next to a postcode or birth date.
import type { CellValue } from '../types.js';
import type { Recognizer } from './types.js';

const GENDER = /^(?:m|v|f|x|o|man|vrouw|mannelijk|vrouwelijk|male|female|onbekend|anders|other)$/i;

export const gender: Recognizer = {
  id: 'gender',
  category: 'quasi-identifier',
  headers: { nl: ['geslacht', 'sekse', 'm v', 'gender'], en: ['sex'] },
  needsHeader: true,
  matches: (value: CellValue) => typeof value === 'string' && value.length <= 12 && GENDER.test(value.trim()),
  examples: {
    values: { positive: ['M', 'V', 'man', 'Vrouw', 'female', 'X'], negative: ['Mevrouw Jansen', 'ja', '1', 1, null] },
    headers: { positive: ['Geslacht', 'M/V', 'Gender', 'Sex'], negative: ['Geslachtsnaam', 'Sector'] },
  },
};
