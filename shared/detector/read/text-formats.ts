// Text that a spreadsheet application opens as a table: today delimited text (csv, tsv, txt) or
// plain lines. Every path that finds text (a text file, an archive entry, text found inside bytes
// that sniff as something else) reads it here, so that each text format is recognised once.
import type { FileKind, Sheet } from '../types.js';
import { readDelimited, sniffDelimiter } from './delimited.js';
import type { ReadSession } from './session.js';

export interface TextDocument {
  kind: FileKind;
  sheets: Sheet[];
}

export function readTextDocument(text: string, path: string, session: ReadSession): TextDocument {
  const delimiter = sniffDelimiter(text);
  const table = readDelimited(text, delimiter, path, () => session.checkpoint(path));
  return { kind: delimiter ? 'csv' : 'text', sheets: [{ name: path.slice(path.lastIndexOf('/') + 1), visibility: 'visible', table }] };
}
