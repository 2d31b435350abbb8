// The xlsx and ods readers on XML written the many ways XML allows, and on the parts beyond the
// sheets that hold cells. Each variant is built by hand (fflate), and the oracles (SheetJS,
// LibreOffice) say what a person sees in it: the detector must read the same people, or block.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { strToU8, unzipSync, zipSync } from 'fflate';
import * as XLSX from '@e965/xlsx';
import { detect } from '../../shared/detector/index.js';
import { readDocuments } from '../../shared/detector/read/index.js';
import { canonicalXml, isPlain, SPREADSHEET_ML } from '../../shared/detector/read/xml-canonical.js';
import { rowsOf } from '../../shared/detector/table.js';
import type { CellValue } from '../../shared/detector/types.js';
import { DEFAULT_POLICY } from '../../shared/policy/defaults.js';
import { makeJobSeekers } from '../../scripts/fixtures/people.js';

const MAIN = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main';
const REL = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';
const PKG = 'http://schemas.openxmlformats.org/package/2006/relationships';
const TYPE = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';

const context = () => ({ limits: DEFAULT_POLICY.limits, deadline: Date.now() + 60_000 });
const read = (bytes: Uint8Array) => readDocuments(bytes, context());

/** The people as the sheet shows them: a header row, then name and BSN per row. */
function people(count: number): string[][] {
  return [['Naam', 'BSN'], ...makeJobSeekers(count, 9).map((p) => [`${p.firstName} ${p.surname}`, p.bsn])];
}

interface XlsxParts {
  sheet: string | Uint8Array;
  strings?: string;
  workbook?: string;
  /** More parts, and relationships of the workbook to them (type, target). */
  extra?: Record<string, string | Uint8Array>;
  workbookRels?: [string, string][];
}

function xlsx({ sheet, strings, workbook, extra = {}, workbookRels = [] }: XlsxParts): Uint8Array {
  const rels = [['worksheet', 'worksheets/sheet1.xml'], ...(strings ? [['sharedStrings', 'sharedStrings.xml']] : []), ...workbookRels];
  const files: Record<string, Uint8Array> = {
    '[Content_Types].xml': strToU8(
      '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">' +
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>' +
        '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>' +
        '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>' +
        (strings ? '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>' : '') +
        '</Types>',
    ),
    '_rels/.rels': strToU8(`<?xml version="1.0"?><Relationships xmlns="${PKG}"><Relationship Id="rId1" Type="${TYPE}/officeDocument" Target="xl/workbook.xml"/></Relationships>`),
    'xl/workbook.xml': strToU8(workbook ?? `<?xml version="1.0"?><workbook xmlns="${MAIN}" xmlns:r="${REL}"><sheets><sheet name="Blad1" sheetId="1" r:id="rId1"/></sheets></workbook>`),
    'xl/_rels/workbook.xml.rels': strToU8(
      `<?xml version="1.0"?><Relationships xmlns="${PKG}">${rels.map(([type, target], i) => `<Relationship Id="rId${i + 1}" Type="${TYPE}/${type}" Target="${target}"/>`).join('')}</Relationships>`,
    ),
    'xl/worksheets/sheet1.xml': typeof sheet === 'string' ? strToU8(sheet) : sheet,
  };
  if (strings) files['xl/sharedStrings.xml'] = strToU8(strings);
  for (const [name, content] of Object.entries(extra)) files[name] = typeof content === 'string' ? strToU8(content) : content;
  return zipSync(files);
}

const column = (i: number) => String.fromCharCode(65 + i);

/** A worksheet of the rows with cells written by `cell` (its text, reference and shared-string index). */
function sheetXml(rows: string[][], cell: (text: string, ref: string, index: number) => string, root = `<worksheet xmlns="${MAIN}">`, close = '</worksheet>'): string {
  let index = 0;
  const body = rows.map((row, r) => `<row r="${r + 1}">${row.map((text, c) => cell(text, `${column(c)}${r + 1}`, index++)).join('')}</row>`).join('');
  return `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n${root}<sheetData>${body}</sheetData>${close}`;
}

function stringsXml(rows: string[][], item: (text: string) => string): string {
  return `<?xml version="1.0"?><sst xmlns="${MAIN}">${rows.flat().map((text) => `<si>${item(text)}</si>`).join('')}</sst>`;
}

const escape = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;');
const charRefs = (text: string) => [...text].map((c) => `&#${c.codePointAt(0)};`).join('');

/** Variants of one people list: each writes the same cells in XML a conforming parser reads alike. */
function variants(rows: string[][]): Record<string, XlsxParts> {
  const shared = (item: (text: string) => string, cell = (ref: string, index: number) => `<c r="${ref}" t="s"><v>${index}</v></c>`) => ({
    sheet: sheetXml(rows, (_, ref, index) => cell(ref, index)),
    strings: stringsXml(rows, item),
  });
  return {
    'shared strings, as Excel writes them': shared((t) => `<t>${escape(t)}</t>`),
    'shared strings in CDATA sections': shared((t) => `<t><![CDATA[${t}]]></t>`),
    'inline strings in CDATA sections': { sheet: sheetXml(rows, (t, ref) => `<c r="${ref}" t="inlineStr"><is><t><![CDATA[${t}]]></t></is></c>`) },
    'text split by comments and processing instructions': shared((t) => `<t>${escape(t.slice(0, 2))}<!-- x --><?pi y?>${escape(t.slice(2))}</t>`),
    'character references in text, values and attributes': shared(
      (t) => `<t>${charRefs(t)}</t>`,
      (ref, index) => `<c r="${charRefs(ref)}" t="&#115;"><v>${charRefs(String(index))}</v></c>`,
    ),
    "single quotes and spaces around '='": shared((t) => `<t xml:space = 'preserve'>${escape(t)}</t>`, (ref, index) => `<c r = '${ref}'\n t\t=\t's' ><v >${index}</v ></c >`),
    'a prefix bound to SpreadsheetML': {
      sheet: sheetXml(rows, (_, ref, index) => `<x:c r="${ref}" t="s"><x:v>${index}</x:v></x:c>`, `<x:worksheet xmlns:x="${MAIN}">`, '</x:worksheet>').replace(/<(\/?)(sheetData|row)/g, '<$1x:$2'),
      strings: `<?xml version="1.0"?><s:sst xmlns:s="${MAIN}">${rows.flat().map((t) => `<s:si><s:t>${escape(t)}</s:t></s:si>`).join('')}</s:sst>`,
    },
    'the default namespace redeclared on sheetData': {
      sheet: sheetXml(rows, (_, ref, index) => `<c r="${ref}" t="s"><v>${index}</v></c>`, `<x:worksheet xmlns:x="${MAIN}" xmlns="urn:elsewhere">`, '</x:worksheet>').replace('<sheetData>', `<sheetData xmlns="${MAIN}">`),
      strings: stringsXml(rows, (t) => `<t>${escape(t)}</t>`),
    },
    "a '>' inside another attribute's value": shared(
      (t) => `<t>${escape(t)}</t>`,
      (ref, index) => `<c r="${ref}" xmlns:z="urn:z" z:note="a>b" t="s"><v>${index}</v></c>`,
    ),
  };
}

const encodings: Record<string, (xml: string) => Uint8Array> = {
  'UTF-8 with BOM': (xml) => new Uint8Array([0xef, 0xbb, 0xbf, ...strToU8(xml)]),
  'UTF-16LE with BOM': (xml) => new Uint8Array([0xff, 0xfe, ...new Uint8Array(Uint16Array.from(xml.replace('UTF-8', 'UTF-16'), (c) => c.charCodeAt(0)).buffer)]),
  'UTF-16BE with BOM': (xml) => {
    const units = [...xml.replace('UTF-8', 'UTF-16')].flatMap((c) => [c.charCodeAt(0) >> 8, c.charCodeAt(0) & 0xff]);
    return new Uint8Array([0xfe, 0xff, ...units]);
  },
  'ISO-8859-1 declared': (xml) => Uint8Array.from(xml.replace('UTF-8', 'ISO-8859-1'), (c) => c.charCodeAt(0)),
  'UTF-8 labelled UTF-16, as .NET writes it': (xml) => strToU8(xml.replace('UTF-8', 'utf-16')),
};

const ACCENTS = [['Naam', 'Plaats'], ['Jürgen Müller', 'Den Bosch'], ['Zoë Çelik', 'Ede']];

function encodedXlsx(encode: (xml: string) => Uint8Array): Uint8Array {
  return xlsx({ sheet: encode(sheetXml(ACCENTS, (t, ref) => `<c r="${ref}" t="inlineStr"><is><t>${escape(t)}</t></is></c>`)) });
}

function firstSheetRows(outcome: Awaited<ReturnType<typeof read>>): CellValue[][] {
  expect(outcome.failure).toBeUndefined();
  return rowsOf(outcome.documents[0]!.sheets[0]!.table);
}

const sheetJsRows = (bytes: Uint8Array) => XLSX.utils.sheet_to_json<CellValue[]>(XLSX.read(bytes, { type: 'array' }).Sheets.Blad1!, { header: 1, raw: true, defval: null });

describe('xlsx parts written every way XML allows', () => {
  // A short list and one of 1,500 (a sheet of 100 KB): the plainness test looks at every byte.
  for (const count of [20, 1500]) {
    const rows = people(count);
    it.each(Object.entries(variants(rows)))(`${count} people, %s: read as written`, async (_, parts) => {
      expect(firstSheetRows(await read(xlsx(parts)))).toEqual(rows);
    });
  }

  it.each(Object.entries(encodings))('a worksheet in %s is decoded as XML says', async (_, encode) => {
    expect(firstSheetRows(await read(encodedXlsx(encode)))).toEqual(ACCENTS);
  });

  it('SheetJS reads what we read where it parses XML as XML', async () => {
    const rows = people(20);
    // SheetJS keeps comments and PIs inside text as characters ('Yo<!-- x -->ussef'), reads
    // neither references in a cell reference ('invalid column') nor a tab around '=' ("type
    // '\t's'"), ends a tag at a '>' inside a value (the names become their string indexes, as
    // they did in our fast path before), and decodes neither UTF-16BE nor a declared encoding:
    // there LibreOffice below is the oracle.
    const parsedAsXml = ([name]: [string, XlsxParts]) => !/comments|references|quotes|'>'/.test(name);
    for (const [name, parts] of Object.entries(variants(rows)).filter(parsedAsXml)) {
      const bytes = xlsx(parts);
      expect(sheetJsRows(bytes), name).toEqual(firstSheetRows(await read(bytes)));
    }
  });

  it('LibreOffice shows the same people in every variant and encoding', () => {
    const rows = people(20);
    const files = Object.fromEntries([
      ...Object.values(variants(rows)).map((parts, i) => [`v${i}.xlsx`, { bytes: xlsx(parts), rows }] as const),
      // UTF-8 labelled UTF-16 LibreOffice shows as an empty sheet: we read the UTF-8, more than it shows, never less.
      ...Object.entries(encodings)
        .filter(([name]) => !name.includes('labelled'))
        .map(([, encode], i) => [`e${i}.xlsx`, { bytes: encodedXlsx(encode), rows: ACCENTS }] as const),
    ]);
    const csv = libreOfficeCsv(Object.fromEntries(Object.entries(files).map(([name, { bytes }]) => [name, bytes])));
    for (const [name, { rows: expected }] of Object.entries(files)) {
      expect(csv[name]!.trim().split('\n').map((line) => line.split(',')), name).toEqual(expected);
    }
  }, 240_000);

  it('blocks what it cannot read with certainty, never reads it as empty', async () => {
    const cell = (body: string) => xlsx({ sheet: `<?xml version="1.0"?>${body}` });
    const cases = {
      'entity declarations': cell(`<!DOCTYPE worksheet [<!ENTITY p "Jansen">]><worksheet xmlns="${MAIN}"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&p;</t></is></c></row></sheetData></worksheet>`),
      'an undeclared prefix': cell(`<x:worksheet><x:sheetData/></x:worksheet>`),
      'an unknown encoding': xlsx({ sheet: `<?xml version="1.0" encoding="x-unheard-of"?><worksheet xmlns="${MAIN}"/>` }),
      'bytes that are not UTF-8': xlsx({ sheet: new Uint8Array([...strToU8(`<worksheet xmlns="${MAIN}"><sheetData><row><c t="inlineStr"><is><t>`), 0xff, 0xfe, ...strToU8('</t></is></c></row></sheetData></worksheet>')]) }),
    };
    for (const [name, bytes] of Object.entries(cases)) expect((await read(bytes)).failure?.code, name).toBe('corrupt');
  });
});

describe('the plainness test', () => {
  const plain = (body: string) => isPlain(`<?xml version="1.0"?><worksheet xmlns="${MAIN}" xmlns:r="${REL}">${body}</worksheet>`, SPREADSHEET_ML);

  it('passes what Excel writes, and text that only looks like markup', () => {
    expect(plain('<sheetData><row r="1" spans="1:2"><c r="A1" s="1" t="s"><v>0</v></c><c r="B1"><f>IF(A1 = 2,"a","b")</f><v>1</v></c></row></sheetData>')).toBe(true);
  });

  it.each([
    ['a comment', '<!-- x -->'],
    ['CDATA', '<sheetData><![CDATA[x]]></sheetData>'],
    ['a processing instruction', '<?pi x?>'],
    ['single quotes', "<sheetData><row r='1'/></sheetData>"],
    ["space around '='", '<sheetData><row r = "1"/></sheetData>'],
    ['a tab before a value', '<sheetData><row r=\t"1"/></sheetData>'],
    ["'>' in a value", '<sheetData><row r="1" x="a>b"/></sheetData>'],
    ['an attribute inside a value', '<sheetData><c r="A1" x=" t="s"><v>0</v></c></sheetData>'],
    ['a reference in a value', '<sheetData><c r="A1" t="&#115;"><v>0</v></c></sheetData>'],
    ['space in an end tag', '<sheetData><c r="A1"><v>0</v></c ></sheetData>'],
    ['a namespace declared below the root', `<sheetData xmlns="${MAIN}"/>`],
  ])('sends %s to the canonicaliser', (_, body) => {
    expect(plain(body)).toBe(false);
  });

  it('the canonicaliser refuses what a conforming parser refuses', () => {
    for (const xml of [`<worksheet xmlns="${MAIN}"><sheetData>`, '<worksheet><x:c/></worksheet>', '<a><b></a></b>', '<a x="1" x="2"/>', '<a>&nbsp;</a>', '<a/><b/>']) {
      expect(() => canonicalXml(xml, SPREADSHEET_ML, 'test'), xml).toThrow(/corrupt/);
    }
  });

  it('the canonical form of a part is plain', () => {
    const xml = `<?xml version="1.0"?><x:worksheet xmlns:x="${MAIN}" xmlns:q="${REL}"><!-- c --><x:sheetData><x:row r = '1'><x:c r="A1" t="inlineStr"><x:is><x:t><![CDATA[a<b & "c"]]></x:t></x:is></x:c></x:row></x:sheetData><x:drawing q:id="rId1"/></x:worksheet>`;
    const canonical = canonicalXml(xml, SPREADSHEET_ML, 'test');
    expect(canonical).toBe('<worksheet><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>a&lt;b &amp; "c"</t></is></c></row></sheetData><drawing r:id="rId1"/></worksheet>');
    expect(isPlain(canonical, SPREADSHEET_ML)).toBe(true);
  });
});

describe('cells kept beside the sheets', () => {
  const seekers = makeJobSeekers(40, 21);
  const places = [...new Set(seekers.map((p) => p.place))];
  /** The visible sheet: a harmless count of people per place. */
  const countPerPlace = sheetXml([['Plaats', 'Aantal'], ...places.map((place) => [place, String(seekers.filter((p) => p.place === place).length)])], (t, ref) =>
    /^\d+$/.test(t) ? `<c r="${ref}"><v>${t}</v></c>` : `<c r="${ref}" t="inlineStr"><is><t>${escape(t)}</t></is></c>`,
  );
  const workbookWith = (inner: string) =>
    `<?xml version="1.0"?><workbook xmlns="${MAIN}" xmlns:r="${REL}"><sheets><sheet name="Blad1" sheetId="1" r:id="rId1"/></sheets>${inner}</workbook>`;
  const fields = ['Naam', 'BSN', 'Plaats', 'Geboren'];

  function pivotCache({ records = true, linked = true }: { records?: boolean; linked?: boolean }): XlsxParts {
    const placeItems = places.map((p) => `<s v="${escape(p)}"/>`).join('');
    // Without records, Excel still keeps every distinct value of each field as a shared item.
    const ownItems = (values: string[], kind: string) => (records ? '' : values.map((v) => `<${kind} v="${escape(v)}"/>`).join(''));
    const definition =
      `<?xml version="1.0"?><pivotCacheDefinition xmlns="${MAIN}" xmlns:r="${REL}" ${records ? 'r:id="rId1"' : 'saveData="0"'} recordCount="${seekers.length}">` +
      '<cacheSource type="worksheet"><worksheetSource ref="A1:D41" sheet="Bron"/></cacheSource><cacheFields count="4">' +
      `<cacheField name="Naam" numFmtId="0"><sharedItems>${ownItems(seekers.map((p) => `${p.firstName} ${p.surname}`), 's')}</sharedItems></cacheField>` +
      `<cacheField name="BSN" numFmtId="0"><sharedItems containsNumber="1">${ownItems(seekers.map((p) => p.bsn), 'n')}</sharedItems></cacheField>` +
      `<cacheField name="Plaats" numFmtId="0"><sharedItems count="${places.length}">${placeItems}</sharedItems></cacheField>` +
      `<cacheField name="Geboren" numFmtId="14"><sharedItems containsDate="1">${ownItems(seekers.map((p) => `${p.birthDate}T00:00:00`), 'd')}</sharedItems></cacheField>` +
      '</cacheFields></pivotCacheDefinition>';
    const rows = seekers.map((p) => `<r><s v="${escape(`${p.firstName} ${p.surname}`)}"/><n v="${p.bsn}"/><x v="${places.indexOf(p.place)}"/><d v="${p.birthDate}T00:00:00"/></r>`);
    return {
      sheet: countPerPlace,
      workbook: workbookWith(linked ? '<pivotCaches><pivotCache cacheId="1" r:id="rId2"/></pivotCaches>' : ''),
      workbookRels: linked ? [['pivotCacheDefinition', 'pivotCache/pivotCacheDefinition1.xml']] : [],
      extra: {
        'xl/pivotCache/pivotCacheDefinition1.xml': definition,
        ...(records && {
          'xl/pivotCache/_rels/pivotCacheDefinition1.xml.rels': `<?xml version="1.0"?><Relationships xmlns="${PKG}"><Relationship Id="rId1" Type="${TYPE}/pivotCacheRecords" Target="pivotCacheRecords1.xml"/></Relationships>`,
          'xl/pivotCache/pivotCacheRecords1.xml': `<?xml version="1.0"?><pivotCacheRecords xmlns="${MAIN}" count="${seekers.length}">${rows.join('')}</pivotCacheRecords>`,
        }),
      },
    };
  }

  const cacheRows = async (parts: XlsxParts) => {
    const outcome = await read(xlsx(parts));
    expect(outcome.failure).toBeUndefined();
    const cache = outcome.documents[0]!.sheets.find((s) => s.name.startsWith('pivot cache'));
    expect(cache?.visibility).toBe('very-hidden');
    return rowsOf(cache!.table);
  };

  it('the visible count per place alone passes', async () => {
    expect((await detect(xlsx({ sheet: countPerPlace }))).verdict).toBe('allow');
  });

  it('a pivot cache is read record by record, with its field names as header, and blocks', async () => {
    const parts = pivotCache({});
    expect(await cacheRows(parts)).toEqual([fields, ...seekers.map((p) => [`${p.firstName} ${p.surname}`, Number(p.bsn), p.place, p.birthDate])]);
    expect((await detect(xlsx(parts))).verdict).toBe('block');
  });

  it('a cache saved without records still lists every value of each field, and blocks', async () => {
    const rows = await cacheRows(pivotCache({ records: false }));
    expect(rows[0]).toEqual(fields);
    expect(rows.slice(1).map((r) => r[1])).toEqual(seekers.map((p) => Number(p.bsn)));
    expect((await detect(xlsx(pivotCache({ records: false })))).verdict).toBe('block');
  });

  it('a cache no relationship points to is read by its name', async () => {
    expect((await cacheRows(pivotCache({ linked: false }))).length).toBe(seekers.length + 1);
  });

  it("a linked workbook's cached cells are read, each sheet at its cells' positions", async () => {
    const cells = seekers.map((p, i) => `<row r="${i + 2}"><cell r="B${i + 2}" t="s"><v>${escape(`${p.firstName} ${p.surname}`)}</v></cell><cell r="C${i + 2}"><v>${p.bsn}</v></cell></row>`);
    const link =
      `<?xml version="1.0"?><externalLink xmlns="${MAIN}" xmlns:r="${REL}"><externalBook r:id="rId1"><sheetNames><sheetName val="Klanten"/></sheetNames>` +
      `<sheetDataSet><sheetData sheetId="0"><row r="1"><cell r="B1" t="s"><v>Naam</v></cell><cell r="C1" t="s"><v>BSN</v></cell></row>${cells.join('')}</sheetData></sheetDataSet></externalBook></externalLink>`;
    const parts: XlsxParts = { sheet: countPerPlace, workbookRels: [['externalLink', 'externalLinks/externalLink1.xml']], extra: { 'xl/externalLinks/externalLink1.xml': link } };
    const outcome = await read(xlsx(parts));
    const linked = outcome.documents[0]!.sheets.find((s) => s.name.includes('Klanten'));
    expect(rowsOf(linked!.table).slice(0, 2)).toEqual([[null, 'Naam', 'BSN'], [null, `${seekers[0]!.firstName} ${seekers[0]!.surname}`, Number(seekers[0]!.bsn)]]);
    expect((await detect(xlsx(parts))).verdict).toBe('block');
  });

  it('a worksheet part the workbook does not list is read too', async () => {
    const hidden = sheetXml(people(40), (t, ref) => `<c r="${ref}" t="inlineStr"><is><t>${escape(t)}</t></is></c>`);
    const bytes = xlsx({ sheet: countPerPlace, extra: { 'xl/worksheets/sheet2.xml': hidden } });
    const unlisted = (await read(bytes)).documents[0]!.sheets.find((s) => s.name === 'unlisted xl/worksheets/sheet2.xml');
    expect(rowsOf(unlisted!.table)).toEqual(people(40));
    expect((await detect(bytes)).verdict).toBe('block');
  });

  it("a chart's series caches are read as columns headed by the series name, whatever prefix the part uses, and block", async () => {
    const CHART = 'http://schemas.openxmlformats.org/drawingml/2006/chart';
    const points = (values: string[]) => `<k:ptCount val="${values.length}"/>${values.map((v, i) => `<k:pt idx="${i}"><k:v>${escape(v)}</k:v></k:pt>`).join('')}`;
    const series = (name: string, values: string[], i: number) =>
      `<k:ser><k:idx val="${i}"/><k:order val="${i}"/><k:tx><k:v>${name}</k:v></k:tx>` +
      `<k:cat><k:strRef><k:f>Bron!$A$2:$A$41</k:f><k:strCache>${points(seekers.map((p) => `${p.firstName} ${p.surname}`))}</k:strCache></k:strRef></k:cat>` +
      `<k:val><k:numRef><k:f>Bron!$B$2:$B$41</k:f><k:numCache><k:formatCode>General</k:formatCode>${points(values)}</k:numCache></k:numRef></k:val></k:ser>`;
    const chart =
      `<?xml version="1.0"?><k:chartSpace xmlns:k="${CHART}"><k:chart><k:plotArea><k:barChart><k:barDir val="col"/>` +
      `${series('BSN', seekers.map((p) => p.bsn), 0)}${series('Aantal', seekers.map(() => '1'), 1)}</k:barChart></k:plotArea></k:chart></k:chartSpace>`;
    const bytes = xlsx({ sheet: countPerPlace, extra: { 'xl/charts/chart1.xml': chart } });
    const cache = (await read(bytes)).documents[0]!.sheets.find((s) => s.name === 'chart cache xl/charts/chart1.xml');
    expect(cache?.visibility).toBe('very-hidden');
    // The categories both series share are one column.
    expect(rowsOf(cache!.table).slice(0, 2)).toEqual([['BSN', 'BSN', 'Aantal'], [`${seekers[0]!.firstName} ${seekers[0]!.surname}`, Number(seekers[0]!.bsn), 1]]);
    expect((await detect(bytes)).verdict).toBe('block');
  });

  it("an Excel 2016 chart's data blocks (ChartEx) are read as columns headed by the series name, and block", async () => {
    const CHART_EX = 'http://schemas.microsoft.com/office/drawing/2014/chartex';
    const level = (values: string[]) => `<cx:lvl ptCount="${values.length}">${values.map((v, i) => `<cx:pt idx="${i}">${escape(v)}</cx:pt>`).join('')}</cx:lvl>`;
    const chart =
      `<?xml version="1.0"?><cx:chartSpace xmlns:cx="${CHART_EX}"><cx:chartData><cx:data id="0">` +
      `<cx:strDim type="cat"><cx:f>Bron!$A$2:$A$41</cx:f>${level(seekers.map((p) => `${p.firstName} ${p.surname}`))}</cx:strDim>` +
      `<cx:numDim type="val"><cx:f>Bron!$B$2:$B$41</cx:f>${level(seekers.map((p) => p.bsn))}</cx:numDim></cx:data></cx:chartData>` +
      '<cx:chart><cx:plotArea><cx:plotAreaRegion><cx:series layoutId="treemap"><cx:tx><cx:txData><cx:f>Bron!$B$1</cx:f><cx:v>BSN</cx:v></cx:txData></cx:tx><cx:dataId val="0"/></cx:series></cx:plotAreaRegion></cx:plotArea></cx:chart></cx:chartSpace>';
    const bytes = xlsx({ sheet: countPerPlace, extra: { 'xl/charts/chartEx1.xml': chart } });
    const cache = (await read(bytes)).documents[0]!.sheets.find((s) => s.name === 'chart cache xl/charts/chartEx1.xml');
    expect(rowsOf(cache!.table).slice(0, 2)).toEqual([['BSN', 'BSN'], [`${seekers[0]!.firstName} ${seekers[0]!.surname}`, Number(seekers[0]!.bsn)]]);
    expect((await detect(bytes)).verdict).toBe('block');
  });

  it('cell comments are read in the cells they belong to', async () => {
    const comments = seekers.map((p, i) => `<comment ref="C${i + 2}" authorId="0"><text><r><t>${escape(`${p.firstName} ${p.surname}`)}</t></r><r><t xml:space="preserve">, BSN ${p.bsn}</t></r></text></comment>`);
    const xml = `<?xml version="1.0"?><comments xmlns="${MAIN}"><authors><author>Consulent</author></authors><commentList>${comments.join('')}</commentList></comments>`;
    const outcome = await read(xlsx({ sheet: countPerPlace, extra: { 'xl/comments1.xml': xml } }));
    const notes = outcome.documents[0]!.sheets.find((s) => s.name.startsWith('comments'));
    expect(rowsOf(notes!.table)[1]).toEqual([null, null, `${seekers[0]!.firstName} ${seekers[0]!.surname}, BSN ${seekers[0]!.bsn}`]);
  });

  it("Excel 365's threaded comments are read in their cells, a thread's replies together", async () => {
    const THREADED = 'http://schemas.microsoft.com/office/spreadsheetml/2018/threadedcomments';
    const thread = (p: (typeof seekers)[number], i: number) =>
      `<threadedComment ref="C${i + 2}" dT="2026-11-02T10:00:00.00" personId="{0}" id="{${i}-1}"><text>${escape(`${p.firstName} ${p.surname}`)}</text></threadedComment>` +
      `<threadedComment ref="C${i + 2}" dT="2026-11-02T10:05:00.00" personId="{0}" id="{${i}-2}" parentId="{${i}-1}"><text>gebeld</text></threadedComment>` +
      `<threadedComment ref="D${i + 2}" dT="2026-11-02T10:06:00.00" personId="{0}" id="{${i}-3}"><text>${p.bsn}</text></threadedComment>`;
    const xml = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n<ThreadedComments xmlns="${THREADED}" xmlns:x="${MAIN}">${seekers.map(thread).join('')}</ThreadedComments>`;
    const bytes = xlsx({ sheet: countPerPlace, extra: { 'xl/threadedComments/threadedComment1.xml': xml } });
    const notes = (await read(bytes)).documents[0]!.sheets.find((s) => s.name.startsWith('threaded comments'));
    expect(rowsOf(notes!.table)[1]).toEqual([null, null, `${seekers[0]!.firstName} ${seekers[0]!.surname}\ngebeld`, seekers[0]!.bsn]);
    expect((await detect(bytes)).verdict).toBe('block');
  });
});

const ODF = (name: string) => `urn:oasis:names:tc:opendocument:xmlns:${name}:1.0`;

function ods(content: string | Uint8Array, more: Record<string, string> = {}): Uint8Array {
  const manifest =
    `<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest="${ODF('manifest')}" manifest:version="1.2">` +
    '<manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>' +
    '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>';
  return zipSync({
    mimetype: [strToU8('application/vnd.oasis.opendocument.spreadsheet'), { level: 0 }],
    'META-INF/manifest.xml': strToU8(manifest),
    'content.xml': typeof content === 'string' ? strToU8(content) : content,
    ...Object.fromEntries(Object.entries(more).map(([name, text]) => [name, strToU8(text)])),
  });
}

/** content.xml of one table; `cell` writes each cell's text:p content. */
function odsContent(rows: string[][], cell: (text: string) => string = escape, table = 'Blad1'): string {
  const body = rows.map((row) => `<table:table-row>${row.map((t) => `<table:table-cell office:value-type="string"><text:p>${cell(t)}</text:p></table:table-cell>`).join('')}</table:table-row>`);
  return (
    `<?xml version="1.0" encoding="UTF-8"?><office:document-content xmlns:office="${ODF('office')}" xmlns:table="${ODF('table')}" xmlns:text="${ODF('text')}" office:version="1.2">` +
    `<office:body><office:spreadsheet><table:table table:name="${table}">${body.join('')}</table:table></office:spreadsheet></office:body></office:document-content>`
  );
}

function odsVariants(rows: string[][]): Record<string, string> {
  const plain = odsContent(rows);
  return {
    'as LibreOffice writes it': plain,
    'text in CDATA sections': odsContent(rows, (t) => `<![CDATA[${t}]]>`),
    'text split by comments': odsContent(rows, (t) => `${escape(t.slice(0, 1))}<!-- x -->${escape(t.slice(1))}`),
    'character references': odsContent(rows, charRefs),
    'other prefixes': Object.entries({ office: 'o', table: 't', text: 'x' }).reduce((xml, [from, to]) => xml.replace(new RegExp(`(<\\/?|\\s|\\sxmlns:)${from}(?=[:=])`, 'g'), `$1${to}`), plain),
    "single quotes and spaces around '='": plain.replace(/ (office:value-type|table:name)="([^"]*)"/g, "\n $1 = '$2'"),
  };
}

describe('ods parts written every way XML allows', () => {
  const rows = people(20);

  it.each(Object.entries(odsVariants(rows)))('%s: read as written', async (_, content) => {
    expect(firstSheetRows(await read(ods(content)))).toEqual(rows);
  });

  it('LibreOffice shows the same people in every variant', () => {
    const files = Object.fromEntries(Object.values(odsVariants(rows)).map((content, i) => [`o${i}.ods`, ods(content)]));
    for (const [name, csv] of Object.entries(libreOfficeCsv(files))) expect(csv.trim().split('\n').map((line) => line.split(',')), name).toEqual(rows);
  }, 240_000);

  it('attributes separated by a tab or a line break are read as LibreOffice reads them', async () => {
    // A number cell whose text says otherwise: read without its attributes it would be the text.
    const cells = ['\t', '\n', '\r\n'].map((space) => `<table:table-cell${space}office:value-type="float"${space}office:value="5"><text:p>vijf</text:p></table:table-cell>`);
    const content = odsContent([['x']]).replace(/<table:table-row>.*<\/table:table-row>/, `<table:table-row>${cells.join('')}</table:table-row>`);
    expect(firstSheetRows(await read(ods(content)))).toEqual([[5, 5, 5]]);
    expect(Object.values(libreOfficeCsv({ 'spaces.ods': ods(content) }))[0]!.trim()).toBe('5,5,5');
  }, 120_000);

  it('a spreadsheet embedded as an object is read with the main one', async () => {
    const bytes = ods(odsContent([['Plaats', 'Aantal'], ['Ede', '3']]), { 'Object 1/content.xml': odsContent(rows, escape, 'Klanten') });
    const outcome = await read(bytes);
    const embedded = outcome.documents[0]!.sheets.find((s) => s.name === 'Object 1/Klanten');
    expect(rowsOf(embedded!.table)).toEqual(rows);
    expect((await detect(bytes)).verdict).toBe('block');
  });

  it('cell comments (annotations) are read at their cells, apart from the cell text', async () => {
    const note = (t: string) => `<office:annotation><dc:creator>Consulent</dc:creator><text:p>${escape(t)}</text:p></office:annotation>`;
    const content = odsContent(rows, (t) => escape(t)).replace(/<text:p>([^<]*)<\/text:p>/g, (cell, t: string) => `${note(`over ${t}`)}${cell}`).replace('xmlns:text=', 'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:text=');
    const [sheet, comments] = (await read(ods(content))).documents[0]!.sheets;
    expect(rowsOf(sheet!.table)).toEqual(rows);
    expect(comments!.name).toBe('comments Blad1');
    expect(rowsOf(comments!.table)).toEqual(rows.map((row) => row.map((t) => `over ${t}`)));
  });

  it('blocks content.xml that is missing, no XML, no OpenDocument content, or tables it cannot tell apart, never reads it as empty', async () => {
    const cases = {
      missing: zipSync({ mimetype: strToU8('application/vnd.oasis.opendocument.spreadsheet'), 'META-INF/manifest.xml': strToU8('<manifest/>'), 'styles.xml': strToU8('<x/>') }),
      'no XML': ods(new Uint8Array([0x8f, 0x02, 0xff, 0x13, 0x00, 0x99])),
      'another root': ods('<?xml version="1.0"?><spreadsheet><row><cell>Jan</cell></row></spreadsheet>'),
      // Rows after the inner table's end tag would go unread.
      'a table inside a table': ods(odsContent(rows).replace('<text:p>Naam</text:p>', '<text:p>Naam</text:p><table:table table:name="x"><table:table-row/></table:table>')),
    };
    for (const [name, bytes] of Object.entries(cases)) {
      const outcome = await read(bytes);
      expect(outcome.failure?.code, name).toBe('corrupt');
      expect((await detect(bytes)).verdict, name).toBe('block');
    }
  });

  it('a password-protected ods written by LibreOffice is blocked as encrypted', async () => {
    const bytes = libreOfficeEncryptedOds(ods(odsContent(rows)));
    // What LibreOffice writes: every part encrypted, said so in the manifest.
    expect(new TextDecoder().decode(unzipSync(bytes)['META-INF/manifest.xml'])).toContain('manifest:encryption-data');
    const outcome = await read(bytes);
    expect(outcome.kind).toBe('ods');
    expect(outcome.failure?.code).toBe('encrypted');
    expect((await detect(bytes)).verdict).toBe('block');
  }, 240_000);
});

/** The file saved by LibreOffice with the password 'geheim' (a Basic macro in a private profile: soffice has no command-line switch for it). */
function libreOfficeEncryptedOds(plain: Uint8Array): Uint8Array {
  const dir = mkdtempSync(join(tmpdir(), 'eg-xml-parts-'));
  dirs.push(dir);
  const soffice = (...args: string[]) => execFileSync('soffice', ['--headless', `-env:UserInstallation=file://${dir}/profile`, ...args], { timeout: 180_000, stdio: 'ignore' });
  writeFileSync(join(dir, 'plain.ods'), plain);
  // A first run creates the profile, whose Standard library then gets the macro.
  soffice('--convert-to', 'csv', '--outdir', join(dir, 'out'), join(dir, 'plain.ods'));
  writeFileSync(
    join(dir, 'profile/user/basic/Standard/Module1.xba'),
    `<?xml version="1.0" encoding="UTF-8"?><!DOCTYPE script:module PUBLIC "-//OpenOffice.org//DTD OfficeDocument 1.0//EN" "module.dtd">
<script:module xmlns:script="http://openoffice.org/2000/script" script:name="Module1" script:language="StarBasic">
Sub Encrypt(source As String, target As String)
  Dim load(0) As New com.sun.star.beans.PropertyValue
  load(0).Name = "Hidden" : load(0).Value = True
  doc = StarDesktop.loadComponentFromURL(ConvertToURL(source), "_blank", 0, load())
  Dim store(1) As New com.sun.star.beans.PropertyValue
  store(0).Name = "FilterName" : store(0).Value = "calc8"
  store(1).Name = "Password" : store(1).Value = "geheim"
  doc.storeToURL(ConvertToURL(target), store())
  doc.close(True)
End Sub
</script:module>`,
  );
  soffice(`macro:///Standard.Module1.Encrypt("${join(dir, 'plain.ods')}","${join(dir, 'secret.ods')}")`);
  return new Uint8Array(readFileSync(join(dir, 'secret.ods')));
}

const dirs: string[] = [];
afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

/** LibreOffice's reading of each file's first sheet, as csv text; one soffice run for all of them. */
export function libreOfficeCsv(files: Record<string, Uint8Array>): Record<string, string> {
  const dir = mkdtempSync(join(tmpdir(), 'eg-xml-parts-'));
  dirs.push(dir);
  const paths = Object.entries(files).map(([name, bytes]) => {
    writeFileSync(join(dir, name), bytes);
    return join(dir, name);
  });
  execFileSync('soffice', ['--headless', `-env:UserInstallation=file://${dir}/profile`, '--convert-to', 'csv:Text - txt - csv (StarCalc):44,34,76', '--outdir', join(dir, 'out'), ...paths], { timeout: 180_000, stdio: 'ignore' });
  return Object.fromEntries(Object.keys(files).map((name) => [name, readFileSync(join(dir, 'out', name.replace(/\.[^.]+$/, '.csv')), 'utf8')]));
}
