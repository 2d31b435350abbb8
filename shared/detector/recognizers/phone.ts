// Dutch phone numbers: 06-12345678, 020-1234567, +31 6 12345678, 0031 20 1234567 (leak 8). A
// mobile number belongs to a person. A landline may be a switchboard or a desk, so a column of
// them counts only on a sheet that also holds something only people have (a name, a BSN); one
// number down the whole column is a switchboard. A 9-digit number stored as a number is a mobile
// number that lost its 0 only under a header that says so: otherwise it is an order number.
import type { CellValue } from '../types.js';
import type { Recognizer } from './types.js';
import { dominantShare } from './lib/repetition.js';

const SEPARATORS = /[\s.\-()/]/g;
// +31 (0)6 ...: the '(0)' some people write after the country code is dropped first.
const TRUNK_ZERO = /^(\+31|0031)\s*\(0\)/;
const NATIONAL = /^(?:0|\+31|0031)[1-9]\d{8}$/;
const MOBILE = /^(?:0|\+31|0031)6/;

function digitsOf(text: string): string {
  return text.trim().replace(TRUNK_ZERO, '$1').replace(SEPARATORS, '');
}

function isPhone(value: CellValue): boolean {
  // Excel turns 0612345678 into the number 612345678: only mobile numbers are recognisable then.
  if (typeof value === 'number') return value >= 600_000_000 && value <= 699_999_999 && Number.isInteger(value);
  if (typeof value !== 'string' || value.length < 10 || value.length > 20) return false;
  return NATIONAL.test(digitsOf(value));
}

function isMobile(value: CellValue): boolean {
  return typeof value === 'number' || MOBILE.test(digitsOf(value as string));
}

/** Shares of a column's phone numbers above which it is a column of that kind. */
const MAJORITY = 0.5;
const REPEATS_FROM = 5;

export const phone: Recognizer = {
  id: 'phone',
  category: 'direct-identifier',
  label: { nl: { one: 'telefoonnummer', other: 'telefoonnummers' }, en: { one: 'phone number', other: 'phone numbers' } },
  headers: {
    nl: ['telefoon', 'telefoonnummer', 'tel', 'tel nr', 'mobiel', 'mobiel nummer', '06 nummer', 'gsm'],
    en: ['phone', 'phone number', 'telephone', 'mobile', 'mobile number'],
  },
  needsHeader: false,
  valueProvesItself: true,
  matches: isPhone,
  columnCheck(column, byHeader) {
    let numbers = 0;
    let stored = 0;
    let mobile = 0;
    column.values.forEach((value, index) => {
      if (!isPhone(value)) return;
      const times = column.times(index);
      numbers += times;
      if (typeof value === 'number') stored += times;
      if (isMobile(value)) mobile += times;
    });
    if (!byHeader && stored > MAJORITY * numbers) return false;
    if (column.total >= REPEATS_FROM && dominantShare(column) > MAJORITY) return false;
    return mobile > MAJORITY * numbers || 'with-people';
  },
  examples: {
    values: {
      positive: ['06-12345678', '0612345678', '+31 6 12345678', '+31 (0)6 1234 5678', '020-1234567', '0031 20 123 4567', 612345678],
      negative: [
        { value: '12345678', reason: 'eight digits' },
        { value: '06-1234567', reason: 'a digit short' },
        { value: '+32 6 12345678', reason: 'a Belgian number' },
        { value: '0012345678', reason: 'no area code starts with 0' },
        { value: 'telefoon', reason: 'a word' },
        { value: 123456789, reason: 'a number that cannot have lost a leading 06' },
        { value: null, reason: 'empty' },
      ],
    },
    headers: {
      positive: ['Telefoon', 'Telefoonnummer', 'Tel.', 'Mobiel', 'Phone number'],
      negative: [
        { value: 'Telefonie budget', reason: 'a budget' },
        { value: 'Teller', reason: "'tel' inside another word" },
      ],
    },
    columns: {
      positive: [
        { values: ['06-12345678', '06-23456789', '0031 6 34567890', '020-1234567'], byHeader: false },
        { values: [612345678, 623456789, 634567890], byHeader: true },
        { values: ['020-1234567', '030-2345678', '010-3456789'], byHeader: true, withPeople: true },
      ],
      negative: [
        { values: [612345678, 623456789, 634567890, 645678901], byHeader: false, reason: "9-digit numbers starting with 6 stored as numbers, without a header saying 'mobiel': order numbers" },
        { values: ['088-8981000', '088-8981000', '088-8981000', '088-8981000', '088-8981000', '06-12345678'], byHeader: true, reason: 'one switchboard number down the column' },
      ],
    },
  },
};
