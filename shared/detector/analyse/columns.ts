// Per-column profiling: which entity, if any, each column of a sheet holds. One pass over the
// rows; a recognizer stops testing a column only once it can no longer change the column's
// outcome (see pruneHopeless).
import type { ColumnThresholds, Thresholds } from '../../policy/types.js';
import type { Recognizer } from '../recognizers/types.js';
import type { CellValue, ColumnFinding } from '../types.js';
import { findHeaderRow, isEmpty, namesOtherSubject, normalizeHeader, recognizerHeaderNames } from './header.js';

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
  matches: number;
  /** This candidate's bit in the column's memo of matches. */
  bit: number;
  /** Non-empty values, kept only for recognizers that check the whole column. */
  values: CellValue[] | undefined;
}

interface Column {
  index: number;
  header: string;
  nonEmpty: number;
  /** The last pruning round in which it received a value. */
  touchedIn: number;
  candidates: Candidate[];
  /**
   * Which candidates each distinct value matched, as bits. Most columns repeat a few values
   * (gender, place, status); one that does not (BSNs, e-mail addresses) drops its memo.
   */
  memo: Map<CellValue, number> | null;
}

/** How often (in rows) hopeless candidates are dropped: cheap enough, and soon enough. */
const PRUNE_EVERY = 512;
/** Distinct values a column may memoise before it is taken to be mostly unique. */
const MEMO_LIMIT = 1024;

export function profileSheet(
  rows: readonly (readonly CellValue[])[],
  recognizers: readonly Recognizer[],
  thresholds: Thresholds,
  where: { path: string; sheet: string },
): SheetProfile {
  const headerRow = findHeaderRow(rows, recognizers);
  const first = headerRow + 1;
  const headerCells = headerRow >= 0 ? (rows[headerRow] ?? []) : [];
  let width = headerCells.length;
  for (let r = first; r < rows.length; r++) width = Math.max(width, rows[r]?.length ?? 0);

  const columns: Column[] = [];
  for (let c = 0; c < width; c++) {
    const header = cellText(headerCells[c]);
    columns.push({ index: c, header, nonEmpty: 0, touchedIn: -1, candidates: candidatesFor(header, recognizers, thresholds), memo: new Map() });
  }

  // Indexed by column, undefined once nothing can change a column's outcome. Each row costs its
  // own length, never the sheet's width: one stray cell in column XFD must not multiply the work.
  const active = columns.map((column) => (column.candidates.length > 0 ? column : undefined));
  let activeCount = active.filter(Boolean).length;
  // Columns that received values since the last pruning: only their prospects changed.
  const touched: Column[] = [];
  let round = 0;
  for (let r = first; r < rows.length && activeCount > 0; r++) {
    const row = rows[r] ?? [];
    const end = Math.min(row.length, width);
    for (let c = 0; c < end; c++) {
      const column = active[c];
      const value = row[c];
      if (column === undefined || value === undefined || isEmpty(value)) continue;
      if (column.touchedIn !== round) touched.push(column);
      column.touchedIn = round;
      column.nonEmpty++;
      const matched = column.memo?.get(value) ?? matchBits(column, value);
      for (const candidate of column.candidates) {
        if (matched & candidate.bit) candidate.matches++;
        candidate.values?.push(value);
      }
    }
    if ((r - first) % PRUNE_EVERY === PRUNE_EVERY - 1) {
      for (const column of touched) {
        if (pruneHopeless(column, rows.length - r - 1)) continue;
        active[column.index] = undefined;
        activeCount--;
      }
      touched.length = 0;
      round++;
    }
  }

  const findings: ColumnFinding[] = [];
  for (const column of columns) {
    const decided = decide(column);
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
  return { findings, dataRows: Math.max(0, rows.length - first) };
}

function matchBits(column: Column, value: CellValue): number {
  let matched = 0;
  for (const candidate of column.candidates) {
    if (candidate.countsAll || candidate.recognizer.matches(value)) matched |= candidate.bit;
  }
  if (column.memo) {
    column.memo.set(value, matched);
    if (column.memo.size > MEMO_LIMIT) column.memo = null;
  }
  return matched;
}

function candidatesFor(header: string, recognizers: readonly Recognizer[], thresholds: Thresholds): Candidate[] {
  const normalized = normalizeHeader(header);
  const otherSubject = namesOtherSubject(normalized);
  const candidates: Candidate[] = [];
  for (const recognizer of recognizers) {
    const byHeader = recognizerHeaderNames(recognizer, normalized);
    if ((recognizer.needsHeader && !byHeader) || (otherSubject && !recognizer.onlyPeople)) continue;
    const limits = thresholdsFor(recognizer, thresholds);
    candidates.push({
      recognizer,
      byHeader,
      countsAll: byHeader && recognizer.headerSuffices === true,
      share: byHeader ? limits.shareWithHeader : limits.shareWithoutHeader,
      minMatches: byHeader ? limits.minMatchesWithHeader : limits.minMatchesWithoutHeader,
      matches: 0,
      bit: 1 << candidates.length,
      values: recognizer.columnCheck ? [] : undefined,
    });
  }
  return candidates;
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
 * Drops the candidates that can no longer change a column's outcome: those that cannot pass even
 * if every remaining row matched (the best share still reachable is (matches + left) /
 * (nonEmpty + left)), and those that rank below a candidate sure to pass even if no remaining
 * row matched. What stays is tested to the last row, so counts and remarks deep down are exact.
 * False when nothing is left to test.
 */
function pruneHopeless(column: Column, rowsLeft: number): boolean {
  const reachable = column.candidates.filter(
    (candidate) =>
      candidate.matches + rowsLeft >= candidate.minMatches &&
      candidate.matches + rowsLeft >= candidate.share * (column.nonEmpty + rowsLeft),
  );
  let floor = 0;
  for (const candidate of reachable) {
    const sure =
      !candidate.recognizer.columnCheck &&
      candidate.matches >= candidate.minMatches &&
      candidate.matches >= candidate.share * (column.nonEmpty + rowsLeft);
    if (sure) floor = Math.max(floor, tier(candidate));
  }
  column.candidates = reachable.filter((candidate) => tier(candidate) >= floor);
  return column.candidates.length > 0;
}

/** The entity a column holds: the passing recognizer of the highest tier, then the larger share. */
function decide(column: Column): Candidate | undefined {
  let best: Candidate | undefined;
  for (const candidate of column.candidates) {
    if (!passes(candidate, column.nonEmpty)) continue;
    if (!best || rank(candidate, column.nonEmpty) > rank(best, column.nonEmpty)) best = candidate;
  }
  return best;
}

function passes(candidate: Candidate, nonEmpty: number): boolean {
  if (nonEmpty === 0 || candidate.matches < candidate.minMatches) return false;
  if (candidate.matches < candidate.share * nonEmpty) return false;
  return !candidate.values || (candidate.recognizer.columnCheck?.(candidate.values, candidate.byHeader) ?? true);
}

function rank(candidate: Candidate, nonEmpty: number): number {
  return tier(candidate) + candidate.matches / nonEmpty;
}

/** A specific entity outranks a mere mention of health; a header that names it outranks none. */
function tier(candidate: Candidate): number {
  return (candidate.recognizer.category === 'special-category' ? 0 : 4) + (candidate.byHeader ? 2 : 0);
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
