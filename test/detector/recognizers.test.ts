// Every recognizer's own examples, in one table: values and headers that must and must not match.
import { describe, expect, test } from 'vitest';
import { RECOGNIZERS } from '../../shared/detector/recognizers/index.js';
import { normalizeHeader, recognizerHeaderNames } from '../../shared/detector/analyse/header.js';
import type { CellValue } from '../../shared/detector/types.js';

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
