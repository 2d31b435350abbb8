// Birth dates (leaks 2 and 8). A date alone says nothing; the header makes it a birth date.
import type { CellValue } from '../types.js';
import type { Recognizer } from './types.js';

const ISO = /^(\d{4})-(\d{1,2})-(\d{1,2})/;
const DAY_FIRST = /^(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})$/;
// Excel day numbers: 1 is 1900-01-01, 2958465 is 9999-12-31; birth dates fall well inside.
const FIRST_SERIAL = 1;
const LAST_SERIAL = 2958465;

function plausible(year: number, month: number, day: number): boolean {
  return year >= 1880 && year <= 2100 && month >= 1 && month <= 12 && day >= 1 && day <= 31;
}

function isDate(value: CellValue): boolean {
  if (typeof value === 'number') return Number.isInteger(value) && value >= FIRST_SERIAL && value <= LAST_SERIAL;
  if (typeof value !== 'string' || value.length < 8 || value.length > 25) return false;
  const iso = ISO.exec(value);
  if (iso) return plausible(Number(iso[1]), Number(iso[2]), Number(iso[3]));
  const dayFirst = DAY_FIRST.exec(value.trim());
  return dayFirst !== null && plausible(Number(dayFirst[3]), Number(dayFirst[2]), Number(dayFirst[1]));
}

export const birthDate: Recognizer = {
  id: 'birth-date',
  category: 'quasi-identifier',
  label: { nl: { one: 'geboortedatum', other: 'geboortedata' }, en: { one: 'date of birth', other: 'dates of birth' } },
  headers: {
    nl: ['geboortedatum', 'geb datum', 'gebdatum', 'geboren', 'geboren op', 'geboortedag', 'geb dat'],
    en: ['date of birth', 'birth date', 'birthdate', 'dob', 'birthday', 'born'],
  },
  needsHeader: true,
  matches: isDate,
  examples: {
    values: {
      positive: ['1985-03-14', '14-03-1985', '14/3/1985', '1.1.1960', '1985-03-14T00:00:00Z', 31120],
      negative: [
        { value: '1985', reason: 'a year' },
        { value: '14 maart', reason: 'no year' },
        { value: '32-13-1985', reason: 'no such day' },
        { value: 'geboortedatum', reason: 'a word' },
        { value: 1.5, reason: 'not a day number' },
        { value: null, reason: 'empty' },
      ],
    },
    headers: {
      positive: ['Geboortedatum', 'Geb. datum', 'Date of birth', 'DOB', 'Geboren op'],
      negative: [
        { value: 'Datum eerste WW-dag', reason: 'a benefit date' },
        { value: 'Einddatum', reason: 'a date of anything' },
        { value: 'Startdatum', reason: 'a date of anything' },
      ],
    },
  },
};
