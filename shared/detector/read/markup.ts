// Spreadsheets written as markup text: Excel 2003 XML, flat OpenDocument and HTML tables (what
// many web systems save as .xls). SheetJS reads them; a cut-off one reads as fewer or no rows
// without complaint, so its closing tag is checked first.
import { OTHER_OPEN_DOCUMENTS } from './container-kind.js';
import type { TextEncodingName } from './encoding.js';

export type MarkupKind = 'xls' | 'ods';

const HEAD_CHARS = 4096;
const TAIL_BYTES = 1024;
const HTML_SCAN_BYTES = 1024 * 1024;

export function markupSpreadsheet(bytes: Uint8Array, encoding: TextEncodingName): MarkupKind | undefined {
  const head = new TextDecoder(encoding).decode(bytes.subarray(0, HEAD_CHARS)).trimStart().toLowerCase();
  if (!head.startsWith('<')) return undefined;
  if (head.includes('urn:schemas-microsoft-com:office:spreadsheet')) return 'xls';
  if (head.includes('<office:document')) {
    // Like zipped OpenDocument: only a declared text, presentation or drawing passes as no spreadsheet.
    const declared = /office:mimetype="([^"]*)"/.exec(head)?.[1] ?? '';
    return OTHER_OPEN_DOCUMENTS.includes(declared) ? undefined : 'ods';
  }
  if (/<table[\s>]/.test(head)) return 'xls';
  // A web page can carry kilobytes of styles before its table (Excel's own "web page" format does).
  if (/<html|<!doctype html/.test(head) && /<table[\s>]/i.test(new TextDecoder(encoding).decode(bytes.subarray(0, HTML_SCAN_BYTES)))) return 'xls';
  return undefined;
}

/** Whether the markup ends with the closing tag of its root (or of its last table, for HTML). */
export function markupComplete(bytes: Uint8Array, encoding: TextEncodingName): boolean {
  // Whole UTF-16 code units only, so that the tail decodes cleanly.
  const start = Math.max(0, bytes.length - TAIL_BYTES) & ~1;
  const tail = new TextDecoder(encoding).decode(bytes.subarray(start)).toLowerCase();
  return /<\/(?:ss:)?workbook>|<\/office:document>|<\/table>|<\/html>/.test(tail);
}
