// Age in years (leaks 4, 5, 8): a quasi-identifier, decisive next to a postcode.
import type { CellValue } from '../types.js';
import type { Recognizer } from './types.js';

function isAge(value: CellValue): boolean {
  const years = typeof value === 'string' ? Number(value.trim()) : value;
  return typeof years === 'number' && Number.isInteger(years) && years >= 14 && years <= 110;
}

export const age: Recognizer = {
  id: 'age',
  category: 'quasi-identifier',
  label: { nl: { one: 'leeftijd', other: 'leeftijden' }, en: { one: 'age', other: 'ages' } },
  headers: { nl: ['leeftijd', 'lft', 'leeftijd jaren'], en: ['age', 'age years'] },
  needsHeader: true,
  matches: isAge,
  examples: {
    values: {
      positive: [34, '58', 17, ' 66 '],
      negative: [
        { value: 3, reason: 'too young to be a job seeker' },
        { value: 250, reason: 'no person is that old' },
        { value: 34.5, reason: 'not whole years: an average' },
        { value: '25-35', reason: 'an age group' },
        { value: 'dertig', reason: 'written out' },
        { value: null, reason: 'empty' },
      ],
    },
    headers: {
      positive: ['Leeftijd', 'Age', 'Lft.'],
      negative: [
        { value: 'Leeftijdsgroep', reason: 'an age group is no age' },
        { value: 'Page', reason: "'age' inside another word" },
      ],
    },
  },
};
