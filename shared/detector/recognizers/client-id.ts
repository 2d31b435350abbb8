// Client numbers and internal row-IDs (leaks 1, 4, 8, 9): they point straight back to a person in
// the case system. Any short code could be an id, so the header decides, and the column must
// look like one: consistent in shape and mostly unique.
import type { CellValue } from '../types.js';
import type { Recognizer } from './types.js';

const ID_VALUE = /^[A-Z]{0,4}[-_/]?\d[\d-]{2,19}$/i;

/** Digits become 9 and letters A: 'K-10234' and 'K-99871' share the shape 'A-99999'. */
function shapeOf(value: CellValue): string {
  return String(value).trim().replace(/\d/g, '9').replace(/[a-z]/gi, 'A');
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
    const shapes = new Map<string, number>();
    for (const value of values) {
      const shape = shapeOf(value);
      shapes.set(shape, (shapes.get(shape) ?? 0) + 1);
    }
    const commonest = Math.max(...shapes.values());
    return mostOf(commonest, values.length) && mostOf(new Set(values).size, values.length);
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
