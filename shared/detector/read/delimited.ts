// Delimited text (csv, tsv, txt) as one table. Every field stays a string exactly as written:
// no number or date guessing, so '012345678' keeps its leading zero and '03-04-2018' stays
// day-first. Empty fields are null. Plain text without a delimiter is a one-column table.
import type { Table } from '../table.js';
import { FieldList } from './delimited-table.js';

const CANDIDATES = [';', '\t', ',', '|'] as const;
const SNIFF_LINES = 50;
/** Where sniffing stops looking for line ends, should a quote never close. */
const SNIFF_CHARS = 1 << 16;
const ROWS_PER_CHECKPOINT = 2000;

/** The delimiter whose count per line is the same (and non-zero) on most of the first lines. */
export function sniffDelimiter(text: string): string | undefined {
  return plausibleDelimiters(text)[0];
}

/**
 * Every delimiter whose count per line is the same (and non-zero) on at least half of the first
 * lines, the most consistent first. A Dutch export may hold ';' and ',' alike consistently (decimal
 * commas): Excel splits it by the locale's list separator, LibreOffice by what its user ticks, so
 * each plausible reading is one a person may see.
 */
export function plausibleDelimiters(text: string): string[] {
  const lines = firstLines(text, SNIFF_LINES);
  const scored: { delimiter: string; score: number }[] = [];
  for (const delimiter of CANDIDATES) {
    const counts = lines.map((line) => countOutsideQuotes(line, delimiter));
    const mode = mostCommon(counts.filter((c) => c > 0));
    if (mode === undefined) continue;
    const score = counts.filter((c) => c === mode).length;
    if (score >= Math.ceil(lines.length / 2)) scored.push({ delimiter, score });
  }
  // A stable sort: on a tie the earlier candidate (';' before ',') stays first.
  return scored.sort((a, b) => b.score - a.score).map((s) => s.delimiter);
}

/** The first non-empty records: line breaks inside quotes belong to their field; \r\n, \n and \r end one. */
function firstLines(text: string, count: number): string[] {
  const lines: string[] = [];
  let start = 0;
  let quoted = false;
  const end = Math.min(text.length, SNIFF_CHARS);
  let i = 0;
  for (; i < end && lines.length < count; i++) {
    const ch = text.charCodeAt(i);
    if (ch === 34 /* " */) quoted = !quoted;
    else if (!quoted && (ch === 10 || ch === 13)) {
      if (text.slice(start, i).trim() !== '') lines.push(text.slice(start, i));
      if (ch === 13 && text.charCodeAt(i + 1) === 10) i++;
      start = i + 1;
    }
  }
  // The rest is a last record when the text ends there, or when no line ended before sniffing stopped.
  const rest = text.slice(start, i);
  if ((i === text.length || lines.length === 0) && lines.length < count && rest.trim() !== '') lines.push(rest);
  return lines;
}

function countOutsideQuotes(line: string, delimiter: string): number {
  let count = 0;
  let quoted = false;
  for (const ch of line) {
    if (ch === '"') quoted = !quoted;
    else if (ch === delimiter && !quoted) count++;
  }
  return count;
}

function mostCommon(values: number[]): number | undefined {
  const tally = new Map<number, number>();
  for (const v of values) tally.set(v, (tally.get(v) ?? 0) + 1);
  let best: number | undefined;
  for (const [value, n] of tally) if (best === undefined || n > (tally.get(best) ?? 0)) best = value;
  return best;
}

/**
 * Reads RFC 4180 style text: quoted fields may hold delimiters, doubled quotes and line breaks.
 * `checkpoint` is called every few thousand rows so that a deadline or cancellation can stop it;
 * a row wider than a spreadsheet stops it as too large. No cell is built here: the table records where each field lies in the text.
 */
export function readDelimited(text: string, delimiter: string | undefined, path: string, checkpoint: () => void): Table {
  const fields = new FieldList(text, path);
  const sepCode = delimiter === undefined ? -1 : delimiter.charCodeAt(0);
  const boundaries = new Boundaries(text, delimiter);
  let i = 0;
  const n = text.length;
  while (i < n) {
    if (text.charCodeAt(i) === 34 /* " */) {
      const from = i + 1;
      const quote = text.indexOf('"', from);
      if (quote !== -1 && text.charCodeAt(quote + 1) !== 34 && boundaries.next(quote + 1) === quote + 1) {
        // The common case, a field quoted as a whole: its value is the text between the quotes.
        if (text.charCodeAt(from) === 61 /* = */) fields.value(shownValue(text.slice(from, quote)));
        else fields.span(from, quote);
        i = quote + 1;
      } else {
        i = quotedField(text, from, boundaries, fields);
      }
    } else {
      const end = boundaries.next(i);
      const first = text.charCodeAt(i);
      // A formula, or a control character before the value: what a cell shows differs from the text.
      if (end > i && (first === 61 /* = */ || first < 32)) fields.value(shownValue(visible(text.slice(i, end))));
      else fields.span(i, end);
      i = end;
    }
    if (i >= n) break;
    if (text.charCodeAt(i) === sepCode) {
      i++;
      if (i >= n) fields.span(n, n);
      continue;
    }
    // A line break: \r\n, \n or \r. A control character before it (a tool's or a trick's, on
    // every line) is no part of the row's last value; looked for once a row, not once a field.
    if (text.charCodeAt(i - 1) < 32) fields.reviseLast(visible);
    if (text.charCodeAt(i) === 13 && text.charCodeAt(i + 1) === 10) i++;
    i++;
    if (fields.endRow() % ROWS_PER_CHECKPOINT === 0) checkpoint();
  }
  fields.endRow();
  return fields.table();
}

/** A quoted field with doubled quotes, line breaks or text after its closing quote. Returns where it ends. */
function quotedField(text: string, from: number, boundaries: Boundaries, fields: FieldList): number {
  let value = '';
  let i: number;
  for (;;) {
    const quote = text.indexOf('"', from);
    if (quote === -1) {
      // An unterminated quote: keep the rest as the field rather than losing it.
      value += text.slice(from);
      i = text.length;
      break;
    }
    value += text.slice(from, quote);
    if (text.charCodeAt(quote + 1) === 34) {
      value += '"';
      from = quote + 2;
    } else {
      i = quote + 1;
      break;
    }
  }
  // Anything between the closing quote and the delimiter is kept, as spreadsheet programs do.
  const tail = boundaries.next(i);
  fields.value(shownValue(visible(value + text.slice(i, tail))));
  return tail;
}

/** Control characters other than tab and line ends: a cell shows nothing of them. */
export const INVISIBLE_CONTROL = /[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]/;
const INVISIBLE_CONTROLS = new RegExp(INVISIBLE_CONTROL.source, 'g');

/** The text without invisible control characters. */
export function visible(text: string): string {
  return INVISIBLE_CONTROL.test(text) ? text.replace(INVISIBLE_CONTROLS, '') : text;
}

const FORMULA_TEXT = /^=\+?"((?:[^"]|"")*)"$/;
const FORMULA_NUMBER = /^=\+?(-?\d+(?:\.\d+)?)$/;

/**
 * What Excel and LibreOffice show for a field written as a formula of one constant, quoted or not:
 * '="012345678"' (how export tools keep an ID's leading zero) shows 012345678, '=0123' shows 123.
 * Any other field, formulas of more than a constant included, stays as written.
 */
export function shownValue(field: string): string {
  if (field.charCodeAt(0) !== 61 /* = */) return field;
  const text = FORMULA_TEXT.exec(field);
  if (text) return text[1]!.replace(/""/g, '"');
  const number = FORMULA_NUMBER.exec(field);
  return number ? String(Number(number[1])) : field;
}

/**
 * Where fields end: the next delimiter or line break at or after a position. Each kind's next
 * position is found with indexOf and kept until the scan passes it, so the text is searched
 * about once in all, not character by character in script.
 */
class Boundaries {
  private delimiterAt = -1;
  private lineFeedAt = -1;
  private returnAt = -1;

  constructor(
    private readonly text: string,
    private readonly delimiter: string | undefined,
  ) {}

  next(from: number): number {
    if (this.delimiterAt < from) this.delimiterAt = this.delimiter === undefined ? this.text.length : this.find(this.delimiter, from);
    if (this.lineFeedAt < from) this.lineFeedAt = this.find('\n', from);
    if (this.returnAt < from) this.returnAt = this.find('\r', from);
    return Math.min(this.delimiterAt, this.lineFeedAt, this.returnAt);
  }

  private find(char: string, from: number): number {
    const at = this.text.indexOf(char, from);
    return at === -1 ? this.text.length : at;
  }
}
