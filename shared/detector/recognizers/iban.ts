// Bank account numbers (IBAN, any country; checked with mod-97).
import type { CellValue } from '../types.js';
import type { Recognizer } from './types.js';

const SHAPE = /^[A-Z]{2}\d{2}[A-Z0-9]{11,30}$/;

function isIban(value: CellValue): boolean {
  if (typeof value !== 'string' || value.length < 15 || value.length > 42) return false;
  const compact = value.replace(/\s/g, '').toUpperCase();
  if (!SHAPE.test(compact) || (compact.startsWith('NL') && compact.length !== 18)) return false;
  // Mod-97 over the rearranged number, letters as 10..35, a few digits at a time to stay exact.
  const rearranged = compact.slice(4) + compact.slice(0, 4);
  let remainder = 0;
  for (const char of rearranged) {
    const code = char.charCodeAt(0);
    const digits = code >= 65 ? String(code - 55) : char;
    remainder = Number(String(remainder) + digits) % 97;
  }
  return remainder === 1;
}

export const iban: Recognizer = {
  id: 'iban',
  category: 'direct-identifier',
  label: {
    nl: { one: 'geldig bankrekeningnummer (IBAN)', other: 'geldige bankrekeningnummers (IBAN)' },
    en: { one: 'valid bank account number (IBAN)', other: 'valid bank account numbers (IBAN)' },
  },
  headers: {
    nl: ['iban', 'rekeningnummer', 'bankrekening', 'bankrekeningnummer', 'rekening'],
    en: ['bank account', 'account number'],
  },
  needsHeader: false,
  valueProvesItself: true,
  matches: isIban,
  examples: {
    values: {
      positive: ['NL91ABNA0417164300', 'NL91 ABNA 0417 1643 00', 'nl91abna0417164300', 'DE89370400440532013000', 'BE68539007547034'],
      negative: [
        { value: 'NL91ABNA0417164301', reason: 'fails mod-97' },
        { value: 'NL91ABNA041716430', reason: 'a Dutch IBAN one character short' },
        { value: 'NL00XXXX0000000000', reason: 'a placeholder, fails mod-97' },
        { value: 'ABNA0417164300', reason: 'no country code' },
        { value: 417164300, reason: 'a bare number' },
        { value: null, reason: 'empty' },
      ],
    },
    headers: {
      positive: ['IBAN', 'Rekeningnummer', 'Bank account'],
      negative: [
        { value: 'Rekenmodel', reason: "'reken' is no 'rekening'" },
        { value: 'Account manager', reason: 'a person at the office, not an account' },
      ],
    },
  },
};
