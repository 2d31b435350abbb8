// Which kind of document a zip container is, from the names (and two small parts) inside it.
import type { FileKind } from '../types.js';
import type { ZipContainer } from './zip.js';

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
  if (has('mimetype') || has('META-INF/manifest.xml')) {
    const declared = has('mimetype') ? text('mimetype') : text('META-INF/manifest.xml');
    if (declared.includes('opendocument.spreadsheet')) return 'ods';
    if (declared.includes('opendocument')) return 'other';
  }
  if (under('word/')) return 'docx';
  if (under('ppt/') || under('visio/')) return 'other';
  return 'zip';
}
