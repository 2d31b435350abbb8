// Which kind of document a zip container is, from the names (and two small parts) inside it.
import type { FileKind } from '../types.js';
import type { ZipContainer } from './zip.js';

/** OpenDocument types that are not spreadsheets. */
export const OTHER_OPEN_DOCUMENTS = ['text', 'text-master', 'presentation', 'graphics', 'drawing', 'chart', 'formula', 'image'].flatMap((type) => [
  `application/vnd.oasis.opendocument.${type}`,
  `application/vnd.oasis.opendocument.${type}-template`,
]);

/** 'zip' means a plain archive whose entries are read one by one. */
export function zipKind(zip: ZipContainer): FileKind {
  return kindFromNames([...zip.entries.keys()], (name) => (zip.entries.has(name) ? zip.text(name) : ''));
}

export function kindFromNames(names: string[], text: (name: string) => string): FileKind {
  const has = (name: string) => names.includes(name);
  const under = (folder: string) => names.some((n) => n.startsWith(folder));
  if (has('xl/workbook.bin')) return 'xlsb';
  if (has('xl/workbook.xml') || under('xl/')) {
    const macros = has('xl/vbaProject.bin') || (has('[Content_Types].xml') && text('[Content_Types].xml').includes('sheet.macroEnabled.main'));
    return macros ? 'xlsm' : 'xlsx';
  }
  if (has('content.xml') && (has('mimetype') || has('META-INF/manifest.xml'))) {
    // Only a document that declares itself text, presentation or drawing passes as 'other': a
    // damaged declaration is read as a spreadsheet (and blocked if it cannot be).
    const declared = has('mimetype') ? text('mimetype').trim() : /manifest:full-path="\/"[^>]*manifest:media-type="([^"]*)"/.exec(text('META-INF/manifest.xml'))?.[1] ?? '';
    return OTHER_OPEN_DOCUMENTS.includes(declared) ? 'other' : 'ods';
  }
  if (under('word/')) return 'docx';
  if (under('ppt/') || under('visio/')) return 'other';
  return 'zip';
}
