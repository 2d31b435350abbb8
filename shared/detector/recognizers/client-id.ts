// Client numbers and internal row-IDs (leaks 1, 4, 8, 9): they point straight back to a person in
// the case system. Any short code could be an id, so the header decides, and the column must
// look like one: consistent in shape and mostly unique.
import type { CellValue } from '../types.js';
import type { ColumnValues, Recognizer } from './types.js';

const ID_VALUE = /^[A-Z]{0,4}[-_/]?\d[\d-]{2,19}$/i;

/**
 * Two numbers per value, from one pass over its characters: its shape (digits and letters count
 * as classes, so 'K-10234' and 'K-99871' share a shape) and an FNV-1a fingerprint of its text
 * (equal values share one, so distinct fingerprints never outnumber distinct values). Numbers
 * rather than strings keep this cheap on 100,000 rows: no string is hashed into a Set.
 */
function describe(values: readonly CellValue[]): { shapes: Int32Array; fingerprints: Int32Array } {
  const shapes = new Int32Array(values.length);
  const fingerprints = new Int32Array(values.length);
  for (let v = 0; v < values.length; v++) {
    const value = values[v];
    const text = typeof value === 'string' ? value : String(value);
    let shape = text.length;
    let fingerprint = 0x811c9dc5;
    for (let i = 0; i < text.length; i++) {
      const code = text.charCodeAt(i);
      const kind = code >= 48 && code <= 57 ? 1 : (code | 32) >= 97 && (code | 32) <= 122 ? 2 : code + 3;
      shape = (Math.imul(shape, 31) + kind) | 0;
      fingerprint = Math.imul(fingerprint ^ code, 0x01000193);
    }
    shapes[v] = shape;
    fingerprints[v] = fingerprint;
  }
  return { shapes, fingerprints };
}

/**
 * Whether most values differ: told by their distinct fingerprints, or by the values themselves
 * when those fall short. Fingerprints are counted in a hash set of numbers, in one pass.
 */
function mostlyUnique({ values, total }: ColumnValues, fingerprints: Int32Array): boolean {
  return mostOf(distinctNumbers(fingerprints), total) || mostOf(new Set(values).size, total);
}

function distinctNumbers(numbers: Int32Array): number {
  let bits = 4;
  while (1 << bits < numbers.length * 2) bits++;
  const mask = (1 << bits) - 1;
  // A free slot holds 0, so 0 itself is counted apart.
  const slots = new Int32Array(1 << bits);
  let distinct = 0;
  let zero = 0;
  for (const n of numbers) {
    if (n === 0) {
      zero = 1;
      continue;
    }
    let slot = Math.imul(n, 0x9e3779b1) >>> (32 - bits);
    while (slots[slot] !== 0 && slots[slot] !== n) slot = (slot + 1) & mask;
    if (slots[slot] === 0) {
      slots[slot] = n;
      distinct++;
    }
  }
  return distinct + zero;
}

function mostOf(count: number, total: number): boolean {
  return count >= 0.9 * total;
}

export const clientId: Recognizer = {
  id: 'client-id',
  category: 'direct-identifier',
  label: {
    nl: { one: 'klantnummer of rij-ID', other: "klantnummers of rij-ID's" },
    en: { one: 'client number or row ID', other: 'client numbers or row IDs' },
  },
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
  columnCheck(column) {
    const { shapes, fingerprints } = describe(column.values);
    // A weighted majority vote (Boyer-Moore) finds the only shape that can be most of the column.
    let majority = 0;
    let lead = 0;
    shapes.forEach((shape, index) => {
      const times = column.times(index);
      if (shape === majority) lead += times;
      else if (lead >= times) lead -= times;
      else [majority, lead] = [shape, times - lead];
    });
    let sameShape = 0;
    shapes.forEach((shape, index) => shape === majority && (sameShape += column.times(index)));
    return mostOf(sameShape, column.total) && mostlyUnique(column, fingerprints);
  },
  examples: {
    values: {
      positive: ['K-102345', 'R0001', 1023, '2016-000123', 'SON123456'],
      negative: [
        { value: 'Jansen', reason: 'a word' },
        { value: 'twee', reason: 'a word' },
        { value: '1.5', reason: 'a decimal' },
        { value: 'K 12', reason: 'too short, and a space inside' },
        { value: 1.5, reason: 'a decimal' },
        { value: -3, reason: 'negative' },
        { value: null, reason: 'empty' },
      ],
    },
    headers: {
      positive: ['Klantnummer', 'Rij-ID', 'ID', 'Row ID', 'Relatienummer', 'Registratienummer', 'ID-nummer'],
      negative: [
        { value: 'Vacature ID', reason: 'the id of a vacancy' },
        { value: 'Ordernummer', reason: 'an order' },
        { value: 'Artikelnummer', reason: 'a product' },
        { value: 'Identiteit', reason: "'id' must be a word of its own" },
      ],
    },
    columns: {
      positive: [
        { values: ['K-100001', 'K-100002', 'K-100003', 'K-100004', 'K-100005'], byHeader: true },
        { values: [100_201, 100_202, 100_203, 100_204], byHeader: true },
      ],
      negative: [
        { values: ['K-100001', 'K-100001', 'K-100002', 'K-100002', 'K-100003', 'K-100003'], byHeader: true, reason: 'each value twice: a code per group, not one per person' },
        { values: ['K-100001', 'K-100002', '3', '4', '5', 'K-100006'], byHeader: true, reason: 'mixed shapes: no system numbers its rows like that' },
      ],
    },
  },
};
