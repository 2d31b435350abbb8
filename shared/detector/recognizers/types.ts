// A recognizer knows one kind of personal data: how its column headers are worded and what its
// values look like. The column analysis (../analyse/) decides per column from both.
import type { Category, ColumnThresholds } from '../../policy/types.js';
import type { CellValue } from '../types.js';

export type { Category } from '../../policy/types.js';

export interface Recognizer {
  /** Stable entity id, used in findings, rules and reason messages: 'bsn', 'person-name', ... */
  id: string;
  category: Category;
  /** Header words, normalised (lower case, no accents, words separated by one space). */
  headers: { nl: readonly string[]; en: readonly string[] };
  /**
   * True when values alone prove too little (a date, a short number, a word like 'M'):
   * the column then counts only when its header names the entity.
   */
  needsHeader: boolean;
  /**
   * Only people have these (a BSN): found even under a header about an employer or a vacancy,
   * where e-mail addresses and phone numbers are taken to be the employer's.
   */
  onlyPeople?: boolean;
  /**
   * When the header names the entity, every non-empty value counts: a 'Ziek' column of Ja/Nee
   * flags is health data whatever the flags say.
   */
  headerSuffices?: boolean;
  /** Whether one non-empty cell value looks like this entity. Must be cheap: it runs per cell. */
  matches(value: CellValue): boolean;
  /** Thresholds where this entity differs from the policy's defaults. */
  thresholds?: Partial<ColumnThresholds>;
  /**
   * A check on the whole column on top of the share of matches, for entities whose single values
   * prove little (row-IDs: the column is consistent in shape and mostly unique).
   */
  columnCheck?(column: ColumnValues): boolean;
  /**
   * A header that names the entity makes the column check needless ('Achternaam' over values
   * shaped like names): the values are then not even collected for it.
   */
  headerSkipsColumnCheck?: boolean;
  /** Run by test/detector/recognizers.test.ts: values and headers that must (not) be recognised. */
  examples: {
    values: { positive: readonly CellValue[]; negative: readonly CellValue[] };
    headers: { positive: readonly string[]; negative: readonly string[] };
  };
}

/**
 * A column's non-empty values, each with how often it occurs: a column of a few places repeated
 * 100,000 times is handed over as those few. A value may be listed more than once, so a check
 * that counts distinct values must still compare them.
 */
export interface ColumnValues {
  readonly values: readonly CellValue[];
  /** How often values[index] occurs. */
  times(index: number): number;
  /** Every value counted as often as it occurs. */
  readonly total: number;
}
