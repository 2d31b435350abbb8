// The variants: each shape writes a table (a list of people, or a harmless table) the way some
// program, or someone who wants a file out, would write it. Deterministic for a seed. A variant
// name is `shape/table`, e.g. 'xlsx/cdata/people'; lists of names select a sample.
import { concat, encodeText, workbook, type TextEncoding } from '../../scripts/fixtures/formats.js';
import { pseudoRandomBytes } from '../../scripts/fixtures/catalogue.js';
import { seededRandom, type Random } from '../../scripts/fixtures/random.js';
import { bzip2, endRecord, gzip, sevenZip, tar, xz, zip, type Entry, type ZipOptions } from './containers.js';
import { odsEntries, fods, type OdsOptions } from './ods.js';
import { catalogueTable, countPerPlace, municipalitiesTable, peopleTable, peopleWithoutBsnTable, transpose, type BaseTable, type Cell } from './tables.js';
import { delimitedText, dif, fixedWidth, htmlTable, jsonRecords, spreadsheetMl2003, sylk, xmlRecords, type DelimitedOptions } from './text.js';
import { xlsxEntries, type SheetSpec, type XlsxOptions } from './xlsx.js';

export interface Variant {
  /** `shape/table`, stable across runs: what a sample list and a report name. */
  name: string;
  content: 'people' | 'harmless';
  /** The extension the oracles get (they choose an import filter by it); the detector never sees a name. */
  ext: string;
  bytes: Uint8Array;
  /** See BaseTable.markers. */
  markers: string[];
  /** For archives: what the receiver's archive tool unpacks, which the oracles then open. */
  opened?: { bytes: Uint8Array; ext: string };
  /** Blocked whatever the oracles show, with the reason from issue 9 (a cache is data, encrypted is unreadable, ...). */
  mustBlock?: string;
  /** For seeded combinations: the choices the seed made, so that a report says what the variant is. */
  detail?: string;
}

type Built = Omit<Variant, 'name' | 'content' | 'markers'>;

interface Context {
  table: BaseTable;
  /** A harmless table to stand beside or in front of the people. */
  twin: BaseTable;
  junk(length: number): Uint8Array;
  /** Seeded by the run's seed and the variant's name. */
  random: Random;
}

interface Shape {
  name: string;
  /** For shapes that only make sense for some tables (a duplicate entry hiding people, BSNs spelled otherwise). */
  only?: (table: BaseTable) => boolean;
  build(context: Context): Built;
}

const people = (t: BaseTable) => t.content === 'people';
const withBsn = (t: BaseTable) => t.rows[0]?.[0] === 'BSN';
const text = (value: string, encoding: TextEncoding = 'utf-8') => encodeText(value, encoding);
const bytesOf = (value: string) => new TextEncoder().encode(value);

const NOTE: SheetSpec = { name: 'Toelichting', rows: [['Deze werkmap hoort bij het groepsbericht.'], ['Zie de bijlage voor details.']] };
const sheet = (t: BaseTable): SheetSpec => ({ name: 'Blad1', rows: t.rows });

function xlsx(t: BaseTable, options: XlsxOptions = {}, zipOptions: ZipOptions = {}): Built {
  return { ext: 'xlsx', bytes: zip(xlsxEntries([sheet(t)], options), zipOptions) };
}

function xlsxShape(name: string, options: XlsxOptions, zipOptions?: ZipOptions): Shape {
  return { name: `xlsx/${name}`, build: ({ table }) => xlsx(table, options, zipOptions) };
}

function csv(t: BaseTable, options: DelimitedOptions, encoding: TextEncoding = 'utf-8'): Built {
  return { ext: 'csv', bytes: text(delimitedText(t.rows, options), encoding) };
}

function csvShape(name: string, options: DelimitedOptions, encoding?: TextEncoding): Shape {
  return { name: `csv/${name}`, build: ({ table }) => csv(table, options, encoding) };
}

/** BSNs and other all-digit strings stored as numbers, as a spreadsheet does when nobody stops it. */
function digitsAsNumbers(rows: Cell[][]): Cell[][] {
  return rows.map((row) => row.map((v) => (typeof v === 'string' && /^\d{6,}$/.test(v) ? Number(v) : v)));
}

function withColumn(rows: Cell[][], header: string, value: (r: number) => Cell): Cell[][] {
  return rows.map((row, r) => [...row, r === 0 ? header : value(r)]);
}

/** The people 2,000 rows below and 30 columns to the right of a harmless table, where nobody scrolls. */
function farBelow(harmless: Cell[][], people: Cell[][]): Cell[][] {
  return [...harmless, ...Array.from({ length: 2000 }, () => []), ...people.map((row) => [...Array<Cell>(30).fill(''), ...row])];
}

function withFirstColumn(rows: Cell[][], header: string): Cell[][] {
  return rows.map((row, r) => [r === 0 ? header : '', ...row]);
}

function archived(inner: Built, wrap: (bytes: Uint8Array, name: string) => Uint8Array, ext: string): Built {
  return { ext, bytes: wrap(inner.bytes, `export.${inner.ext}`), opened: { bytes: inner.bytes, ext: inner.ext } };
}

const RECORDS_READER = 'Excel opens it (Data > Get Data > From JSON / From XML); issue 9 lists it';

const SHAPES: Shape[] = [
  // xlsx: how the XML is spelled.
  xlsxShape('shared-strings', {}),
  xlsxShape('inline-strings', { strings: 'inline' }),
  xlsxShape('cdata', { style: { text: 'cdata' } }),
  xlsxShape('cdata-inline', { strings: 'inline', style: { text: 'cdata' } }),
  xlsxShape('comments-pis', { style: { text: 'split-comment', misc: true } }),
  xlsxShape('charrefs', { style: { text: 'charref' } }),
  xlsxShape('single-quotes', { style: { quote: "'" } }),
  xlsxShape('spaced-equals', { style: { equals: ' \r\n\t= ' } }),
  xlsxShape('ns-prefix', { style: { prefix: 'x' } }),
  xlsxShape('utf16-parts', { style: { encoding: 'utf-16' } }),
  xlsxShape('no-refs', { omitRefs: true }),
  xlsxShape('strict', { strict: true }),
  xlsxShape('upper-case-names', { partName: (n) => n.toUpperCase() }),
  xlsxShape('rich-text-runs', { strings: 'rich' }),
  xlsxShape('string-formulas', { strings: 'formula' }),
  xlsxShape('absolute-targets', { absoluteTargets: true }),
  xlsxShape('odd-part-names', { sheetPath: (i) => `data/tabel-${i}.bin` }),
  xlsxShape('backslash-names', { partName: (n) => n.replace(/\//g, '\\') }),
  xlsxShape('utf8-bom-parts', { style: { encoding: 'utf-8-bom' } }),
  xlsxShape('dtd-entities', { style: { text: 'dtd-entity' } }),
  xlsxShape('lying-dimension', { dimension: 'A1' }),
  { name: 'xlsx/numbers-exponent', build: ({ table }) => xlsx({ ...table, rows: digitsAsNumbers(table.rows) }, { number: (n) => n.toExponential().toUpperCase() }) },
  // xlsx: the zip around it.
  xlsxShape('stored', {}, { method: 'store' }),
  xlsxShape('data-descriptors', {}, { dataDescriptor: true }),
  { name: 'xlsx/junk-prefix', build: ({ table, junk }) => xlsx(table, {}, { prefix: junk(1000) }) },
  { name: 'xlsx/trailing-junk', build: ({ table, junk }) => ({ ext: 'xlsx', bytes: concat([xlsx(table).bytes, junk(500)]) }) },
  {
    name: 'xlsx/duplicate-entry-people-first',
    only: people,
    build: ({ table, twin }) => twinSheets(table, twin, (mine, theirs) => [mine, theirs], AMBIGUOUS),
  },
  {
    name: 'xlsx/duplicate-entry-people-last',
    only: people,
    build: ({ table, twin }) => twinSheets(table, twin, (mine, theirs) => [theirs, mine], AMBIGUOUS),
  },
  {
    name: 'xlsx/case-twin-entries',
    only: people,
    build: ({ table, twin }) => twinSheets(table, twin, (mine, theirs) => [mine, { ...theirs, name: theirs.name.toUpperCase() }], AMBIGUOUS),
  },
  {
    name: 'xlsx/unlisted-local-entry',
    only: people,
    build: ({ table, twin }) => twinSheets(table, twin, (mine, theirs) => [{ ...mine, unlisted: true }, theirs],
      'a local entry the central directory does not list: a zip is a zip when its central directory and local headers agree (issue 10), and a streaming reader sees the people'),
  },
  // xlsx: where in the workbook the table is.
  { name: 'xlsx/far-below-harmless', only: people, build: ({ table, twin }) => xlsx({ ...table, rows: farBelow(twin.rows, table.rows) }) },
  { name: 'xlsx/hidden-sheet', build: ({ table }) => ({ ext: 'xlsx', bytes: zip(xlsxEntries([NOTE, { ...sheet(table), name: 'Gegevens', state: 'hidden' }])) }) },
  { name: 'xlsx/very-hidden-sheet', build: ({ table }) => ({ ext: 'xlsx', bytes: zip(xlsxEntries([NOTE, { ...sheet(table), name: 'Gegevens', state: 'veryHidden' }])) }) },
  {
    name: 'xlsx/pivot-cache',
    only: people,
    build: ({ table }) => ({
      ext: 'xlsx',
      bytes: zip(xlsxEntries([{ name: 'Overzicht', rows: countPerPlace(table) }], { pivotCache: table.rows })),
      mustBlock: 'a pivot cache is data, whatever the sheets show (issue 9, the Islington leak)',
    }),
  },
  {
    name: 'xlsx/chart-cache',
    only: people,
    build: ({ table }) => ({
      ext: 'xlsx',
      bytes: zip(xlsxEntries([{ name: 'Overzicht', rows: countPerPlace(table) }], { chartCache: table.rows })),
      mustBlock: "a chart's cache is data, like a pivot cache: the source sheet may be gone, its values stay (issue 9: caches)",
    }),
  },
  {
    name: 'xlsx/external-link-cache',
    only: people,
    build: ({ table }) => ({
      ext: 'xlsx',
      bytes: zip(xlsxEntries([NOTE], { externalLink: table.rows })),
      mustBlock: 'the cached values of a linked workbook are cell data (issue 9)',
    }),
  },
  {
    name: 'docx/embedded-xlsx',
    only: people,
    build: ({ table }) => ({ ext: 'docx', bytes: docxWithEmbedding(xlsx(table).bytes), mustBlock: 'an embedded package is read like the file itself (issue 9)' }),
  },
  // Workbooks as SheetJS writes them: the controls every reader handles.
  { name: 'xlsx/sheetjs', build: ({ table }) => ({ ext: 'xlsx', bytes: workbook([sheet(table)], 'xlsx') }) },
  { name: 'xls/sheetjs-biff8', build: ({ table }) => ({ ext: 'xls', bytes: workbook([sheet(table)], 'xls') }) },
  { name: 'xls/sheetjs-biff5', build: ({ table }) => ({ ext: 'xls', bytes: workbook([sheet(table)], 'biff5') }) },
  { name: 'xlsb/sheetjs', build: ({ table }) => ({ ext: 'xlsb', bytes: workbook([sheet(table)], 'xlsb') }) },
  { name: 'xls/sheetjs-hidden-sheet', build: ({ table }) => ({ ext: 'xls', bytes: workbook([NOTE, { ...sheet(table), name: 'Gegevens', visibility: 'hidden' }], 'xls') }) },
  { name: 'xlsb/sheetjs-very-hidden-sheet', build: ({ table }) => ({ ext: 'xlsb', bytes: workbook([NOTE, { ...sheet(table), name: 'Gegevens', visibility: 'very-hidden' }], 'xlsb') }) },

  // OpenDocument.
  { name: 'ods/plain', build: ({ table }) => ({ ext: 'ods', bytes: zip(odsEntries([sheet(table)])) }) },
  { name: 'ods/prefixes', build: ({ table }) => ({ ext: 'ods', bytes: zip(odsEntries([sheet(table)], ODD_PREFIXES)) }) },
  { name: 'ods/repeated', build: ({ table }) => ({ ext: 'ods', bytes: zip(odsEntries([sheet(table)], { repeated: true })) }) },
  { name: 'ods/text-spans', build: ({ table }) => ({ ext: 'ods', bytes: zip(odsEntries([sheet(table)], { spans: true })) }) },
  { name: 'ods/masked-values', build: ({ table }) => ({ ext: 'ods', bytes: zip(odsEntries([sheet(table)], { masked: true })) }) },
  { name: 'ods/no-mimetype', build: ({ table }) => ({ ext: 'ods', bytes: zip(odsEntries([sheet(table)]).slice(1)) }) },
  { name: 'ods/flat', build: ({ table }) => ({ ext: 'fods', bytes: fods([sheet(table)]) }) },
  { name: 'ods/flat-prefixes-repeated', build: ({ table }) => ({ ext: 'fods', bytes: fods([sheet(table)], { ...ODD_PREFIXES, repeated: true }) }) },
  {
    name: 'ods/encrypted',
    only: people,
    build: ({ table }) => ({ ext: 'ods', bytes: zip(odsEntries([sheet(table)], {}, 'geheim')), mustBlock: 'encrypted: what cannot be read is blocked (issue 9)' }),
  },

  // Delimited text.
  csvShape('semicolon', { delimiter: ';' }),
  csvShape('comma', { delimiter: ',' }),
  csvShape('tab', { delimiter: '\t' }),
  csvShape('pipe', { delimiter: '|' }),
  csvShape('utf8-bom', { delimiter: ';' }, 'utf-8-bom'),
  csvShape('utf16le-bom-tab', { delimiter: '\t' }, 'utf-16le-bom'),
  csvShape('utf16be-bom', { delimiter: ';' }, 'utf-16be-bom'),
  csvShape('utf16le-no-bom', { delimiter: ';' }, 'utf-16le'),
  csvShape('windows-1252', { delimiter: ';' }, 'windows-1252'),
  csvShape('cr-only', { delimiter: ';', eol: '\r' }),
  csvShape('vt-line-ends', { delimiter: ';', lineEnd: '\v' }),
  csvShape('nul-line-ends', { delimiter: ';', lineEnd: '\0' }),
  csvShape('sep-line-pipe', { delimiter: '|', sepLine: true }),
  csvShape('excel-text-values', { delimiter: ';', excelText: true }),
  { name: 'csv/eocd-appended', build: ({ table }) => ({ ext: 'csv', bytes: concat([csv(table, { delimiter: ';' }).bytes, endRecord(0, 0, 0)]) }) },
  { name: 'csv/utf16-eocd-appended', build: ({ table }) => ({ ext: 'csv', bytes: concat([csv(table, { delimiter: '\t' }, 'utf-16le-bom').bytes, endRecord(0, 0, 0)]) }) },
  { name: 'csv/pdf-first-cell', build: ({ table }) => csv({ ...table, rows: withFirstColumn(table.rows, '%PDF-1.7') }, { delimiter: ',' }) },
  { name: 'csv/pdf-in-cell', build: ({ table }) => csv({ ...table, rows: withColumn(table.rows, 'Bijlage', (r) => (r === 3 ? '%PDF-1.7' : '')) }, { delimiter: ';' }) },
  { name: 'csv/gif-first-cell', build: ({ table }) => csv({ ...table, rows: withFirstColumn(table.rows, 'GIF89a') }, { delimiter: ',' }) },
  { name: 'csv/binary-prefix', build: ({ table, junk }) => ({ ext: 'csv', bytes: concat([junk(300), bytesOf('\r\n'), csv(table, { delimiter: ';' }).bytes]) }) },
  { name: 'csv/quoted-newlines', build: ({ table }) => csv({ ...table, rows: withColumn(table.rows, 'Opmerking', (r) => `regel ${r}\nvervolg`) }, { delimiter: ';' }) },
  { name: 'csv/all-quoted', build: ({ table }) => ({ ext: 'csv', bytes: bytesOf(table.rows.map((r) => r.map((v) => `"${v}"`).join(',')).join('\r\n')) }) },
  { name: 'csv/title-lines', build: ({ table }) => csv({ ...table, rows: [['Selectie groepsbericht'], ['Aangemaakt door medewerker'], [], ...table.rows] }, { delimiter: ';' }) },
  { name: 'csv/padded-fields', build: ({ table }) => ({ ext: 'csv', bytes: bytesOf(table.rows.map((r) => r.map((v) => ` ${v}  `).join(';')).join('\n')) }) },
  { name: 'csv/far-below-harmless', only: people, build: ({ table, twin }) => csv({ ...table, rows: farBelow(twin.rows, table.rows) }, { delimiter: ';' }) },
  { name: 'csv/bsn-dotted', only: withBsn, build: ({ table }) => csv({ ...table, rows: reformatBsn(table.rows, (b) => `${b.slice(0, 3)}.${b.slice(3, 6)}.${b.slice(6)}`) }, { delimiter: ';' }) },
  { name: 'csv/bsn-spaced', only: withBsn, build: ({ table }) => csv({ ...table, rows: reformatBsn(table.rows, (b) => `${b.slice(0, 4)} ${b.slice(4, 6)} ${b.slice(6)}`) }, { delimiter: ';' }) },
  { name: 'csv/bsn-zero-width', only: withBsn, build: ({ table }) => csv({ ...table, rows: reformatBsn(table.rows, (b) => [...b].join('\u200b')) }, { delimiter: ';' }) },
  { name: 'csv/bsn-full-width', only: withBsn, build: ({ table }) => csv({ ...table, rows: reformatBsn(table.rows, (b) => b.replace(/\d/g, (d) => String.fromCharCode(0xff10 + Number(d)))) }, { delimiter: ';' }) },
  { name: 'csv/transposed', build: ({ table }) => csv({ ...table, rows: transpose(table.rows) }, { delimiter: ';' }) },
  { name: 'csv/one-line', build: ({ table }) => ({ ext: 'csv', bytes: bytesOf(table.rows.map((r) => r.join(';')).join(';')) }) },

  // Seeded combinations of the switches above: other seeds, other combinations.
  ...Array.from({ length: 6 }, (_, k): Shape => ({ name: `csv/combo-${k + 1}`, build: ({ table, random, junk }) => comboCsv(table, random, junk) })),
  ...Array.from({ length: 6 }, (_, k): Shape => ({ name: `xlsx/combo-${k + 1}`, build: ({ table, random }) => comboXlsx(table, random) })),

  // Other formats a spreadsheet application opens.
  { name: 'text/sylk', build: ({ table }) => ({ ext: 'slk', bytes: bytesOf(sylk(table.rows)) }) },
  { name: 'text/dif', build: ({ table }) => ({ ext: 'dif', bytes: bytesOf(dif(table.rows)) }) },
  { name: 'text/fixed-width', build: ({ table }) => ({ ext: 'prn', bytes: bytesOf(fixedWidth(table.rows)) }) },
  { name: 'html/table', build: ({ table }) => ({ ext: 'html', bytes: bytesOf(htmlTable(table.rows)) }) },
  { name: 'html/table-as-xls', build: ({ table }) => ({ ext: 'xls', bytes: bytesOf(htmlTable(table.rows)) }) },
  { name: 'xml/spreadsheetml-2003', build: ({ table }) => ({ ext: 'xml', bytes: bytesOf(spreadsheetMl2003(table.rows)) }) },
  { name: 'json/records', build: ({ table }) => ({ ext: 'json', bytes: bytesOf(jsonRecords(table.rows)), mustBlock: peopleReason(table, RECORDS_READER) }) },
  { name: 'xml/records', build: ({ table }) => ({ ext: 'xml', bytes: bytesOf(xmlRecords(table.rows)), mustBlock: peopleReason(table, RECORDS_READER) }) },

  // Archives: the oracles read what the archive tool unpacks.
  { name: 'zip/csv', build: ({ table }) => archived(csv(table, { delimiter: ';' }), (b, n) => zip([{ name: n, data: b }]), 'zip') },
  { name: 'gzip/csv', build: ({ table }) => archived(csv(table, { delimiter: ';' }), gzip, 'gz') },
  { name: 'bzip2/csv', build: ({ table }) => archived(csv(table, { delimiter: ';' }), bzip2, 'bz2') },
  { name: 'xz/csv', build: ({ table }) => archived(csv(table, { delimiter: ';' }), xz, 'xz') },
  { name: 'tar/csv', build: ({ table }) => archived(csv(table, { delimiter: ';' }), (b, n) => tar([{ name: n, data: b }]), 'tar') },
  { name: 'tar-gz/xlsx', build: ({ table }) => archived(xlsx(table), (b, n) => gzip(tar([{ name: n, data: b }])), 'tgz') },
  { name: 'tar-bz2/csv', build: ({ table }) => archived(csv(table, { delimiter: ';' }), (b, n) => bzip2(tar([{ name: n, data: b }])), 'tbz2') },
  // The detector need not read 7z (issue 9: blocked as uninspectable by default), so a harmless one sets no expectation.
  { name: '7z/csv', only: people, build: ({ table }) => archived(csv(table, { delimiter: ';' }), (b, n) => sevenZip(n, b), '7z') },
];

const ODD_PREFIXES: OdsOptions = { prefixes: { office: 'o', table: 't', text: 'x' } };

function peopleReason(table: BaseTable, reason: string): string | undefined {
  return table.content === 'people' ? reason : undefined;
}

const AMBIGUOUS = 'two entries with one name (as OPC compares names): an ambiguous container is blocked as corrupt (issue 9)';

/** The people's sheet and a harmless twin's, both as xl/worksheets/sheet1.xml, arranged in the package by `arrange`. */
function twinSheets(table: BaseTable, twin: BaseTable, arrange: (mine: Entry, theirs: Entry) => Entry[], mustBlock: string): Built {
  const entries = xlsxEntries([sheet(table)], { strings: 'inline' });
  const sheetName = 'xl/worksheets/sheet1.xml';
  const twinSheet = xlsxEntries([sheet(twin)], { strings: 'inline' }).find((e) => e.name === sheetName)!;
  const at = entries.findIndex((e) => e.name === sheetName);
  return { ext: 'xlsx', bytes: zip([...entries.slice(0, at), ...arrange(entries[at]!, twinSheet), ...entries.slice(at + 1)]), mustBlock };
}

function comboCsv(table: BaseTable, random: Random, junk: (length: number) => Uint8Array): Built {
  const options: DelimitedOptions = {
    delimiter: random.pick([';', ',', '\t', '|']),
    eol: random.pick(['\r\n', '\n', '\r'] as const),
    lineEnd: random.pick(['', '', '\v', '\0', ' ']),
    excelText: random.chance(0.3),
    sepLine: random.chance(0.3),
  };
  const encoding = random.pick(['utf-8', 'utf-8-bom', 'utf-16le-bom', 'windows-1252'] as const);
  const transposed = random.chance(0.2);
  const prefix = random.chance(0.2) ? concat([junk(200), bytesOf('\n')]) : new Uint8Array(0);
  const suffix = random.chance(0.2) ? endRecord(0, 0, 0) : new Uint8Array(0);
  const body = csv({ ...table, rows: transposed ? transpose(table.rows) : table.rows }, options, encoding).bytes;
  return { ext: 'csv', bytes: concat([prefix, body, suffix]), detail: JSON.stringify({ ...options, encoding, transposed, prefix: prefix.length > 0, eocd: suffix.length > 0 }) };
}

function comboXlsx(table: BaseTable, random: Random): Built {
  const options: XlsxOptions = {
    style: {
      quote: random.pick(['"', "'"] as const),
      equals: random.pick(['=', ' = ', '\n=\t']),
      prefix: random.pick(['', 'x', 'ss']),
      text: random.pick(['escape', 'cdata', 'charref', 'split-comment'] as const),
      misc: random.chance(0.5),
      encoding: random.pick(['utf-8', 'utf-8-bom', 'utf-16'] as const),
    },
    strings: random.pick(['shared', 'inline', 'rich', 'formula'] as const),
    omitRefs: random.chance(0.3),
    strict: random.chance(0.2),
  };
  const zipOptions: ZipOptions = { method: random.pick(['store', 'deflate'] as const), dataDescriptor: random.chance(0.3) };
  return { ...xlsx(table, options, zipOptions), detail: JSON.stringify({ ...options, ...zipOptions }) };
}

function reformatBsn(rows: Cell[][], format: (bsn: string) => string): Cell[][] {
  return rows.map((row, r) => (r === 0 ? row : [format(String(row[0])), ...row.slice(1)]));
}

function docxWithEmbedding(embedded: Uint8Array): Uint8Array {
  const relsNs = 'http://schemas.openxmlformats.org/package/2006/relationships';
  const officeRels = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';
  const entries: Entry[] = [
    { name: '[Content_Types].xml', data: bytesOf('<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">' +
      '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>' +
      '<Default Extension="xlsx" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"/>' +
      '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>') },
    { name: '_rels/.rels', data: bytesOf(`<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="${relsNs}"><Relationship Id="rId1" Type="${officeRels}/officeDocument" Target="word/document.xml"/></Relationships>`) },
    { name: 'word/_rels/document.xml.rels', data: bytesOf(`<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="${relsNs}"><Relationship Id="rId1" Type="${officeRels}/package" Target="embeddings/Microsoft_Excel_Worksheet.xlsx"/></Relationships>`) },
    { name: 'word/document.xml', data: bytesOf('<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>' +
      '<w:p><w:r><w:t>Zie de bijgevoegde lijst.</w:t></w:r></w:p></w:body></w:document>') },
    { name: 'word/embeddings/Microsoft_Excel_Worksheet.xlsx', data: embedded },
  ];
  return zip(entries);
}

function hash(name: string): number {
  let h = 2166136261;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 16777619);
  return h >>> 0;
}

/** Every variant for a seed: each shape applied to both lists of people and to both harmless tables. */
export function makeVariants(seed: number, only?: ReadonlySet<string>): Variant[] {
  const tables = [peopleTable(seed), peopleWithoutBsnTable(seed), catalogueTable(seed), municipalitiesTable(seed)];
  const twin = tables[2]!;
  const variants: Variant[] = [];
  for (const shape of SHAPES) {
    for (const table of tables) {
      const name = `${shape.name}/${table.name}`;
      if ((shape.only && !shape.only(table)) || (only && !only.has(name))) continue;
      const stream = (seed ^ hash(name)) >>> 0;
      const context: Context = { table, twin, junk: (length) => pseudoRandomBytes(length, stream), random: seededRandom(stream) };
      const built = shape.build(context);
      variants.push({ name, content: table.content, markers: table.markers, ...built });
    }
  }
  return variants;
}
