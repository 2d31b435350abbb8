// Client numbers and internal row-IDs (leaks 1, 4, 8, 9): they point straight back to a person in
// the case system. Any short code could be an id, so the header decides, and the column must
// look like one: consistent in shape and mostly unique.
import type { CellValue } from '../types.js';
import type { Recognizer } from './types.js';

const ID_VALUE = /^[A-Z]{0,4}[-_/]?\d[\d-]{2,19}$/i;

/**
 * The shape of a value as a number: digits and letters count as classes, so 'K-10234' and
 * 'K-99871' share a shape. Numbers rather than strings keep this cheap on 100,000 rows.
 */
function shapeOf(value: CellValue): number {
  const text = typeof value === 'string' ? value : String(value);
  let shape = text.length;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    const kind = code >= 48 && code <= 57 ? 1 : (code | 32) >= 97 && (code | 32) <= 122 ? 2 : code + 3;
    shape = (Math.imul(shape, 31) + kind) | 0;
  }
  return shape;
}

function mostOf(count: number, total: number): boolean {
  return count >= 0.9 * total;
}

export const clientId: Recognizer = {
  id: 'client-id',
  category: 'direct-identifier',
  headers: {
    nl: [
      'klantnummer', 'klant nr', 'klantnr', 'klant id', 'relatienummer', 'relatie nr', 'registratienummer',
      'rij id', 'rijnummer', 'id', 'clientnummer', 'client nr', 'persoonsnummer', 'persoons id', 'dossiernummer',
      'werkzoekendenummer', 'sonar id', 'kandidaatnummer', 'deelnemernummer',
    ],
    en: ['client number', 'client id', 'customer number', 'customer id', 'row id', 'record id', 'person id', 'case number'],
  },
  needsHeader: true,
  matches: (value: CellValue) =>
    (typeof value === 'number' && Number.isInteger(value) && value >= 0) ||
    (typeof value === 'string' && value.length <= 20 && ID_VALUE.test(value.trim())),
  columnCheck(values) {
    // Majority vote (Boyer-Moore) finds the only shape that can be most of the column, in O(1) memory.
    let majority = 0;
    let lead = 0;
    for (const value of values) {
      const shape = shapeOf(value);
      if (lead === 0) majority = shape;
      lead += shape === majority ? 1 : -1;
    }
    let sameShape = 0;
    for (const value of values) if (shapeOf(value) === majority) sameShape++;
    return mostOf(sameShape, values.length) && mostOf(new Set(values).size, values.length);
  },
  examples: {
    values: {
      positive: ['K-102345', 'R0001', 1023, '2016-000123', 'SON123456'],
      negative: ['Jansen', 'twee', '1.5', 'K 12', 1.5, -3, null],
    },
    headers: {
      positive: ['Klantnummer', 'Rij-ID', 'ID', 'Row ID', 'Relatienummer', 'Registratienummer', 'ID-nummer'],
      negative: ['Vacature ID', 'Ordernummer', 'Artikelnummer', 'Identiteit'],
    },
  },
};
