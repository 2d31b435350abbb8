// Benefit data (leaks 2, 4, 5, 8: first WW day, WW end date, days entitled). It is about a job
// seeker by definition, so the header alone decides and any value under it counts; a vacancy list
// has no such columns.
import type { CellValue } from '../types.js';
import type { Recognizer } from './types.js';

export const benefit: Recognizer = {
  id: 'benefit',
  category: 'personal',
  label: {
    nl: { one: 'gegeven over een uitkering', other: 'gegevens over uitkeringen' },
    en: { one: 'benefit record', other: 'benefit records' },
  },
  headers: {
    nl: [
      'ww', 'eerste ww dag', 'ww einddatum', 'einddatum ww', 'ww dagen', 'ww recht', 'ww rechten', 'uitkering',
      'uitkeringsrecht', 'uitkeringsduur', 'max laatste ww dag', 'cv status', 'bijstand', 'ontheffing',
    ],
    en: ['benefit', 'benefits', 'unemployment benefit', 'welfare'],
  },
  needsHeader: true,
  headerSuffices: true,
  matches: (value: CellValue) => value !== null && value !== '',
  examples: {
    values: {
      positive: ['2016-08-22', 120, 'ja', true],
      negative: [
        { value: null, reason: 'empty' },
        { value: '', reason: 'empty' },
      ],
    },
    headers: {
      positive: ['Eerste WW-dag', 'WW einddatum', 'Uitkering', 'Aantal WW-dagen recht', 'CV-status'],
      negative: [
        { value: 'Salaris', reason: 'pay from an employer' },
        { value: 'Startdatum', reason: 'a date of anything' },
        { value: 'Werkweek', reason: "'ww' is not a word in it" },
      ],
    },
  },
};
