// Every recognizer's own examples, in one table: values and headers that must and must not match.
import { describe, expect, test } from 'vitest';
import { RECOGNIZERS } from '../../shared/detector/recognizers/index.js';
import { normalizeHeader, recognizerHeaderNames } from '../../shared/detector/analyse/header.js';
import type { CellValue } from '../../shared/detector/types.js';
import type { ColumnValues } from '../../shared/detector/recognizers/types.js';

interface Case {
  recognizer: (typeof RECOGNIZERS)[number];
  kind: 'value' | 'header';
  example: CellValue;
  expected: boolean;
  /** Why a negative example is one, from the recognizer itself. */
  why: string;
}

const cases: Case[] = RECOGNIZERS.flatMap((recognizer) => {
  const { values, headers } = recognizer.examples;
  const positive = (kind: Case['kind']) => (example: CellValue): Case => ({ recognizer, kind, example, expected: true, why: '' });
  const negative = (kind: Case['kind']) => ({ value, reason }: { value: CellValue; reason: string }): Case =>
    ({ recognizer, kind, example: value, expected: false, why: reason });
  return [
    ...values.positive.map(positive('value')),
    ...values.negative.map(negative('value')),
    ...headers.positive.map(positive('header')),
    ...headers.negative.map(negative('header')),
  ];
});

describe('recognizer examples', () => {
  test.each(cases.map((c) => [`${c.recognizer.id} ${c.kind} ${JSON.stringify(c.example)} -> ${c.expected}${c.why ? ` (${c.why})` : ''}`, c] as const))(
    '%s',
    (_, { recognizer, kind, example, expected }) => {
      const actual =
        kind === 'value'
          ? recognizer.matches(example)
          : recognizerHeaderNames(recognizer, normalizeHeader(String(example)));
      expect(actual).toBe(expected);
    },
  );
});

const columnCases = RECOGNIZERS.flatMap((recognizer) => [
  ...(recognizer.examples.columns?.positive ?? []).map((example) => ({ recognizer, example, expected: example.withPeople ? 'with-people' : true, why: '' })),
  ...(recognizer.examples.columns?.negative ?? []).map((example) => ({ recognizer, example, expected: false, why: example.reason })),
]);

describe("recognizers' own column examples, row by row and from a tally", () => {
  test.each(columnCases.map((c) => [`${c.recognizer.id} ${c.example.byHeader ? 'with' : 'without'} header ${JSON.stringify(c.example.values.slice(0, 3))}... -> ${c.expected}${c.why ? ` (${c.why})` : ''}`, c] as const))(
    '%s',
    (_, { recognizer, example, expected }) => {
      expect(recognizer.columnCheck, `${recognizer.id} has column examples but no column check`).toBeDefined();
      expect(recognizer.columnCheck!(rowByRow(example.values), example.byHeader)).toBe(expected);
      expect(recognizer.columnCheck!(tallied(example.values), example.byHeader)).toBe(expected);
    },
  );
});

/** A column listed once per row, as the analysis hands over a column of many distinct values. */
function rowByRow(values: readonly CellValue[]): ColumnValues {
  return { values, times: () => 1, total: values.length };
}

/** The same column as its tally: each distinct value once, with how often it occurs. */
function tallied(values: readonly CellValue[]): ColumnValues {
  const counts = new Map<CellValue, number>();
  for (const value of values) counts.set(value, (counts.get(value) ?? 0) + 1);
  const distinct = [...counts.keys()];
  return { values: distinct, times: (index) => counts.get(distinct[index]!)!, total: values.length };
}

describe('column checks', () => {
  const ids = (count: number, from = 0) => Array.from({ length: count }, (_, i) => `K-${100_000 + from + i}`);
  // Columns either side of each check's bar: unique ids, ids repeated, ids of mixed shapes, names
  // with and without tussenvoegsels.
  const columns: [string, CellValue[], Record<string, boolean>][] = [
    ['unique ids', ids(3000), { 'client-id': true }],
    ['ids each twice', [...ids(1500), ...ids(1500)], { 'client-id': false }],
    ['91% unique ids', [...ids(2730), ...ids(270)], { 'client-id': true }],
    ['ids, a fifth of another shape', [...ids(2400), ...Array.from({ length: 600 }, (_, i) => `${i}`)], { 'client-id': false }],
    ['numbers of six digits', Array.from({ length: 2000 }, (_, i) => 100_000 + i), { 'client-id': true }],
    ['numbers of one to four digits', Array.from({ length: 2000 }, (_, i) => i), { 'client-id': false }],
    ['surnames with tussenvoegsels', Array.from({ length: 900 }, (_, i) => (i % 5 === 0 ? 'de Vries' : i % 2 ? 'Jansen' : 'Bakker')), { 'person-name': true }],
    ['surnames, a tenth with a tussenvoegsel', Array.from({ length: 900 }, (_, i) => (i % 10 === 0 ? 'de Vries' : i % 2 ? 'Jansen' : 'Bakker')), { 'person-name': false }],
    ['plain capitalised words', Array.from({ length: 900 }, (_, i) => ['Horeca', 'Logistiek', 'Zorg'][i % 3]!), { 'person-name': false }],
  ];
  const checked = RECOGNIZERS.filter((recognizer) => recognizer.columnCheck);

  test('every recognizer with a column check carries columns either side of its bar in its examples', () => {
    for (const recognizer of checked) {
      const own = recognizer.examples.columns;
      expect(own?.positive.length, `add examples.columns.positive to ${recognizer.id}: a column its check passes`).toBeGreaterThan(0);
      expect(own?.negative.length, `add examples.columns.negative to ${recognizer.id}: a column its check fails, and why`).toBeGreaterThan(0);
    }
  });

  test.each(columns)('%s: the same answer row by row and from a tally', (_, values, expected) => {
    for (const recognizer of checked) {
      const byRow = recognizer.columnCheck!(rowByRow(values), false);
      expect(recognizer.columnCheck!(tallied(values), false), recognizer.id).toBe(byRow);
      if (expected[recognizer.id] !== undefined) expect(byRow, recognizer.id).toBe(expected[recognizer.id]);
    }
  });
});
