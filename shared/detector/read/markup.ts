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
  const flat = flatOpenDocument(head);
  if (flat) {
    // Like zipped OpenDocument: only a declared text, presentation or drawing passes as no spreadsheet.
    return OTHER_OPEN_DOCUMENTS.includes(flat.mimetype) ? undefined : 'ods';
  }
  if (/<table[\s>]/.test(head)) return 'xls';
  // A web page can carry kilobytes of styles before its table (Excel's own "web page" format does).
  if (/<html|<!doctype html/.test(head) && /<table[\s>]/i.test(new TextDecoder(encoding).decode(bytes.subarray(0, HTML_SCAN_BYTES)))) return 'xls';
  return undefined;
}

const OFFICE_NAMESPACE = 'urn:oasis:names:tc:opendocument:xmlns:office:1.0';

/**
 * A flat OpenDocument file: its root element is the office namespace's `document`, under whatever
 * prefix it binds (LibreOffice reads `<o:document xmlns:o="...office:1.0">` as any .fods). The
 * mime type it declares, '' if none.
 */
function flatOpenDocument(head: string): { mimetype: string } | undefined {
  // The root is the first element: the first '<' before a name outside comments (the prolog's
  // declaration, doctype and processing instructions start with '<?' or '<!').
  const root = /<(?:([a-z_][\w.-]*):)?([a-z_][\w.-]*)[^>]*/.exec(head.replace(/<!--[\s\S]*?-->/g, ''));
  if (!root || root[2] !== 'document') return undefined;
  const [tag, rootPrefix = ''] = root;
  const bound = [...tag.matchAll(/\sxmlns(?::([\w.-]+))?\s*=\s*(["'])([^"']*)\2/g)].filter((m) => m[3] === OFFICE_NAMESPACE).map((m) => m[1] ?? '');
  if (!bound.includes(rootPrefix)) return undefined;
  // Attributes take no default namespace: the mime type is under a prefix bound to the office namespace.
  const mimetype = [...tag.matchAll(/\s([\w.-]+):mimetype\s*=\s*(["'])([^"']*)\2/g)].find((m) => bound.includes(m[1] ?? ''));
  return { mimetype: mimetype?.[3] ?? '' };
}

/** Whether the markup ends with the closing tag of its root (or of its last table, for HTML). */
export function markupComplete(bytes: Uint8Array, encoding: TextEncodingName): boolean {
  // Whole UTF-16 code units only, so that the tail decodes cleanly.
  const start = Math.max(0, bytes.length - TAIL_BYTES) & ~1;
  const tail = new TextDecoder(encoding).decode(bytes.subarray(start)).toLowerCase();
  return /<\/(?:[\w.-]+:)?(?:workbook|document)\s*>|<\/table>|<\/html>/.test(tail);
}
