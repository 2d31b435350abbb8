// The fast path for xlsx/xlsm: inflates only the workbook, its relationships, shared strings,
// styles and worksheets (scanned by xlsx-worksheet.ts), without a DOM.
// SheetJS reads the same files about ten times slower; test/detector/read-crosscheck.test.ts
// holds both paths to the same tables.
import type { Sheet, SheetVisibility } from '../types.js';
import { builtinFormat, isDateFormat } from './dates.js';
import { stop, type ReadSession } from './session.js';
import { scanWorksheet } from './xlsx-worksheet.js';
import { runsText, xmlText } from './xml-text.js';
import { join, type ZipContainer } from './zip.js';
import { RowsTable } from '../table.js';

export function readXlsx(zip: ZipContainer, session: ReadSession): Sheet[] {
  const workbookPath = officeDocumentPath(zip);
  const workbook = zip.text(workbookPath);
  const base = workbookPath.slice(0, workbookPath.lastIndexOf('/') + 1);
  const rels = relationships(zip, `${base}_rels/${workbookPath.slice(base.length)}.rels`, base);
  const byType = (type: string) => [...rels.values()].find((r) => isType(r, type))?.target;
  const sharedStringsPath = byType('sharedStrings');
  const stylesPath = byType('styles');
  // A declared part that is missing is damage (zip.text stops with 'corrupt'): without the shared
  // strings every text cell would silently read as empty.
  const strings = sharedStringsPath ? sharedStrings(zip.text(sharedStringsPath)) : [];
  const dateStyles = stylesPath ? dateStyleFlags(zip.text(stylesPath)) : [];
  const date1904 = /<(?:\w+:)?workbookPr\b[^>]*\bdate1904="(?:1|true)"/.test(workbook);

  const sheets: Sheet[] = [];
  for (const tag of workbook.match(/<(?:\w+:)?sheet\b[^>]*>/g) ?? []) {
    const name = xmlText(attribute(tag, 'name') ?? '');
    const rel = rels.get(attribute(tag, 'id', true) ?? '');
    if (!rel) stop('corrupt', join(zip.path, name), 'sheet without a relationship');
    // Chart sheets and dialog sheets hold no cells; an unknown type is damage, not a reason to skip.
    if (isType(rel, 'chartsheet') || isType(rel, 'dialogsheet')) continue;
    if (!isType(rel, 'worksheet') && !isType(rel, 'xlMacrosheet')) stop('corrupt', join(zip.path, name), `unknown sheet type ${rel.type}`);
    const where = join(zip.path, name);
    const rows = scanWorksheet(zip.text(rel.target), { strings, dateStyles, date1904 }, where, () => session.checkpoint(where));
    sheets.push({ name, visibility: visibility(attribute(tag, 'state')), table: new RowsTable(rows) });
  }
  return sheets;
}

function officeDocumentPath(zip: ZipContainer): string {
  if (zip.entries.has('_rels/.rels')) {
    const root = relationships(zip, '_rels/.rels', '');
    const target = [...root.values()].find((r) => isType(r, 'officeDocument'))?.target;
    if (target && zip.entries.has(target)) return target;
  }
  if (zip.entries.has('xl/workbook.xml')) return 'xl/workbook.xml';
  return stop('corrupt', zip.path, 'no workbook part');
}

function visibility(state: string | undefined): SheetVisibility {
  return state === 'veryHidden' ? 'very-hidden' : state === 'hidden' ? 'hidden' : 'visible';
}

interface Relationship {
  type: string;
  target: string;
}

function relationships(zip: ZipContainer, path: string, base: string): Map<string, Relationship> {
  const result = new Map<string, Relationship>();
  if (!zip.entries.has(path)) return result;
  for (const tag of zip.text(path).match(/<(?:\w+:)?Relationship\b[^>]*>/g) ?? []) {
    const id = attribute(tag, 'Id');
    const target = attribute(tag, 'Target');
    if (!id || !target || attribute(tag, 'TargetMode') === 'External') continue;
    result.set(id, { type: attribute(tag, 'Type') ?? '', target: resolve(base, xmlText(target)) });
  }
  return result;
}

/** Transitional and Strict OOXML name relationship types under different namespaces; the last segment is the same. */
function isType(relationship: Relationship, type: string): boolean {
  return relationship.type.endsWith(`/${type}`);
}

function resolve(base: string, target: string): string {
  const parts = (target.startsWith('/') ? target.slice(1) : base + target).split('/');
  const resolved: string[] = [];
  for (const part of parts) {
    if (part === '..') resolved.pop();
    else if (part !== '.' && part !== '') resolved.push(part);
  }
  return resolved.join('/');
}

/** An attribute's value; `prefixed` matches any namespace prefix (r:id, x:id...). */
function attribute(tag: string, name: string, prefixed = false): string | undefined {
  const pattern = prefixed ? new RegExp(`\\s\\w+:${name}\\s*=\\s*["']([^"']*)["']`) : new RegExp(`\\s${name}\\s*=\\s*["']([^"']*)["']`);
  return pattern.exec(tag)?.[1];
}

function sharedStrings(xml: string): string[] {
  const strings: string[] = [];
  for (const match of xml.matchAll(/<(?:\w+:)?si\b[^>]*?(?:\/>|>([\s\S]*?)<\/(?:\w+:)?si>)/g)) strings.push(runsText(match[1] ?? ''));
  return strings;
}

/** For each cell style (index into cellXfs), whether its number format shows a date. */
function dateStyleFlags(xml: string): boolean[] {
  const custom = new Map<number, string>();
  for (const tag of xml.match(/<(?:\w+:)?numFmt\b[^>]*>/g) ?? []) {
    custom.set(Number(attribute(tag, 'numFmtId')), xmlText(attribute(tag, 'formatCode') ?? ''));
  }
  const cellXfs = /<(?:\w+:)?cellXfs\b[^>]*>([\s\S]*?)<\/(?:\w+:)?cellXfs>/.exec(xml)?.[1] ?? '';
  return (cellXfs.match(/<(?:\w+:)?xf\b[^>]*>/g) ?? []).map((tag) => {
    const id = Number(attribute(tag, 'numFmtId') ?? 0);
    return isDateFormat(custom.get(id) ?? builtinFormat(id));
  });
}
