// Per-column profiling: which entity, if any, each column of a sheet holds. A column's candidates
// are tested tier by tier, highest first (see tier): the first tier with a passing candidate
// decides, since no lower one can outrank it. Most columns are decided by their header's entity in
// the first pass over the rows, so their values meet one recognizer, not all of them. Whatever a
// tier tests, it tests to the last row: counts and a remark deep down are exact.
import type { ColumnThresholds, Thresholds } from '../../policy/types.js';
import type { Recognizer } from '../recognizers/types.js';
import type { CellMemo, Table } from '../table.js';
import type { CellValue, ColumnFinding } from '../types.js';
import { findHeaderRow, namesOtherSubject, normalizeHeader, recognizersNamed } from './header.js';

export interface SheetProfile {
  findings: ColumnFinding[];
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
  /** This candidate's bit in the column's memo of matches. */
  bit: number;
  /** Non-empty values, kept only while a check on the whole column is to come. */
  values: CellValue[] | undefined;
}

interface Column {
  index: number;
  header: string;
  /** Non-empty values below the header, known once the first pass is done. */
  nonEmpty: number;
  /** Non-empty values seen so far in the current pass. */
  seen: number;
  /** The last pruning round in which it received a value. */
  touchedIn: number;
  /** The candidates of the tier being tested; emptied as they become hopeless. */
  testing: Candidate[];
  /** Every candidate tested counts every value: the value itself need not be looked at. */
  countsEvery: boolean;
  /** The lower tiers, highest first, tested only if no candidate of a higher tier passes. */
  waiting: Candidate[][];
  /**
   * Which tested candidates each distinct value matched, as bits. Most columns repeat a few values
   * (gender, place, status); one that does not (BSNs, e-mail addresses) drops its memo.
   */
  memo: CellMemo | undefined;
  decided: Candidate | undefined;
}

/** How often (in rows) hopeless candidates are dropped: cheap enough, and soon enough. */
const PRUNE_EVERY = 512;
/** Distinct values a column may memoise before it is taken to be mostly unique. */
const MEMO_LIMIT = 1024;

export function profileSheet(
  table: Table,
  recognizers: readonly Recognizer[],
  thresholds: Thresholds,
  where: { path: string; sheet: string },
  checkpoint: () => void = () => {},
): SheetProfile {
  const headerRow = findHeaderRow(table, recognizers);
  const first = headerRow + 1;
  let width = table.rowLength(headerRow);
  for (let r = first; r < table.rowCount; r++) width = Math.max(width, table.rowLength(r));

  // A column is set up when the first pass meets its first value: a column without values costs
  // nothing, so one cell in column XFD does not set up 16,384 columns (in each of 1,000 sheets).
  const columns: (Column | undefined)[] = new Array<Column | undefined>(width).fill(undefined);
  const setUp = (c: number): Column => {
    const header = cellText(table.cell(headerRow, c));
    const [testing = [], ...waiting] = tiersOf(candidatesFor(header, recognizers, thresholds));
    const column: Column = { index: c, header, nonEmpty: 0, seen: 0, touchedIn: -1, testing, countsEvery: false, waiting, memo: undefined, decided: undefined };
    return startTesting(column, testing, table);
  };

  // Each pass tests one tier per column: the first counts every column's values, later ones
  // only revisit the columns whose tested tier had no passing candidate.
  testPass(table, first, columns, setUp, checkpoint);
  let pending: Column[] = [];
  for (const column of columns) {
    if (column === undefined) continue;
    column.nonEmpty = column.seen;
    pending.push(column);
  }
  while (pending.length > 0) {
    const next: Column[] = [];
    for (const column of pending) {
      column.decided = decide(column.testing, column.nonEmpty);
      const lower = column.waiting.shift();
      if (column.decided || !lower) continue;
      next.push(startTesting(column, lower, table));
    }
    if (next.length > 0) testPass(table, first, activeIn(next, width), undefined, checkpoint);
    pending = next;
  }

  const findings: ColumnFinding[] = [];
  for (const column of columns) {
    const decided = column?.decided;
    if (decided) {
      findings.push({
        path: where.path,
        sheet: where.sheet,
        // Only a header that named the entity is quoted: other text in the header row might be a
        // value, from a data row taken for a header.
        header: decided.byHeader ? column.header : '',
        column: columnLetter(column.index),
        entity: decided.recognizer.id,
        category: decided.recognizer.category,
        matches: decided.matches,
        values: column.nonEmpty,
      });
    }
  }
  return { findings, dataRows: Math.max(0, table.rowCount - first) };
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
  setUp: ((c: number) => Column) | undefined,
  checkpoint: () => void,
): void {
  const counting = setUp !== undefined;
  let activeCount = 0;
  for (const column of active) {
    if (column === undefined) continue;
    column.seen = 0;
    activeCount++;
  }
  // Columns that received values since the last pruning: only their prospects changed.
  const touched: Column[] = [];
  let round = 0;
  const rowCount = table.rowCount;
  for (let r = first; r < rowCount && (counting || activeCount > 0); r++) {
    const end = Math.min(table.rowLength(r), active.length);
    for (let c = 0; c < end; c++) {
      let column = active[c];
      if (column === undefined) {
        if (setUp === undefined || table.isBlank(r, c)) continue;
        column = active[c] = setUp(c);
      } else if (table.isBlank(r, c)) continue;
      column.seen++;
      const candidates = column.testing;
      if (candidates.length === 0) continue;
      if (column.touchedIn !== round) touched.push(column);
      column.touchedIn = round;
      // All bits (-1) when every candidate counts every value. The value is built at most once,
      // and only when a candidate needs to see it.
      let value: CellValue | undefined;
      let matched = column.countsEvery ? -1 : column.memo?.get(r, c);
      if (matched === undefined) matched = matchBits(column, (value = table.cell(r, c)));
      for (const candidate of candidates) {
        if (matched & candidate.bit) candidate.matches++;
        candidate.values?.push((value ??= table.cell(r, c)));
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

function matchBits(column: Column, value: CellValue): number {
  let matched = 0;
  for (const candidate of column.testing) {
    if (candidate.countsAll || candidate.recognizer.matches(value)) matched |= candidate.bit;
  }
  if (column.memo) {
    column.memo.set(value, matched);
    if (column.memo.size > MEMO_LIMIT) column.memo = undefined;
  }
  return matched;
}

/** Candidates that count every value need no memo: they need not see the values at all. */
function startTesting(column: Column, candidates: Candidate[], table: Table): Column {
  column.testing = candidates;
  column.countsEvery = candidates.every((candidate) => candidate.countsAll);
  column.memo = column.countsEvery ? undefined : table.memo();
  return column;
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
      bit: 1 << candidates.length,
      values: recognizer.columnCheck && !(byHeader && recognizer.headerSkipsColumnCheck) ? [] : undefined,
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
  return !candidate.values || (candidate.recognizer.columnCheck?.(candidate.values) ?? true);
}

/**
 * A specific entity outranks a mere mention of health; a header that names it outranks none. A
 * candidate's share of matches (at most 1) ranks it only within its tier, since tiers are 2 apart.
 */
function tier(recognizer: Recognizer, byHeader: boolean): number {
  return (recognizer.category === 'special-category' ? 0 : 4) + (byHeader ? 2 : 0);
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
