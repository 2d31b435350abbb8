// Which kind of document a zip container is, from the names (and two small parts) inside it.
import type { FileKind } from '../types.js';
import { OPEN_DOCUMENT, plainXml } from './xml-canonical.js';
import { partKey, type ZipContainer } from './zip.js';

/** OpenDocument types that are not spreadsheets. */
export const OTHER_OPEN_DOCUMENTS = ['text', 'text-master', 'presentation', 'graphics', 'drawing', 'chart', 'formula', 'image'].flatMap((type) => [
  `application/vnd.oasis.opendocument.${type}`,
  `application/vnd.oasis.opendocument.${type}-template`,
]);

/** 'zip' means a plain archive whose entries are read one by one. */
export function zipKind(zip: ZipContainer): FileKind {
  return kindFromNames([...zip.entries.keys()], (name) => (zip.entries.has(name) ? zip.text(name) : ''));
}

/** Names are compared as OPC parts (see partKey): Office opens 'XL/WORKBOOK.XML' as a workbook. */
export function kindFromNames(names: string[], text: (name: string) => string): FileKind {
  const keys = names.map(partKey);
  const has = (name: string) => keys.includes(partKey(name));
  const under = (folder: string) => keys.some((key) => key.startsWith(partKey(folder)));
  if (has('xl/workbook.bin')) return 'xlsb';
  if (has('xl/workbook.xml') || under('xl/')) {
    const macros = has('xl/vbaProject.bin') || (has('[Content_Types].xml') && text('[Content_Types].xml').includes('sheet.macroEnabled.main'));
    return macros ? 'xlsm' : 'xlsx';
  }
  if (has('mimetype') || has('META-INF/manifest.xml')) {
    const declared = [has('mimetype') ? text('mimetype').trim() : '', has('META-INF/manifest.xml') ? manifestType(text('META-INF/manifest.xml')) : ''].filter((t) => t !== '');
    // Only a document that declares itself text, presentation or drawing (in both places, when it
    // has both) passes as 'other': a damaged or contradicting declaration is read as a
    // spreadsheet, and blocked if it cannot be (a declared spreadsheet without content.xml too).
    const other = declared.length > 0 && declared.every((type) => OTHER_OPEN_DOCUMENTS.includes(type));
    if (has('content.xml') || (!other && declared.some((type) => type.startsWith('application/vnd.oasis.opendocument.spreadsheet')))) return other ? 'other' : 'ods';
  }
  if (under('word/')) return 'docx';
  if (under('ppt/') || under('visio/')) return 'other';
  return 'zip';
}

/** The media type the manifest gives the package itself (full-path "/"). */
function manifestType(xml: string): string {
  if (xml === '') return '';
  for (const tag of plainXml(xml, OPEN_DOCUMENT, 'META-INF/manifest.xml').match(/<manifest:file-entry\b[^>]*>/g) ?? []) {
    if (/\smanifest:full-path="\/"/.test(tag)) return /\smanifest:media-type="([^"]*)"/.exec(tag)?.[1] ?? '';
  }
  return '';
}
