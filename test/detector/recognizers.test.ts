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
}

const cases: Case[] = RECOGNIZERS.flatMap((recognizer) => [
  ...recognizer.examples.values.positive.map((example) => ({ recognizer, kind: 'value' as const, example, expected: true })),
  ...recognizer.examples.values.negative.map((example) => ({ recognizer, kind: 'value' as const, example, expected: false })),
  ...recognizer.examples.headers.positive.map((example) => ({ recognizer, kind: 'header' as const, example, expected: true })),
  ...recognizer.examples.headers.negative.map((example) => ({ recognizer, kind: 'header' as const, example, expected: false })),
]);

describe('recognizer examples', () => {
  test.each(cases.map((c) => [`${c.recognizer.id} ${c.kind} ${JSON.stringify(c.example)} -> ${c.expected}`, c] as const))(
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

  test('every recognizer with a column check meets columns either side of its bar here', () => {
    for (const recognizer of checked) {
      const verdicts = columns.map(([, , expected]) => expected[recognizer.id]).filter((v) => v !== undefined);
      expect(verdicts, `add columns for ${recognizer.id} to this table, one it passes and one it fails`).toContain(true);
      expect(verdicts).toContain(false);
    }
  });

  test.each(columns)('%s: the same answer row by row and from a tally', (_, values, expected) => {
    for (const recognizer of checked) {
      const byRow = recognizer.columnCheck!(rowByRow(values));
      expect(recognizer.columnCheck!(tallied(values)), recognizer.id).toBe(byRow);
      if (expected[recognizer.id] !== undefined) expect(byRow, recognizer.id).toBe(expected[recognizer.id]);
    }
  });
});
