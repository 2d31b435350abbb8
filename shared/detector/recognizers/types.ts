// A recognizer knows one kind of personal data: how its column headers are worded and what its
// values look like. The column analysis (../analyse/) decides per column from both.
import type { Category, ColumnThresholds } from '../../policy/types.js';
import type { CellValue } from '../types.js';

export type { Category } from '../../policy/types.js';

export interface Recognizer {
  /** Stable entity id, used in findings, rules and reason messages: 'bsn', 'person-name', ... */
  id: string;
  category: Category;
  /** What a matching value is called in a reason: "135 geldige burgerservicenummers". */
  label: { nl: Counted; en: Counted };
  /** Header words, normalised (lower case, no accents, words separated by one space). */
  headers: { nl: readonly string[]; en: readonly string[] };
  /**
   * True when values alone prove too little (a date, a short number, a word like 'M'):
   * the column then counts only when its header names the entity.
   */
  needsHeader: boolean;
  /**
   * One value is data beyond doubt (a valid BSN, an e-mail address), unlike a capitalised word
   * that may be a name or a header, or a word like 'Ziek' that may head a column: a row holding
   * one is no header row.
   */
  valueProvesItself?: boolean;
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
   * prove little (row-IDs: the column is consistent in shape and mostly unique) or that other
   * things resemble (a column of airports looks like names). `byHeader`: the header names it.
   */
  columnCheck?(column: ColumnValues, byHeader: boolean): ColumnVerdict;
  /**
   * A header that names the entity makes the column check needless ('BSN' over values shaped
   * like BSNs): the values are then not even collected for it.
   */
  headerSkipsColumnCheck?: boolean;
  /**
   * Run by test/detector/recognizers.test.ts: values, headers and whole columns that must (not)
   * be recognised; each negative says why, so a rule and its exceptions are read in one place.
   */
  examples: {
    values: { positive: readonly CellValue[]; negative: readonly Negative<CellValue>[] };
    headers: { positive: readonly string[]; negative: readonly Negative<string>[] };
    /** Columns for the column check, judged as under a header that names the entity or not. */
    columns?: { positive: readonly ColumnExample[]; negative: readonly (ColumnExample & { reason: string })[] };
  };
}

export interface Counted {
  one: string;
  other: string;
}

/** An example that must not be recognised, and why not. */
export interface Negative<T> {
  value: T;
  reason: string;
}

/**
 * What a column check says: the column holds the entity or not, or only on a sheet that also
 * holds something only people have ('with-people': a column of landline numbers is a switchboard
 * list unless names stand beside it).
 */
export type ColumnVerdict = boolean | 'with-people';

export interface ColumnExample {
  values: readonly CellValue[];
  byHeader: boolean;
  /** The check says 'with-people' for it. */
  withPeople?: boolean;
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
