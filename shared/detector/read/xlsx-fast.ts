// The fast path for xlsx/xlsm: inflates only the workbook, its relationships, shared strings,
// styles and worksheets (scanned by xlsx-worksheet.ts), without a DOM, and the other parts that
// hold cells (xlsx-cached.ts). Every part is read through xml-canonical.ts, so the scans below
// only meet plain tags: unprefixed SpreadsheetML, double-quoted attributes, no CDATA or comments.
// SheetJS reads the same files about ten times slower; test/detector/read-crosscheck.test.ts
// holds both paths to the same tables.
import type { Sheet, SheetVisibility } from '../types.js';
import { builtinFormat, isDateFormat } from './dates.js';
import { attribute, isType, relationships, spreadsheetPart, targetsOfType } from './opc.js';
import { stop, type ReadSession } from './session.js';
import { cachedSheets } from './xlsx-cached.js';
import { scanWorksheet } from './xlsx-worksheet.js';
import { runsText } from './xml-text.js';
import { join, type ZipContainer } from './zip.js';
import { RowsTable } from '../table.js';

export function readXlsx(zip: ZipContainer, session: ReadSession): Sheet[] {
  const workbookPath = officeDocumentPath(zip);
  const workbook = spreadsheetPart(zip, workbookPath);
  const rels = relationships(zip, workbookPath);
  const sharedStringsPath = targetsOfType(rels, 'sharedStrings')[0];
  const stylesPath = targetsOfType(rels, 'styles')[0];
  // A declared part that is missing is damage (zip.read stops with 'corrupt'): without the shared
  // strings every text cell would silently read as empty.
  const strings = sharedStringsPath ? sharedStrings(spreadsheetPart(zip, sharedStringsPath)) : [];
  const dateStyles = stylesPath ? dateStyleFlags(spreadsheetPart(zip, stylesPath)) : [];
  const date1904 = /<workbookPr\b[^>]*\sdate1904="(?:1|true)"/.test(workbook);

  const cells = { strings, dateStyles, date1904 };
  const sheets: Sheet[] = [];
  const worksheets: string[] = [];
  for (const tag of workbook.match(/<sheet\b[^>]*>/g) ?? []) {
    const name = attribute(tag, 'name') ?? '';
    const rel = rels.get(attribute(tag, 'r:id') ?? '');
    if (!rel) stop('corrupt', join(zip.path, name), 'sheet without a relationship');
    // Chart sheets and dialog sheets hold no cells; an unknown type is damage, not a reason to skip.
    if (isType(rel, 'chartsheet') || isType(rel, 'dialogsheet')) continue;
    if (!isType(rel, 'worksheet') && !isType(rel, 'xlMacrosheet')) stop('corrupt', join(zip.path, name), `unknown sheet type ${rel.type}`);
    const where = join(zip.path, name);
    const rows = scanWorksheet(spreadsheetPart(zip, rel.target), cells, where, () => session.checkpoint(where));
    sheets.push({ name, visibility: visibility(attribute(tag, 'state')), table: new RowsTable(rows) });
    worksheets.push(rel.target);
  }
  return [...sheets, ...cachedSheets(zip, { rels, worksheets, cells }, session)];
}

function officeDocumentPath(zip: ZipContainer): string {
  const target = targetsOfType(relationships(zip, ''), 'officeDocument')[0];
  if (target && zip.entries.has(target)) return target;
  if (zip.entries.has('xl/workbook.xml')) return 'xl/workbook.xml';
  return stop('corrupt', zip.path, 'no workbook part');
}

function visibility(state: string | undefined): SheetVisibility {
  return state === 'veryHidden' ? 'very-hidden' : state === 'hidden' ? 'hidden' : 'visible';
}

function sharedStrings(xml: string): string[] {
  const strings: string[] = [];
  for (const match of xml.matchAll(/<si\b[^>]*?(?:\/>|>([\s\S]*?)<\/si>)/g)) strings.push(runsText(match[1] ?? ''));
  return strings;
}

/** For each cell style (index into cellXfs), whether its number format shows a date. */
function dateStyleFlags(xml: string): boolean[] {
  const custom = new Map<number, string>();
  for (const tag of xml.match(/<numFmt\b[^>]*>/g) ?? []) custom.set(Number(attribute(tag, 'numFmtId')), attribute(tag, 'formatCode') ?? '');
  const cellXfs = /<cellXfs\b[^>]*>([\s\S]*?)<\/cellXfs>/.exec(xml)?.[1] ?? '';
  return (cellXfs.match(/<xf\b[^>]*>/g) ?? []).map((tag) => {
    const id = Number(attribute(tag, 'numFmtId') ?? 0);
    return isDateFormat(custom.get(id) ?? builtinFormat(id));
  });
}
