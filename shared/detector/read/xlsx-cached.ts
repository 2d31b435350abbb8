// Cells an xlsx keeps beside its listed worksheets: pivot caches (pivot-cache.ts), chart series
// caches (chart-cache.ts), the cached values of linked workbooks, cell comments (notes and Excel 365's
// threaded comments), and worksheet parts the workbook does not list. A
// recipient sees them (a comment in its cell, linked values in Data > Edit Links, a cache by
// double-clicking a pivot total) or unpacks them, so each is read as a very hidden sheet. Parts are found by relationship, as Excel finds them, and by
// their usual names, so that a part nothing points to is read too.
import type { CellValue, Sheet } from '../types.js';
import { RowsTable } from '../table.js';
import { fillGaps, GridBudget, MAX_COLUMNS, MAX_ROWS } from './grid.js';
import { attribute, relationships, spreadsheetPart, targetsOfType, type Relationship } from './opc.js';
import { chartCacheSheet } from './chart-cache.js';
import { pivotCacheSheet } from './pivot-cache.js';
import { stop, type ReadSession } from './session.js';
import { scanWorksheet, type CellContext } from './xlsx-worksheet.js';
import { runsText, xmlText } from './xml-text.js';
import { xmlPart, type Vocabulary } from './xml-canonical.js';
import { join, partKey, type ZipContainer } from './zip.js';

export interface WorkbookParts {
  rels: Map<string, Relationship>;
  /** The worksheet parts, whose relationships lead to their comments. */
  worksheets: string[];
  cells: CellContext;
}

export function cachedSheets(zip: ZipContainer, parts: WorkbookParts, session: ReadSession): Sheet[] {
  // Stored names are matched as OPC part names (case, backslashes), as Excel and SheetJS find them.
  const named = (usualName: RegExp) => [...zip.entries.keys()].filter((name) => usualName.test(partKey(name)));
  const found = (type: string, usualName: RegExp, from: Map<string, Relationship>[]) => {
    const byKey = new Map<string, string>();
    for (const path of [...from.flatMap((rels) => targetsOfType(rels, type)), ...named(usualName)]) if (!byKey.has(partKey(path))) byKey.set(partKey(path), path);
    return [...byKey.values()];
  };
  const sheetRels = parts.worksheets.map((sheet) => relationships(zip, sheet));
  const listed = new Set(parts.worksheets.map(partKey));
  const drawingRels = found('drawing', /^xl\/drawings\/drawing[^/]*\.xml$/i, sheetRels).map((drawing) => relationships(zip, drawing));
  return [
    ...found('pivotCacheDefinition', /^xl\/pivotCache\/pivotCacheDefinition[^/]*\.xml$/i, [parts.rels]).map((path) => pivotCacheSheet(zip, path, session)),
    ...found('externalLink', /^xl\/externalLinks\/externalLink[^/]*\.xml$/i, [parts.rels]).flatMap((path) => externalLinkSheets(zip, path)),
    ...found('chart', /^xl\/charts\/chart[^/]*\.xml$/i, drawingRels).map((path) => chartCacheSheet(zip, path)),
    ...found('comments', /^xl\/comments[^/]*\.xml$/i, sheetRels).map((path) => commentsSheet(zip, path)),
    ...found('threadedComment', /^xl\/threadedComments\/[^/]+\.xml$/i, sheetRels).map((path) => threadedCommentsSheet(zip, path)),
    ...named(/^xl\/(?:worksheets|macrosheets)\/[^/]+\.xml$/).filter((name) => !listed.has(partKey(name))).map((path) => unlistedSheet(zip, path, parts.cells, session)),
  ];
}

function unlistedSheet(zip: ZipContainer, path: string, cells: CellContext, session: ReadSession): Sheet {
  const where = join(zip.path, path);
  return { name: `unlisted ${path}`, visibility: 'very-hidden', table: new RowsTable(scanWorksheet(spreadsheetPart(zip, path), cells, where, () => session.checkpoint(where))) };
}

/** A linked workbook's values as Excel cached them: one sheet per <sheetData> of the <sheetDataSet>. */
function externalLinkSheets(zip: ZipContainer, path: string): Sheet[] {
  const where = join(zip.path, path);
  const xml = spreadsheetPart(zip, path);
  const names = [...xml.matchAll(/<sheetName\b([^>]*)>/g)].map(([, tag = '']) => attribute(tag, 'val') ?? '');
  return [...xml.matchAll(/<sheetData\b([^>]*?)(?:\/>|>([\s\S]*?)<\/sheetData>)/g)].map(([, tag = '', body = '']) => {
    const id = Number(attribute(tag, 'sheetId') ?? 0);
    const cells = [...body.matchAll(/<cell\b([^>]*?)(?:\/>|>([\s\S]*?)<\/cell>)/g)].map(([, cellTag = '', content = '']) => ({
      ref: attribute(cellTag, 'r') ?? '',
      value: linkedValue(attribute(cellTag, 't'), /<v\b[^>]*>([^<]*)<\/v>/.exec(content)?.[1]),
    }));
    return cachedSheet(`linked workbook ${path} '${names[id] ?? id}'`, cells, where);
  });
}

function linkedValue(type: string | undefined, raw: string | undefined): CellValue {
  if (raw === undefined) return null;
  const text = xmlText(raw);
  if (type === 's' || type === 'str') return text === '' ? null : text;
  if (type === 'b') return text === '1' || text === 'true';
  if (type === 'e') return null;
  const number = Number(text);
  return text === '' || Number.isNaN(number) ? null : number;
}

/** Each comment's text in the cell it belongs to, so that the notes on a column of people are a column. */
function commentsSheet(zip: ZipContainer, path: string): Sheet {
  const xml = spreadsheetPart(zip, path);
  const cells = [...xml.matchAll(/<comment\b([^>]*?)(?:\/>|>([\s\S]*?)<\/comment>)/g)].map(([, tag = '', body = '']) => {
    const text = runsText(/<text\b[^>]*>([\s\S]*?)<\/text>/.exec(body)?.[1] ?? '');
    return { ref: attribute(tag, 'ref') ?? '', value: text === '' ? null : text };
  });
  return cachedSheet(`comments ${path}`, cells, join(zip.path, path));
}

const THREADED_COMMENTS: Vocabulary = new Map([['http://schemas.microsoft.com/office/spreadsheetml/2018/threadedcomments', '']]);

/**
 * Excel 365's comments: a thread per cell, shown in full when the cell is hovered. A file written
 * without the legacy note Excel adds beside each thread still shows the thread.
 */
function threadedCommentsSheet(zip: ZipContainer, path: string): Sheet {
  const xml = xmlPart(zip.read(path), THREADED_COMMENTS, join(zip.path, path));
  const threads = new Map<string, string[]>();
  for (const [, tag = '', body = ''] of xml.matchAll(/<threadedComment\b([^>]*?)(?:\/>|>([\s\S]*?)<\/threadedComment>)/g)) {
    const text = xmlText(/<text\b[^>]*>([\s\S]*?)<\/text>/.exec(body)?.[1] ?? '');
    const ref = attribute(tag, 'ref') ?? '';
    if (text !== '') threads.set(ref, [...(threads.get(ref) ?? []), text]);
  }
  const cells = [...threads].map(([ref, texts]) => ({ ref, value: texts.join('\n') }));
  return cachedSheet(`threaded comments ${path}`, cells, join(zip.path, path));
}

function cachedSheet(name: string, cells: { ref: string; value: CellValue }[], where: string): Sheet {
  const rows: CellValue[][] = [];
  let positions = 0;
  for (const { ref, value } of cells) {
    const match = /^\$?([A-Z]{1,3})\$?(\d{1,7})$/.exec(ref);
    if (!match) stop('corrupt', where, 'a cell without a valid reference');
    const column = [...(match[1] ?? '')].reduce((sum, letter) => sum * 26 + letter.charCodeAt(0) - 64, 0) - 1;
    const row = Number(match[2]) - 1;
    if (column >= MAX_COLUMNS || row < 0 || row >= MAX_ROWS) stop('corrupt', where, `cell ${ref} outside the sheet`);
    const cellsOfRow = (rows[row] ??= []);
    positions += Math.max(0, column + 1 - cellsOfRow.length);
    cellsOfRow[column] = value;
  }
  new GridBudget(where).add(positions, cells.length);
  for (let r = 0; r < rows.length; r++) fillGaps((rows[r] ??= []));
  return { name, visibility: 'very-hidden', table: new RowsTable(rows) };
}
