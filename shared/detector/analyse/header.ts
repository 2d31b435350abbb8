// Column headers: how they are compared with a recognizer's vocabulary, and which row holds them.
import type { CellValue } from '../types.js';
import type { Recognizer } from '../recognizers/types.js';
import { isEmpty, rowsOf, type Table } from '../table.js';

/** 'Geb. datum' -> 'geb datum', 'Cliënt-ID' -> 'client id': lower case, no accents, plain words. */
export function normalizeHeader(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();
}

/**
 * Headers about something other than a person: 'E-mail werkgever', 'Vacature ID', 'Telefoon
 * vestiging' describe employers, vacancies and offices, not job seekers.
 */
const OTHER_SUBJECTS = new Set([
  'werkgever', 'bedrijf', 'organisatie', 'vacature', 'product', 'artikel', 'order', 'bestelling', 'vestiging',
  'kantoor', 'afdeling', 'project', 'leverancier', 'employer', 'company', 'vacancy', 'item', 'office',
  'department', 'supplier',
]);

/** Whether a normalised header says its column is about an employer, a vacancy, an office... */
export function namesOtherSubject(header: string): boolean {
  return header.split(' ').some((word) => OTHER_SUBJECTS.has(word));
}

/**
 * Words of a header over a count, sum or share: 'Aantal WIA-uitkeringen', 'Totaal', '% werkhervatting'.
 * Not 'number': 'Phone number' and 'Client number' name a person's.
 */
const AGGREGATES = new Set([
  'aantal', 'totaal', 'som', 'gemiddeld', 'gemiddelde', 'percentage', 'procent', 'perc', 'aandeel', 'count', 'total',
  'sum', 'average', 'mean', 'share',
]);

/** Whether a header (as written) heads a count, sum, average or percentage. */
export function namesAggregate(header: string): boolean {
  return header.includes('%') || normalizeHeader(header).split(' ').some((word) => AGGREGATES.has(word));
}

/** A normalised header split into words once, for all the vocabularies it is compared with. */
interface HeaderWords {
  first: string;
  padded: string;
}

/** Undefined for an empty header or one about another subject: such a header names no entity. */
function headerWords(header: string): HeaderWords | undefined {
  const words = header.split(' ');
  if (header === '' || words.some((word) => OTHER_SUBJECTS.has(word))) return undefined;
  return { first: words[0]!, padded: ` ${header} ` };
}

/**
 * Whether a header names what a vocabulary describes: the entry's words appear in it as whole
 * words ('klant bsn' has 'bsn'). One- and two-letter entries ('id', 'pc') are too common inside
 * other headers, so they count only as the header's first word.
 */
function wordsName(words: HeaderWords, vocabulary: readonly string[]): boolean {
  return vocabulary.some((entry) => (entry.length <= 2 ? words.first === entry : hasWords(words.padded, entry)));
}

/** Whether `entry` stands between spaces in `padded`: includes(` ${entry} `) without a new string per entry. */
function hasWords(padded: string, entry: string): boolean {
  for (let at = padded.indexOf(entry); at >= 0; at = padded.indexOf(entry, at + 1)) {
    if (padded.charCodeAt(at - 1) === 32 && padded.charCodeAt(at + entry.length) === 32) return true;
  }
  return false;
}

function wordsNameEntity(words: HeaderWords, recognizer: Recognizer): boolean {
  return wordsName(words, recognizer.headers.nl) || wordsName(words, recognizer.headers.en);
}

/** Whether a normalised header names a recognizer's entity, in Dutch or English. */
export function recognizerHeaderNames(recognizer: Recognizer, header: string): boolean {
  const words = headerWords(header);
  return words !== undefined && wordsNameEntity(words, recognizer);
}

/** The recognizers whose entity a normalised header names. */
export function recognizersNamed(header: string, recognizers: readonly Recognizer[]): Recognizer[] {
  const words = headerWords(header);
  return words === undefined ? [] : recognizers.filter((recognizer) => wordsNameEntity(words, recognizer));
}

/** Header rows are searched only near the top: title rows above a table are a few lines. */
const HEADER_SEARCH_ROWS = 20;
/** Rows below a candidate header that tell how wide the table is. */
const ROWS_BELOW = 5;

/**
 * The index of the header row, or -1 for a table without one. The header need not be the first
 * row (exports often start with a title and a date). A header row is all text, as wide as the
 * table below it, with no cell that looks like data (a BSN in row 1 means there is no header).
 * Among such rows, the first one wins, unless a later one names two or more things we know: a
 * data row with the word 'Ziek' in it does not outrank the real header above it. A row that names
 * nothing we know is read as data: it might be data, and reasons quote headers, never values.
 */
export function findHeaderRow(table: Table, recognizers: readonly Recognizer[]): number {
  const rows = rowsOf(table, 0, HEADER_SEARCH_ROWS + ROWS_BELOW);
  const limit = Math.min(rows.length, HEADER_SEARCH_ROWS);
  let first = -1;
  let best = -1;
  let bestHits = 0;
  for (let r = 0; r < limit; r++) {
    const row = rows[r] ?? [];
    if (!looksLikeHeader(row, rows.slice(r + 1, r + 1 + ROWS_BELOW), recognizers)) continue;
    if (first < 0) first = r;
    const hits = vocabularyHits(row, recognizers);
    if (hits > bestHits) {
      best = r;
      bestHits = hits;
    }
  }
  if (best >= 0 && (bestHits >= 2 || best === first)) return best;
  return first >= 0 && vocabularyHits(rows[first] ?? [], recognizers) > 0 ? first : -1;
}

/** Whether the first row looks like a header (all text, as wide as the rows below), whatever it names. */
export function firstRowLooksLikeHeader(table: Table, recognizers: readonly Recognizer[]): boolean {
  const [first, ...below] = rowsOf(table, 0, 1 + ROWS_BELOW);
  return first !== undefined && below.length > 0 && looksLikeHeader(first, below, recognizers);
}

/**
 * How many different things a row's text cells name: recognizers' entities, or a subject other
 * than a person ('Werkgever'). A data row ('Ziek', 'Ziek') counts once.
 */
export function vocabularyHits(row: readonly CellValue[], recognizers: readonly Recognizer[]): number {
  const named = new Set<string>();
  for (const cell of row) {
    if (typeof cell !== 'string' || cell.length > 60) continue;
    const header = normalizeHeader(cell);
    if (namesOtherSubject(header)) named.add('other subject');
    for (const recognizer of recognizersNamed(header, recognizers)) named.add(recognizer.id);
  }
  return named.size;
}

/** Digits with separators: amounts, years, dates. Headers are words. */
const NUMERIC = /^[\d\s.,:/+-]+$/;

function looksLikeHeader(
  row: readonly CellValue[],
  below: readonly (readonly CellValue[])[],
  recognizers: readonly Recognizer[],
): boolean {
  const cells = row.filter((cell) => !isEmpty(cell));
  if (cells.length === 0) return false;
  const width = Math.max(0, ...below.map((next) => next.filter((cell) => !isEmpty(cell)).length));
  if (cells.length * 2 < width) return false;
  return cells.every(
    (cell) =>
      typeof cell === 'string' &&
      !NUMERIC.test(cell) &&
      !recognizers.some((recognizer) => recognizer.valueProvesItself && recognizer.matches(cell)),
  );
}
