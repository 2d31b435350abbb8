// Gender (leaks 4, 5, 8): a quasi-identifier, decisive next to a postcode or birth date.
import type { CellValue } from '../types.js';
import type { Recognizer } from './types.js';

const GENDER = /^(?:m|v|f|x|o|man|vrouw|mannelijk|vrouwelijk|male|female|onbekend|anders|other)$/i;

export const gender: Recognizer = {
  id: 'gender',
  category: 'quasi-identifier',
  label: {
    nl: { one: 'geslachtsaanduiding', other: 'geslachtsaanduidingen' },
    en: { one: 'gender entry', other: 'gender entries' },
  },
  headers: { nl: ['geslacht', 'sekse', 'm v', 'gender'], en: ['sex'] },
  needsHeader: true,
  matches: (value: CellValue) => typeof value === 'string' && value.length <= 12 && GENDER.test(value.trim()),
  examples: {
    values: {
      positive: ['M', 'V', 'man', 'Vrouw', 'female', 'X'],
      negative: [
        { value: 'Mevrouw Jansen', reason: 'a salutation with a name' },
        { value: 'ja', reason: 'a flag' },
        { value: '1', reason: 'a code nobody can read as a gender' },
        { value: 1, reason: 'a number' },
        { value: null, reason: 'empty' },
      ],
    },
    headers: {
      positive: ['Geslacht', 'M/V', 'Gender', 'Sex'],
      negative: [
        { value: 'Geslachtsnaam', reason: 'a surname' },
        { value: 'Sector', reason: "'sex' is not a word in it" },
      ],
    },
  },
};
