// Dutch phone numbers: 06-12345678, 020-1234567, +31 6 12345678, 0031 20 1234567 (leak 8).
import type { CellValue } from '../types.js';
import type { Recognizer } from './types.js';

const SEPARATORS = /[\s.\-()/]/g;
// +31 (0)6 ...: the '(0)' some people write after the country code is dropped first.
const TRUNK_ZERO = /^(\+31|0031)\s*\(0\)/;
const NATIONAL = /^(?:0|\+31|0031)[1-9]\d{8}$/;

function isPhone(value: CellValue): boolean {
  // Excel turns 0612345678 into the number 612345678: only mobile numbers are recognisable then.
  if (typeof value === 'number') return value >= 600_000_000 && value <= 699_999_999 && Number.isInteger(value);
  if (typeof value !== 'string' || value.length < 10 || value.length > 20) return false;
  return NATIONAL.test(value.trim().replace(TRUNK_ZERO, '$1').replace(SEPARATORS, ''));
}

export const phone: Recognizer = {
  id: 'phone',
  category: 'direct-identifier',
  headers: {
    nl: ['telefoon', 'telefoonnummer', 'tel', 'tel nr', 'mobiel', 'mobiel nummer', '06 nummer', 'gsm'],
    en: ['phone', 'phone number', 'telephone', 'mobile', 'mobile number'],
  },
  needsHeader: false,
  matches: isPhone,
  examples: {
    values: {
      positive: ['06-12345678', '0612345678', '+31 6 12345678', '+31 (0)6 1234 5678', '020-1234567', '0031 20 123 4567', 612345678],
      negative: ['12345678', '06-1234567', '+32 6 12345678', '0012345678', 'telefoon', 123456789, null],
    },
    headers: { positive: ['Telefoon', 'Telefoonnummer', 'Tel.', 'Mobiel', 'Phone number'], negative: ['Telefonie budget', 'Teller'] },
  },
};
