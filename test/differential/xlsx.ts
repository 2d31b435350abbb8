// An xlsx package written part by part, so that each variant changes one thing a writer may
// change: how strings and numbers are stored, how the XML is spelled, which namespaces it uses,
// how parts are named, and what else the package holds (a pivot cache, a linked workbook's data).
import type { Entry } from './containers.js';
import type { Cell } from './tables.js';
import { el, PLAIN, xml, type XmlElement, type XmlStyle } from './xml.js';

export interface SheetSpec {
  name: string;
  rows: Cell[][];
  state?: 'hidden' | 'veryHidden';
}

export interface XlsxOptions {
  style?: Partial<XmlStyle>;
  /** rich: shared strings cut into two formatted runs; formula: a string formula with its cached result. */
  strings?: 'shared' | 'inline' | 'rich' | 'formula';
  /** Rows and cells without their `r` attributes: positions follow from order. */
  omitRefs?: boolean;
  /** ISO/IEC 29500 Strict namespaces instead of Transitional ones. */
  strict?: boolean;
  /** How a number cell's value is spelled. */
  number?: (value: number) => string;
  /** The zip entry name of a part (OPC compares part names case-insensitively). */
  partName?: (name: string) => string;
  /** Where worksheet i (from 1) lives, relative to xl/. */
  sheetPath?: (i: number) => string;
  /** Relationship targets written as absolute part names (/xl/...), as some writers do. */
  absoluteTargets?: boolean;
  /** A dimension element that claims less than the sheet holds (readers may trust it). */
  dimension?: string;
  /** Rows kept only in a pivot cache (no sheet shows them). */
  pivotCache?: Cell[][];
  /** Rows kept only as the cached values of a linked workbook. */
  externalLink?: Cell[][];
}

const TRANSITIONAL = {
  main: 'http://schemas.openxmlformats.org/spreadsheetml/2006/main',
  r: 'http://schemas.openxmlformats.org/officeDocument/2006/relationships',
  type: 'http://schemas.openxmlformats.org/officeDocument/2006/relationships/',
};
const STRICT = {
  main: 'http://purl.oclc.org/ooxml/spreadsheetml/main',
  r: 'http://purl.oclc.org/ooxml/officeDocument/relationships',
  type: 'http://purl.oclc.org/ooxml/officeDocument/relationships/',
};
const PACKAGE_RELS = 'http://schemas.openxmlformats.org/package/2006/relationships';
const CONTENT_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.';

export function column(index: number): string {
  let name = '';
  for (let n = index + 1; n > 0; n = Math.floor((n - 1) / 26)) name = String.fromCharCode(65 + ((n - 1) % 26)) + name;
  return name;
}

interface Relationship {
  type: string;
  target: string;
  external?: boolean;
}

export function xlsxEntries(sheets: SheetSpec[], options: XlsxOptions = {}): Entry[] {
  const ns = options.strict ? STRICT : TRANSITIONAL;
  const style: XmlStyle = { ...PLAIN, ...options.style };
  const part = (root: XmlElement) => xml(root, ns.main, { r: ns.r }, style);
  const plain = (root: XmlElement, uri: string) => xml(root, uri, {}, PLAIN);
  const number = options.number ?? String;
  const shared: string[] = [];
  const sharedIndex = new Map<string, number>();

  const cell = (value: Cell, r: number, c: number): XmlElement | undefined => {
    if (value === '') return undefined;
    const ref = options.omitRefs ? undefined : `${column(c)}${r + 1}`;
    if (typeof value === 'number') return el('c', { r: ref }, el('v', {}, number(value)));
    if (options.strings === 'inline') return el('c', { r: ref, t: 'inlineStr' }, el('is', {}, el('t', {}, value)));
    if (options.strings === 'formula') return el('c', { r: ref, t: 'str' }, el('f', {}, `"${value.replace(/"/g, '""')}"`), el('v', {}, value));
    let index = sharedIndex.get(value);
    if (index === undefined) {
      index = shared.push(value) - 1;
      sharedIndex.set(value, index);
    }
    return el('c', { r: ref, t: 's' }, el('v', {}, String(index)));
  };
  const worksheet = (rows: Cell[][]) =>
    el('worksheet', {}, ...(options.dimension ? [el('dimension', { ref: options.dimension })] : []), el('sheetData', {}, ...rows.map((row, r) =>
      el('row', { r: options.omitRefs ? undefined : r + 1 }, ...row.flatMap((value, c) => cell(value, r, c) ?? [])))));

  const entries: Entry[] = [];
  const overrides: [string, string][] = [];
  const workbookRels: Relationship[] = [];
  const add = (name: string, data: Uint8Array, contentType?: string) => {
    entries.push({ name: options.partName ? options.partName(name) : name, data });
    if (contentType) overrides.push([`/${name}`, contentType]);
  };
  const rels = (list: Relationship[]) =>
    plain(el('Relationships', {}, ...list.map((rel, i) =>
      el('Relationship', { Id: `rId${i + 1}`, Type: rel.type, Target: rel.target, TargetMode: rel.external ? 'External' : undefined }))), PACKAGE_RELS);

  const sheetPath = options.sheetPath ?? ((i: number) => `worksheets/sheet${i}.xml`);
  sheets.forEach((sheet, i) => {
    add(`xl/${sheetPath(i + 1)}`, part(worksheet(sheet.rows)), `${CONTENT_TYPE}worksheet+xml`);
    workbookRels.push({ type: `${ns.type}worksheet`, target: sheetPath(i + 1) });
  });
  const sheetList = el('sheets', {}, ...sheets.map((sheet, i) =>
    el('sheet', { name: sheet.name, sheetId: i + 1, state: sheet.state, 'r:id': `rId${i + 1}` })));

  const workbookChildren: XmlElement[] = [sheetList];
  if (options.externalLink) {
    add('xl/externalLinks/externalLink1.xml', part(externalLink(options.externalLink)), `${CONTENT_TYPE}externalLink+xml`);
    add('xl/externalLinks/_rels/externalLink1.xml.rels', rels([{ type: `${ns.type}externalLinkPath`, target: 'file:///C:/Export/personen.xlsx', external: true }]));
    workbookRels.push({ type: `${ns.type}externalLink`, target: 'externalLinks/externalLink1.xml' });
    workbookChildren.push(el('externalReferences', {}, el('externalReference', { 'r:id': `rId${workbookRels.length}` })));
  }
  if (options.pivotCache) {
    const [header = [], ...records] = options.pivotCache;
    add('xl/pivotCache/pivotCacheDefinition1.xml', part(el('pivotCacheDefinition', { 'r:id': 'rId1', recordCount: records.length },
      el('cacheSource', { type: 'worksheet' }, el('worksheetSource', { ref: `A1:${column(header.length - 1)}${records.length + 1}`, sheet: 'Gegevens' })),
      el('cacheFields', { count: header.length }, ...header.map((name) => el('cacheField', { name: String(name), numFmtId: 0 }, el('sharedItems')))))),
    `${CONTENT_TYPE}pivotCacheDefinition+xml`);
    add('xl/pivotCache/_rels/pivotCacheDefinition1.xml.rels', rels([{ type: `${ns.type}pivotCacheRecords`, target: 'pivotCacheRecords1.xml' }]));
    add('xl/pivotCache/pivotCacheRecords1.xml', part(el('pivotCacheRecords', { count: records.length }, ...records.map((record) =>
      el('r', {}, ...record.map((value) => (typeof value === 'number' ? el('n', { v: value }) : el('s', { v: value }))))))),
    `${CONTENT_TYPE}pivotCacheRecords+xml`);
    workbookRels.push({ type: `${ns.type}pivotCacheDefinition`, target: 'pivotCache/pivotCacheDefinition1.xml' });
    workbookChildren.push(el('pivotCaches', {}, el('pivotCache', { cacheId: 1, 'r:id': `rId${workbookRels.length}` })));
  }
  if (shared.length > 0) {
    const item = (s: string) => (options.strings === 'rich'
      ? el('si', {}, el('r', {}, el('t', {}, s.slice(0, 4))), el('r', {}, el('rPr', {}, el('b')), el('t', {}, s.slice(4))))
      : el('si', {}, el('t', {}, s)));
    add('xl/sharedStrings.xml', part(el('sst', { count: shared.length, uniqueCount: shared.length }, ...shared.map(item))),
      `${CONTENT_TYPE}sharedStrings+xml`);
    workbookRels.push({ type: `${ns.type}sharedStrings`, target: 'sharedStrings.xml' });
  }
  add('xl/workbook.xml', part(el('workbook', { conformance: options.strict ? 'strict' : undefined }, ...workbookChildren)), `${CONTENT_TYPE}sheet.main+xml`);
  add('xl/_rels/workbook.xml.rels', rels(options.absoluteTargets ? workbookRels.map((rel) => ({ ...rel, target: `/xl/${rel.target}` })) : workbookRels));
  add('_rels/.rels', rels([{ type: `${ns.type}officeDocument`, target: 'xl/workbook.xml' }]));
  add('[Content_Types].xml', plain(el('Types', {},
    el('Default', { Extension: 'rels', ContentType: 'application/vnd.openxmlformats-package.relationships+xml' }),
    el('Default', { Extension: 'xml', ContentType: 'application/xml' }),
    ...overrides.map(([name, type]) => el('Override', { PartName: name, ContentType: type }))), 'http://schemas.openxmlformats.org/package/2006/content-types'));
  // Excel writes [Content_Types].xml first; readers must not depend on it.
  return [entries[entries.length - 1]!, ...entries.slice(0, -1)];
}

function externalLink(rows: Cell[][]): XmlElement {
  return el('externalLink', {}, el('externalBook', { 'r:id': 'rId1' },
    el('sheetNames', {}, el('sheetName', { val: 'Blad1' })),
    el('sheetDataSet', {}, el('sheetData', { sheetId: 0 }, ...rows.map((row, r) =>
      el('row', { r: r + 1 }, ...row.map((value, c) =>
        el('cell', { r: `${column(c)}${r + 1}`, t: typeof value === 'number' ? undefined : 'str' }, el('v', {}, String(value))))))))));
}
