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
  /** Rows kept only in the category caches of a chart on the first sheet (one series per column). */
  chartCache?: Cell[][];
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
const DRAWING = { a: 'http://schemas.openxmlformats.org/drawingml/2006/main', c: 'http://schemas.openxmlformats.org/drawingml/2006/chart', xdr: 'http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing' };
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
  const worksheet = (rows: Cell[][], drawing: boolean) =>
    el('worksheet', {}, ...(options.dimension ? [el('dimension', { ref: options.dimension })] : []), el('sheetData', {}, ...rows.map((row, r) =>
      el('row', { r: options.omitRefs ? undefined : r + 1 }, ...row.flatMap((value, c) => cell(value, r, c) ?? [])))),
    ...(drawing ? [el('drawing', { 'r:id': 'rId1' })] : []));

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
    const drawing = i === 0 && options.chartCache !== undefined;
    add(`xl/${sheetPath(i + 1)}`, part(worksheet(sheet.rows, drawing)), `${CONTENT_TYPE}worksheet+xml`);
    workbookRels.push({ type: `${ns.type}worksheet`, target: sheetPath(i + 1) });
  });
  const sheetList = el('sheets', {}, ...sheets.map((sheet, i) =>
    el('sheet', { name: sheet.name, sheetId: i + 1, state: sheet.state, 'r:id': `rId${i + 1}` })));

  if (options.chartCache) {
    add('xl/worksheets/_rels/sheet1.xml.rels', rels([{ type: `${ns.type}drawing`, target: '../drawings/drawing1.xml' }]));
    add('xl/drawings/drawing1.xml', xml(drawingWithChart(), DRAWING.xdr, { a: DRAWING.a, r: ns.r, c: DRAWING.c }, { ...PLAIN, prefix: 'xdr' }), 'application/vnd.openxmlformats-officedocument.drawing+xml');
    add('xl/drawings/_rels/drawing1.xml.rels', rels([{ type: `${ns.type}chart`, target: '../charts/chart1.xml' }]));
    add('xl/charts/chart1.xml', xml(chart(options.chartCache), DRAWING.c, { a: DRAWING.a, r: ns.r }, { ...PLAIN, prefix: 'c' }), 'application/vnd.openxmlformats-officedocument.drawingml.chart+xml');
  }

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

function drawingWithChart(): XmlElement {
  const at = (col: number, row: number) => [el('col', {}, String(col)), el('colOff', {}, '0'), el('row', {}, String(row)), el('rowOff', {}, '0')];
  return el('wsDr', {}, el('twoCellAnchor', {}, el('from', {}, ...at(3, 1)), el('to', {}, ...at(10, 20)),
    el('graphicFrame', { macro: '' },
      el('nvGraphicFramePr', {}, el('cNvPr', { id: 2, name: 'Grafiek 1' }), el('cNvGraphicFramePr')),
      el('xfrm', {}, el('a:off', { x: 0, y: 0 }), el('a:ext', { cx: 0, cy: 0 })),
      el('a:graphic', {}, el('a:graphicData', { uri: DRAWING.c }, el('c:chart', { 'r:id': 'rId1' })))),
    el('clientData')));
}

/** A bar chart with a series per column, each column's values in its category cache (what Excel keeps when the source sheet is gone). */
function chart(rows: Cell[][]): XmlElement {
  const [header = [], ...body] = rows;
  const points = (values: string[]) => [el('ptCount', { val: values.length }), ...values.map((v, i) => el('pt', { idx: i }, el('v', {}, v)))];
  const series = header.map((name, c) => el('ser', {}, el('idx', { val: c }), el('order', { val: c }), el('tx', {}, el('v', {}, String(name))),
    el('cat', {}, el('strRef', {}, el('f', {}, `Gegevens!$${column(c)}$2:$${column(c)}$${body.length + 1}`), el('strCache', {}, ...points(body.map((row) => String(row[c] ?? '')))))),
    el('val', {}, el('numRef', {}, el('f', {}, `Overzicht!$B$2:$B$${body.length + 1}`), el('numCache', {}, el('formatCode', {}, 'General'), ...points(body.map(() => '1')))))));
  return el('chartSpace', {}, el('chart', {}, el('plotArea', {}, el('layout'),
    el('barChart', {}, el('barDir', { val: 'col' }), el('grouping', { val: 'clustered' }), ...series, el('axId', { val: 1 }), el('axId', { val: 2 })),
    el('catAx', {}, el('axId', { val: 1 }), el('scaling', {}, el('orientation', { val: 'minMax' })), el('axPos', { val: 'b' }), el('crossAx', { val: 2 })),
    el('valAx', {}, el('axId', { val: 2 }), el('scaling', {}, el('orientation', { val: 'minMax' })), el('axPos', { val: 'l' }), el('crossAx', { val: 1 })))));
}

function externalLink(rows: Cell[][]): XmlElement {
  return el('externalLink', {}, el('externalBook', { 'r:id': 'rId1' },
    el('sheetNames', {}, el('sheetName', { val: 'Blad1' })),
    el('sheetDataSet', {}, el('sheetData', { sheetId: 0 }, ...rows.map((row, r) =>
      el('row', { r: r + 1 }, ...row.map((value, c) =>
        el('cell', { r: `${column(c)}${r + 1}`, t: typeof value === 'number' ? undefined : 'str' }, el('v', {}, String(value))))))))));
}
