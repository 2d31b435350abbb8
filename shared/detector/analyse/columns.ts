// Per-column profiling: which entity, if any, each column of a sheet holds. A column's candidates
// are tested tier by tier, highest first (see tier): the first tier with a passing candidate
// decides, since no lower one can outrank it. Most columns are decided by their header's entity in
// the first pass over the rows, so their values meet one recognizer, not all of them. A column of
// few distinct values (places, sectors, flags) is tallied in that pass, and every tier is then
// tested on its distinct values alone, without another pass. Whatever a tier tests, it tests to
// the last row: counts and a remark deep down are exact.
import type { ColumnThresholds, Thresholds } from '../../policy/types.js';
import type { ColumnValues, Recognizer } from '../recognizers/types.js';
import type { Table, Tally } from '../table.js';
import type { CellValue, ColumnFinding } from '../types.js';
import { EQUALS, innerText, unwrapped } from './excel-text.js';
import { findHeaderRow, firstRowLooksLikeHeader, namesAggregate, namesOtherSubject, normalizeHeader, recognizersNamed } from './header.js';

export interface SheetProfile {
  findings: ColumnFinding[];
  /**
   * Findings that hold only on a sheet that also holds something only people have: landline
   * numbers (a switchboard list otherwise), and columns whose header says they count or sum
   * ('Aantal WIA-uitkeringen' per municipality is statistics). See context.ts.
   */
  conditional: ReadonlySet<ColumnFinding>;
  /** A column's header says it counts, sums or averages: its rows may be groups, not people. */
  counts: boolean;
  /** Rows below the header (all rows when there is none). */
  dataRows: number;
}

interface Candidate {
  recognizer: Recognizer;
  byHeader: boolean;
  /** The header alone proves it: every non-empty value counts. */
  countsAll: boolean;
  share: number;
  minMatches: number;
  tier: number;
  matches: number;
  /** Its column check said the column counts only beside people. */
  withPeople: boolean;
  /** This candidate's bit in a value's matches. */
  bit: number;
  /** Non-empty values, kept only while a check on the whole column is to come. */
  values: ValueBag | undefined;
}

/**
 * A column's values with how often each occurs, for a recognizer's check on the whole column. A
 * tally's values come first, with their counts; the values tested one by one after it occur once,
 * up to a bound: a check judges the shape of a column (unique, repeated, places or people), which
 * its first few thousand values tell as well as all 100,000, at a fraction of the time and memory.
 */
class ValueBag implements ColumnValues {
  readonly values: CellValue[] = [];
  private readonly counts: number[] = [];
  total = 0;

  addTallied(value: CellValue, times: number): void {
    this.values.push(value);
    this.counts.push(times);
    this.total += times;
  }

  add(value: CellValue): void {
    if (this.values.length - this.counts.length >= LISTED_LIMIT) return;
    this.values.push(value);
    this.total++;
  }

  times(index: number): number {
    return this.counts[index] ?? 1;
  }
}

interface Column {
  index: number;
  header: string;
  /** Its first data row: below the table's header, or below its own. */
  from: number;
  /** The header says the column counts or sums: per row a figure about a group, unless rows are people. */
  aggregate: boolean;
  /** Non-empty values below the header, known once the first pass is done. */
  nonEmpty: number;
  /** Non-empty values seen so far in the current pass. */
  seen: number;
  /** The last pruning round in which one of its values was tested. */
  touchedIn: number;
  /** The candidates of the tier being tested; emptied as they become hopeless. */
  testing: Candidate[];
  /** Every candidate tested counts every value and keeps none: the values need not be looked at. */
  countsEvery: boolean;
  /** The lower tiers, highest first, tested only if no candidate of a higher tier passes. */
  waiting: Candidate[][];
  /**
   * The distinct values and their counts, while there are few. A column that has more (BSNs,
   * e-mail addresses) drops it, and its values are tested one by one from there on.
   */
  tally: Tally | undefined;
  decided: Candidate | undefined;
}

/** How often (in rows) hopeless candidates are dropped: cheap enough, and soon enough. */
const PRUNE_EVERY = 512;
/** Distinct values a column may tally before it is taken to be mostly unique. */
const TALLY_LIMIT = 1024;
/** Values a column check sees one by one after the tally's. */
const LISTED_LIMIT = 8192;

export function profileSheet(
  table: Table,
  recognizers: readonly Recognizer[],
  thresholds: Thresholds,
  where: { path: string; sheet: string; columnName?: (index: number) => string },
  checkpoint: () => void = () => {},
): SheetProfile {
  const headerRow = findHeaderRow(table, recognizers);
  const first = headerRow + 1;
  let width = table.rowLength(headerRow);
  for (let r = first; r < table.rowCount; r++) width = Math.max(width, table.rowLength(r));

  // A column is set up when the first pass meets its first value: a column without values costs
  // nothing, so one cell in column XFD does not set up 16,384 columns (in each of 1,000 sheets).
  const columns: (Column | undefined)[] = new Array<Column | undefined>(width).fill(undefined);
  const setUp = (c: number, r: number): Column => {
    let header = cellText(table.cell(headerRow, c));
    let from = first;
    // A column that starts below the table's first row, under no header of the table's, is
    // another table's (people 2,000 rows below a catalogue): its first cell heads it when it
    // names something we know.
    if (header === '' && r > first && namesSomething(table.cell(r, c), recognizers)) {
      header = cellText(table.cell(r, c));
      from = r + 1;
    }
    const [testing = [], ...waiting] = tiersOf(candidatesFor(header, recognizers, thresholds));
    const column: Column = { index: c, header, from, aggregate: namesAggregate(header), nonEmpty: 0, seen: 0, touchedIn: -1, testing, countsEvery: false, waiting, tally: undefined, decided: undefined };
    startTesting(column, testing);
    if (!column.countsEvery) column.tally = table.tally(TALLY_LIMIT);
    return column;
  };

  // The first pass counts every column's values and tests its first tier. A column whose tier
  // fails moves to the next one on its tally where it can; only the others need another pass.
  testPass(table, first, columns, setUp, checkpoint);
  let pending: Column[] = [];
  for (const column of columns) {
    if (column === undefined) continue;
    column.nonEmpty = column.seen;
    // A spilled column was scored value by value during the pass; the others are scored now.
    scoreWithoutPass(column);
    if (needsPass(column)) pending.push(column);
  }
  while (pending.length > 0) {
    testPass(table, first, activeIn(pending, width), undefined, checkpoint);
    pending = pending.filter(needsPass);
  }

  const findings: ColumnFinding[] = [];
  const conditional = new Set<ColumnFinding>();
  let counts = false;
  const confirmed = headerConfirmed(columns, first);
  for (const column of columns) {
    counts ||= column?.aggregate === true;
    const decided = column?.decided;
    if (decided) {
      const finding: ColumnFinding = {
        path: where.path,
        sheet: where.sheet,
        header: quotable(column, decided, confirmed) ? column.header : '',
        column: (where.columnName ?? columnLetter)(column.index),
        entity: decided.recognizer.id,
        category: decided.recognizer.category,
        matches: decided.matches,
        values: column.nonEmpty,
      };
      findings.push(finding);
      if (decided.withPeople || column.aggregate) conditional.add(finding);
    }
  }
  return { findings, conditional, counts, dataRows: Math.max(0, table.rowCount - countedHeaderRow(table, headerRow, columns, recognizers) - 1) };
}

/**
 * The header row as a reader counts a table's rows, so that a table with a header is counted the
 * same whatever its header names. findHeaderRow reads a first row that names nothing we know as
 * data ('Datum;Workshop;Locatie'), since it might be; unless one of its cells reads as its column's
 * values, a person still calls it the header, not a row.
 */
function countedHeaderRow(table: Table, headerRow: number, columns: readonly (Column | undefined)[], recognizers: readonly Recognizer[]): number {
  if (headerRow >= 0 || !firstRowLooksLikeHeader(table, recognizers)) return headerRow;
  const readsAsData = columns.some((column) => column?.decided?.recognizer.matches(table.cell(0, column.index)));
  return readsAsData ? -1 : 0;
}

/**
 * Whether the table's header row is a header beyond doubt: two or more of its columns were decided
 * by what their header names ('Achternaam', 'BSN'), which a data row taken for a header does not do.
 */
function headerConfirmed(columns: readonly (Column | undefined)[], first: number): boolean {
  return columns.filter((column) => column?.from === first && column.decided?.byHeader).length >= 2;
}

/**
 * Whether a finding may quote its column's header. One that named the entity may; another one
 * ('Opmerking' over health remarks) only under a confirmed header row and when it does not read
 * as one of the column's own values: header text that might be a value is never quoted.
 */
function quotable(column: Column, decided: Candidate, confirmed: boolean): boolean {
  if (decided.byHeader) return true;
  return confirmed && column.header !== '' && !decided.recognizer.matches(column.header);
}

/**
 * Decides the column on the tier just tested, and moves on to lower tiers as long as they can be
 * tested without a pass over the rows. True when the tier it moved on to needs such a pass.
 */
function needsPass(column: Column): boolean {
  for (;;) {
    column.decided = decide(column.testing, column.nonEmpty);
    const lower = column.waiting.shift();
    if (column.decided || !lower) return false;
    startTesting(column, lower);
    if (!scoreWithoutPass(column)) return true;
  }
}

/** Counts the tested tier's matches from what the first pass left: the count, or the tally. */
function scoreWithoutPass(column: Column): boolean {
  if (column.countsEvery) {
    for (const candidate of column.testing) candidate.matches = column.nonEmpty;
    return true;
  }
  if (!column.tally) return false;
  scoreTally(column, column.tally);
  return true;
}

/** Tests the tested tier on each distinct value once, counting it as often as it occurs. */
function scoreTally(column: Column, tally: Tally): void {
  tally.values.forEach((tallied, index) => {
    const value = innerText(tallied);
    const matched = matchBits(column.testing, value);
    const times = tally.count(index);
    for (const candidate of column.testing) {
      if (matched & candidate.bit) candidate.matches += times;
      candidate.values?.addTallied(value, times);
    }
  });
}

/** The columns by index, for a pass that revisits some of them. */
function activeIn(pending: readonly Column[], width: number): (Column | undefined)[] {
  const active = new Array<Column | undefined>(width).fill(undefined);
  for (const column of pending) active[column.index] = column;
  return active;
}

/**
 * One pass over the data rows, testing each active column's current tier. Each row costs its own
 * length, never the sheet's width: one stray cell in column XFD must not multiply the work. The
 * first pass (the one that sets columns up) counts every value, also after a column's candidates
 * are all hopeless; a later pass drops a column as soon as nothing is left to test in it.
 */
function testPass(
  table: Table,
  first: number,
  active: (Column | undefined)[],
  setUp: ((c: number, r: number) => Column) | undefined,
  checkpoint: () => void,
): void {
  const counting = setUp !== undefined;
  let activeCount = 0;
  for (const column of active) {
    if (column === undefined) continue;
    column.seen = 0;
    activeCount++;
  }
  // Columns whose values were tested since the last pruning: only their prospects changed.
  const touched: Column[] = [];
  let round = 0;
  const rowCount = table.rowCount;
  for (let r = first; r < rowCount && (counting || activeCount > 0); r++) {
    const end = Math.min(table.rowLength(r), active.length);
    for (let c = 0; c < end; c++) {
      let column = active[c];
      if (column === undefined) {
        if (setUp === undefined || table.isBlank(r, c)) continue;
        column = active[c] = setUp(c, r);
        if (column.from > r) continue;
      } else if (table.isBlank(r, c) || r < column.from) continue;
      column.seen++;
      if (column.tally) {
        if (column.tally.add(r, c)) continue;
        spill(column, column.tally);
      }
      const candidates = column.testing;
      if (candidates.length === 0 || column.countsEvery) continue;
      if (column.touchedIn !== round) touched.push(column);
      column.touchedIn = round;
      let value = table.cell(r, c);
      // innerText() written out: a call per cell cost the 100,000-row csv 8%.
      if (typeof value === 'string' && value.charCodeAt(0) === EQUALS) value = unwrapped(value);
      const matched = matchBits(candidates, value);
      for (const candidate of candidates) {
        if (matched & candidate.bit) candidate.matches++;
        candidate.values?.add(value);
      }
    }
    if ((r - first) % PRUNE_EVERY === PRUNE_EVERY - 1) {
      checkpoint();
      for (const column of touched) {
        column.testing = column.testing.filter((candidate) => reachable(candidate, column.seen, rowCount - r - 1));
        if (column.testing.length > 0 || counting) continue;
        active[column.index] = undefined;
        activeCount--;
      }
      touched.length = 0;
      round++;
    }
  }
}

/** Too many distinct values to tally: what the tally counted is scored, the rest is tested one by one. */
function spill(column: Column, tally: Tally): void {
  column.tally = undefined;
  scoreTally(column, tally);
}

function matchBits(candidates: readonly Candidate[], value: CellValue): number {
  let matched = 0;
  for (const candidate of candidates) {
    if (candidate.countsAll || candidate.recognizer.matches(value)) matched |= candidate.bit;
  }
  return matched;
}

function startTesting(column: Column, candidates: Candidate[]): void {
  column.testing = candidates;
  column.countsEvery = candidates.every((candidate) => candidate.countsAll && !candidate.values);
}

function candidatesFor(header: string, recognizers: readonly Recognizer[], thresholds: Thresholds): Candidate[] {
  const normalized = normalizeHeader(header);
  const otherSubject = namesOtherSubject(normalized);
  const named = recognizersNamed(normalized, recognizers);
  const candidates: Candidate[] = [];
  for (const recognizer of recognizers) {
    const byHeader = named.includes(recognizer);
    if ((recognizer.needsHeader && !byHeader) || (otherSubject && !recognizer.onlyPeople)) continue;
    const limits = thresholdsFor(recognizer, thresholds);
    candidates.push({
      recognizer,
      byHeader,
      countsAll: byHeader && recognizer.headerSuffices === true,
      share: byHeader ? limits.shareWithHeader : limits.shareWithoutHeader,
      minMatches: byHeader ? limits.minMatchesWithHeader : limits.minMatchesWithoutHeader,
      tier: tier(recognizer, byHeader),
      matches: 0,
      withPeople: false,
      bit: 1 << candidates.length,
      values: recognizer.columnCheck && !(byHeader && recognizer.headerSkipsColumnCheck) ? new ValueBag() : undefined,
    });
  }
  return candidates;
}

/** The candidates grouped by tier, highest first, each group in the recognizers' order. */
function tiersOf(candidates: Candidate[]): Candidate[][] {
  const tiers = [...new Set(candidates.map((candidate) => candidate.tier))].sort((a, b) => b - a);
  return tiers.map((t) => candidates.filter((candidate) => candidate.tier === t));
}

/** The policy's per-entity override beats the recognizer's own, which beats the policy default. */
function thresholdsFor(recognizer: Recognizer, thresholds: Thresholds): ColumnThresholds {
  return {
    minMatchesWithHeader: thresholds.minMatchesWithHeader,
    minMatchesWithoutHeader: thresholds.minMatchesWithoutHeader,
    shareWithHeader: thresholds.shareWithHeader,
    shareWithoutHeader: thresholds.shareWithoutHeader,
    ...recognizer.thresholds,
    ...thresholds.entities[recognizer.id],
  };
}

/**
 * Whether a candidate can still pass if every remaining row matched: the best share still
 * reachable is (matches + left) / (seen + left).
 */
function reachable(candidate: Candidate, seen: number, rowsLeft: number): boolean {
  return candidate.matches + rowsLeft >= candidate.minMatches && candidate.matches + rowsLeft >= candidate.share * (seen + rowsLeft);
}

/** The entity a column holds among candidates of one tier: the passing one with the larger share. */
function decide(candidates: readonly Candidate[], nonEmpty: number): Candidate | undefined {
  let best: Candidate | undefined;
  for (const candidate of candidates) {
    if (passes(candidate, nonEmpty) && (!best || candidate.matches > best.matches)) best = candidate;
  }
  return best;
}

function passes(candidate: Candidate, nonEmpty: number): boolean {
  if (nonEmpty === 0 || candidate.matches < candidate.minMatches) return false;
  if (candidate.matches < candidate.share * nonEmpty) return false;
  const verdict = !candidate.values || (candidate.recognizer.columnCheck?.(candidate.values, candidate.byHeader) ?? true);
  candidate.withPeople = verdict === 'with-people';
  return verdict !== false;
}

/**
 * A specific entity outranks a mere mention of health; a header that names it outranks none. A
 * candidate's share of matches (at most 1) ranks it only within its tier, since tiers are 2 apart.
 */
function tier(recognizer: Recognizer, byHeader: boolean): number {
  return (recognizer.category === 'special-category' ? 0 : 4) + (byHeader ? 2 : 0);
}

function namesSomething(value: CellValue, recognizers: readonly Recognizer[]): boolean {
  if (typeof value !== 'string' || value.length > 60) return false;
  return recognizersNamed(normalizeHeader(value), recognizers).length > 0;
}

function cellText(value: CellValue | undefined): string {
  return value === undefined || value === null ? '' : String(value).trim();
}

/** 0 -> 'A', 25 -> 'Z', 26 -> 'AA', as a spreadsheet user sees it. */
export function columnLetter(index: number): string {
  let letters = '';
  for (let n = index + 1; n > 0; n = Math.floor((n - 1) / 26)) {
    letters = String.fromCharCode(65 + ((n - 1) % 26)) + letters;
  }
  return letters;
}
