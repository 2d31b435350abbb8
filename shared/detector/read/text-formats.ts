// Text that a spreadsheet application opens as a table: SYLK, DIF, JSON and XML records, delimited
// text (csv, tsv, txt), fixed-width text (prn) or plain lines. Every path that finds text (a text
// file, an archive entry, text found inside bytes that sniff as something else) reads it here, so
// that each text format is recognised once. The formats with a signature are told by their first
// characters only; a text that fails its format's reader is read as the lines LibreOffice's text
// import would show.
import type { FileKind, Sheet } from '../types.js';
import type { Table } from '../table.js';
import { INVISIBLE_CONTROL, plausibleDelimiters, readDelimited, visible } from './delimited.js';
import { isDif, readDif } from './dif.js';
import { fixedWidthColumns, readFixedWidth } from './fixed-width.js';
import { splitLines } from './lines.js';
import { looksLikeJson, readJsonRecords, type NamedTable } from './json-records.js';
import type { ReadSession } from './session.js';
import { isSylk, readSylk } from './sylk.js';
import { looksLikeXml, readXmlRecords } from './xml-records.js';

export interface TextDocument {
  kind: FileKind;
  sheets: Sheet[];
}

/**
 * Where control characters are looked for in the whole text. Beyond it, the table reader drops
 * them at either end of a field (where a tool or a trick puts them on every line); scanning all of
 * a 12 MB export for them cost a third of reading it.
 */
const CONTROL_SCAN_CHARS = 1 << 16;
/** The formats with a signature show it in their first characters. */
const HEAD_CHARS = 256;
/** Excel's first line 'sep=;' names the delimiter and is no row. */
const SEP_LINE = /^sep=([^\r\n])(?:\r\n|\n|\r|$)/i;

/**
 * `onKind` hears the kind as soon as it is known, before the table is read: a reader that stops
 * (a row too wide, the deadline) still leaves the file's kind for the verdict.
 */
export function readTextDocument(decoded: string, path: string, session: ReadSession, onKind: (kind: FileKind) => void = () => {}): TextDocument {
  // A byte order mark left in the text (text found after other bytes keeps it) hides a signature or sep= line.
  const text = decoded.charCodeAt(0) === 0xfeff ? decoded.slice(1) : decoded;
  const name = path.slice(path.lastIndexOf('/') + 1);
  const sheet = (table: Table, suffix = ''): Sheet => ({ name: name + suffix, visibility: 'visible', table });
  const checkpoint = () => session.checkpoint(path);
  const head = text.slice(0, HEAD_CHARS);
  const document = (kind: FileKind, read: () => Sheet[]): TextDocument => {
    onKind(kind);
    return { kind, sheets: read() };
  };
  if (isSylk(head)) return document('sylk', () => [sheet(readSylk(text, path, checkpoint))]);
  if (isDif(head)) return document('dif', () => [sheet(readDif(text, path, checkpoint))]);
  const records = looksLikeJson(head) ? readJsonRecords(text, path, checkpoint) : looksLikeXml(head) ? readXmlRecords(text, path, checkpoint) : undefined;
  if (records) {
    const named = ({ name, table }: NamedTable) => sheet(table, name === '' ? '' : `#${name}`);
    return document(looksLikeJson(head) ? 'json' : 'xml', () => records.map(named));
  }
  return readLines(text, sheet, path, checkpoint, document);
}

/** Delimited text, fixed-width text or plain lines. */
function readLines(
  text: string,
  sheet: (table: Table, suffix?: string) => Sheet,
  path: string,
  checkpoint: () => void,
  document: (kind: FileKind, read: () => Sheet[]) => TextDocument,
): TextDocument {
  const shown = INVISIBLE_CONTROL.test(text.slice(0, CONTROL_SCAN_CHARS)) ? visible(text) : text;
  const sep = SEP_LINE.exec(shown);
  const body = sep ? shown.slice(sep[0].length) : shown;
  const delimiters = sep ? [sep[1]!] : plausibleDelimiters(body);
  if (delimiters.length === 0) {
    const split = splitLines(body);
    const columns = fixedWidthColumns(split);
    const lines = () => sheet(readDelimited(body, undefined, path, checkpoint));
    // Both readings: LibreOffice shows the lines until its user sets the column breaks it proposes.
    if (columns) return document('prn', () => [lines(), sheet(readFixedWidth(split, columns, checkpoint), ' (fixed width)')]);
    return document('text', () => [lines()]);
  }
  // Every plausible reading is analysed: whichever one a person's application picks, people in it are found.
  return document('csv', () => delimiters.map((delimiter, i) => sheet(readDelimited(body, delimiter, path, checkpoint), i === 0 ? '' : ` (${delimiter})`)));
}
