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
  headers: { nl: ['leeftijd', 'lft', 'leeftijd jaren'], en: ['age', 'age years'] },
  needsHeader: true,
  matches: isAge,
  examples: {
    values: { positive: [34, '58', 17, ' 66 '], negative: [3, 250, 34.5, '25-35', 'dertig', null] },
    headers: { positive: ['Leeftijd', 'Age', 'Lft.'], negative: ['Leeftijdsgroep', 'Page'] },
  },
};
