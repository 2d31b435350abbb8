// The readers on real files: every fixture of the catalogue, plus hand-built edge cases.
import { describe, expect, it } from 'vitest';
import { unzipSync, zipSync } from 'fflate';
import { rowsOf } from '../../shared/detector/table.js';
import { readDocuments, type ReadContext } from '../../shared/detector/read/index.js';
import { detect } from '../../shared/detector/index.js';
import type { Limits } from '../../shared/policy/types.js';
import type { CellValue, Sheet } from '../../shared/detector/types.js';
import { FIXTURE_NAMES, FIXTURES, fixtureBytes } from '../helpers/fixtures.js';
import * as XLSX from '@e965/xlsx';
import { delimited, encodeText, gzip, workbook, zipArchive } from '../../scripts/fixtures/formats.js';
import { pseudoRandomBytes } from '../../scripts/fixtures/catalogue.js';
import { passesElfproef } from '../../scripts/fixtures/people.js';

const LIMITS: Limits = {
  maxFileBytes: 50 * 1024 * 1024,
  maxScanMs: 20_000,
  archive: { maxDepth: 3, maxEntries: 1000, maxInflatedBytes: 200 * 1024 * 1024, maxRatio: 100 },
};

function context(overrides: Partial<ReadContext> = {}, limits: Partial<Limits> = {}): ReadContext {
  return { limits: { ...LIMITS, ...limits }, deadline: Date.now() + 20_000, ...overrides };
}

/**
 * For tests whose fixtures may be written on first use: SheetJS takes 8 s alone to write
 * leak-8.xlsb (its xlsb writer deflates and looks up shared strings slowly), and a loaded two-core
 * CI machine is several times slower than that.
 */
const FIRST_USE_TIMEOUT_MS = 120_000;

const read = (bytes: Uint8Array, ctx = context()) => readDocuments(bytes, ctx);
const allSheets = (outcome: { documents: { sheets: Sheet[] }[] }) => outcome.documents.flatMap((d) => d.sheets);

function column(sheet: Sheet, header: string): CellValue[] {
  const headerRow = rowsOf(sheet.table).findIndex((row) => row.includes(header));
  expect(headerRow, `header ${header}`).toBeGreaterThanOrEqual(0);
  const index = rowsOf(sheet.table)[headerRow]!.indexOf(header);
  return rowsOf(sheet.table).slice(headerRow + 1).map((row) => row[index] ?? null);
}

describe('every fixture', () => {
  it.each(FIXTURE_NAMES)('%s: kind, failure and rows as catalogued', { timeout: FIRST_USE_TIMEOUT_MS }, async (name) => {
    const { expect: spec } = FIXTURES[name];
    const outcome = await read(await fixtureBytes(name));
    expect(outcome.kind).toBe(spec.kind);
    if ('failure' in spec && spec.failure) {
      expect(spec.failure).toContain(outcome.failure?.code);
      expect(outcome.documents).toEqual([]);
    } else {
      expect(outcome.failure).toBeUndefined();
    }
    const people = 'people' in spec ? spec.people : undefined;
    if (people) {
      // The people table has a header row, plus title rows in one variant.
      const tableRows = allSheets(outcome).map((s) => rowsOf(s.table).filter((r) => r.length > 0).length);
      expect(tableRows.some((n) => n >= people && n <= people + 3)).toBe(true);
    }
  });
});

describe('cell values', () => {
  it('keeps a BSN with a leading zero as text in csv and never guesses dates', async () => {
    const bytes = delimited([['BSN', 'Datum'], ['012345672', '03-04-2018']], ';');
    const [sheet] = allSheets(await read(bytes));
    expect(rowsOf(sheet!.table)).toEqual([['BSN', 'Datum'], ['012345672', '03-04-2018']]);
  });

  it('gives numeric BSNs as numbers, 8 digits when the leading zero was dropped', async () => {
    const [sheet] = allSheets(await read(await fixtureBytes('export-bsn-as-number.xlsx')));
    const bsns = column(sheet!, 'BSN');
    expect(bsns.every((v) => typeof v === 'number')).toBe(true);
    expect(bsns.some((v) => String(v).length === 8)).toBe(true);
    expect(bsns.every((v) => passesElfproef(String(v).padStart(9, '0')))).toBe(true);
  });

  it.each(['leak-2.xls', 'leak-8.xlsb', 'leak-1.xlsx'] as const)('gives dates as ISO strings (%s)', { timeout: FIRST_USE_TIMEOUT_MS }, async (name) => {
    const outcome = await read(await fixtureBytes(name));
    const sheet = allSheets(outcome)[0]!;
    const header = name === 'leak-1.xlsx' ? undefined : 'Geboortedatum';
    if (!header) return expect(rowsOf(sheet.table).flat().some((v) => typeof v === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(v))).toBe(false);
    const dates = column(sheet, header);
    expect(dates.every((v) => typeof v === 'string' && /^(19|20)\d\d-\d\d-\d\d$/.test(v))).toBe(true);
  });

  it('reads dates the same from xlsx, xls, xlsb and ods', async () => {
    const rows = [['Geboortedatum', 'Naam'], [{ date: '1980-01-26' }, 'Jan'], [{ date: '2001-12-31' }, 'Piet']];
    for (const type of ['xlsx', 'xls', 'xlsb', 'ods'] as const) {
      const [sheet] = allSheets(await read(workbook([{ name: 'Blad1', rows }], type)));
      expect(rowsOf(sheet!.table), type).toEqual([['Geboortedatum', 'Naam'], ['1980-01-26', 'Jan'], ['2001-12-31', 'Piet']]);
    }
  });

  it('reads the very hidden sheet and says it is very hidden', async () => {
    const sheets = allSheets(await read(await fixtureBytes('export-hidden-sheet.xlsx')));
    expect(sheets.map((s) => [s.name, s.visibility])).toEqual([['Toelichting', 'visible'], ['Data', 'very-hidden']]);
    expect(rowsOf(sheets[1]!.table).length).toBe(81);
  });

  it('gives the cached value of formulas', async () => {
    const [sheet] = allSheets(await read(await fixtureBytes('export-formulas.xlsx')));
    const days = column(sheet!, 'WW-dagen recht');
    const weeks = column(sheet!, 'WW-weken');
    expect(weeks.length).toBe(120);
    weeks.forEach((w, i) => expect(w).toBeCloseTo((days[i] as number) / 5, 2));
  });

  it('keeps the title rows above a header on row 5 in place', async () => {
    const [sheet] = allSheets(await read(await fixtureBytes('export-header-row-5.xlsx')));
    expect(rowsOf(sheet!.table)[0]).toEqual(['UWV Sonar - selectie groepsbericht']);
    expect(rowsOf(sheet!.table)[2]).toEqual([]);
    expect(rowsOf(sheet!.table)[4]![0]).toBe('Achternaam');
  });
});

describe('text encodings and delimiters', () => {
  it('reads the same table from UTF-8 with BOM, UTF-16 LE, UTF-16 BE and pipe-separated text', async () => {
    const tables = await Promise.all(
      (['export-bom.csv', 'export-utf16le.txt', 'export-utf16be.csv', 'export-pipe.txt'] as const).map(async (n) => rowsOf(allSheets(await read(await fixtureBytes(n)))[0]!.table)),
    );
    for (const table of tables.slice(1)) expect(table).toEqual(tables[0]);
    expect(tables[0]![0]).toEqual(['Achternaam', 'Postcode', 'Woonplaats', 'Beroepssector', 'BSN']);
  });

  it('decodes Windows-1252 accents', async () => {
    const [sheet] = allSheets(await read(await fixtureBytes('export-cp1252.csv')));
    const names = column(sheet!, 'Naam').join(' ');
    expect(names).toMatch(/Öztürk|Hoëvenaars|Müller|Çelik/);
    expect(names).not.toContain('\ufffd');
  });

  it('handles quotes, doubled quotes and line breaks inside fields', async () => {
    const text = 'Naam;Opmerking\r\n"Jansen, J.";"zegt ""ja""\nen nee"\r\nBakker;\r\n';
    const [sheet] = allSheets(await read(encodeText(text, 'utf-8')));
    expect(rowsOf(sheet!.table)).toEqual([['Naam', 'Opmerking'], ['Jansen, J.', 'zegt "ja"\nen nee'], ['Bakker', null]]);
  });

  it('reads a list of values one per line as a one-column table of kind text', async () => {
    const outcome = await read(encodeText('111222333\n123456782\n\n', 'utf-8'));
    expect(outcome.kind).toBe('text');
    expect(rowsOf(allSheets(outcome)[0]!.table)).toEqual([['111222333'], ['123456782']]);
  });
});

describe('OpenDocument', () => {
  // SheetJS differs here, which is why this is not a cross-check: it keeps '&amp;' in sheet names,
  // drops value cells written without a paragraph, and does not see hidden tables.
  it('reads OpenDocument details: repeats, spaces, paragraphs, notes, covered cells, hidden tables', async () => {
    const content = `<?xml version="1.0" encoding="UTF-8"?>
<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" xmlns:dc="http://purl.org/dc/elements/1.1/" office:version="1.2">
<office:automatic-styles><style:style style:name="ta1" style:family="table"><style:table-properties table:display="true"/></style:style><style:style style:name="ta2" style:family="table"><style:table-properties table:display="false"/></style:style></office:automatic-styles>
<office:body><office:spreadsheet>
<table:table table:name="Zicht &amp; co" table:style-name="ta1"><table:table-column table:number-columns-repeated="3"/>
<table:table-row><table:table-cell office:value-type="string"><text:p>twee<text:s text:c="2"/>spaties</text:p></table:table-cell><table:table-cell table:number-columns-repeated="2"/><table:table-cell office:value-type="float" office:value="42"/></table:table-row>
<table:table-row table:number-rows-repeated="2"><table:table-cell office:value-type="string" table:number-columns-repeated="2"><text:p>x</text:p></table:table-cell></table:table-row>
<table:table-row table:number-rows-repeated="3"><table:table-cell table:number-columns-repeated="1024"/></table:table-row>
<table:table-row><table:table-cell office:value-type="string"><office:annotation><dc:creator>A</dc:creator><text:p>notitie</text:p></office:annotation><text:p>regel 1</text:p><text:p>regel <text:span>2</text:span></text:p></table:table-cell><table:covered-table-cell/><table:table-cell office:value-type="percentage" office:value="0.25"/><table:table-cell office:value-type="boolean" office:boolean-value="true"/><table:table-cell office:value-type="date" office:date-value="1980-01-26"/></table:table-row>
<table:table-row table:number-rows-repeated="1048000"><table:table-cell table:number-columns-repeated="1024"/></table:table-row>
</table:table>
<table:table table:name="Verborgen" table:style-name="ta2"><table:table-row><table:table-cell office:value-type="string"><text:p>123456782</text:p></table:table-cell></table:table-row></table:table>
</office:spreadsheet></office:body></office:document-content>`;
    const bytes = zipArchive([
      { name: 'mimetype', data: encodeText('application/vnd.oasis.opendocument.spreadsheet', 'utf-8') },
      { name: 'content.xml', data: encodeText(content, 'utf-8') },
      { name: 'styles.xml', data: encodeText('<?xml version="1.0" encoding="UTF-8"?><office:document-styles xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" office:version="1.2"/>', 'utf-8') },
      {
        name: 'META-INF/manifest.xml',
        data: encodeText(
          '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">' +
            '<manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>' +
            '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>',
          'utf-8',
        ),
      },
    ]);
    const outcome = await read(bytes);
    expect(outcome.failure).toBeUndefined();
    expect(allSheets(outcome).map((sheet) => ({ name: sheet.name, visibility: sheet.visibility, rows: rowsOf(sheet.table) }))).toEqual([
      {
        name: 'Zicht & co',
        visibility: 'visible',
        rows: [['twee  spaties', null, null, 42], ['x', 'x'], ['x', 'x'], [], [], [], ['regel 1\nregel 2', null, 0.25, true, '1980-01-26']],
      },
      { name: 'comments Zicht & co', visibility: 'very-hidden', rows: [[], [], [], [], [], [], ['notitie']] },
      { name: 'Verborgen', visibility: 'hidden', rows: [['123456782']] },
    ]);
  });

});

describe('repeat bombs', () => {
  it('reads a value repeated over the whole OpenDocument grid as a bounded number of copies', async () => {
    const cell = '<table:table-cell office:value-type="string" table:number-columns-repeated="16384"><text:p>x</text:p></table:table-cell>';
    const flat = `<?xml version="1.0" encoding="UTF-8"?><office:document xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:mimetype="application/vnd.oasis.opendocument.spreadsheet"><office:body><office:spreadsheet><table:table table:name="T"><table:table-row table:number-rows-repeated="1048576">${cell}</table:table-row></table:table></office:spreadsheet></office:body></office:document>`;
    const outcome = await read(encodeText(flat, 'utf-8'));
    expect(outcome.kind).toBe('ods');
    const rows = rowsOf(allSheets(outcome)[0]!.table);
    expect(rows.length).toBe(1000);
    expect(rows[999]!.length).toBe(1000);
  });
});

describe('sheets of gaps', () => {
  // A few bytes per row that put one cell in column XFD once cost 128 KB per row, in every reader:
  // 5,000 such rows (139 KB of xlsx) took 5 s and 860 MB. Now each sheet may span 16 grid
  // positions per cell it holds, beyond an allowance of a million.
  const flatOds = (rows: string) =>
    `<?xml version="1.0" encoding="UTF-8"?><office:document xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:mimetype="application/vnd.oasis.opendocument.spreadsheet"><office:body><office:spreadsheet><table:table table:name="T">${rows}</table:table></office:spreadsheet></office:body></office:document>`;
  const odsCell = (text: string) => `<table:table-cell office:value-type="string"><text:p>${text}</text:p></table:table-cell>`;
  const odsRow = (gap: number, repeat = 1) =>
    `<table:table-row table:number-rows-repeated="${repeat}">${odsCell('x')}<table:table-cell table:number-columns-repeated="${gap}"/>${odsCell('y')}</table:table-row>`;
  const farRight = (rows: number, lastColumn: string): XLSX.WorkSheet => {
    const sheet: XLSX.WorkSheet = { '!ref': `A1:${lastColumn}${rows}` };
    for (let r = 1; r <= rows; r++) Object.assign(sheet, { [`A${r}`]: { t: 's', v: 'x' }, [`${lastColumn}${r}`]: { t: 's', v: 'y' } });
    return sheet;
  };
  const book = (sheet: XLSX.WorkSheet) => {
    const workbook = XLSX.utils.book_new();
    XLSX.utils.book_append_sheet(workbook, sheet, 'Blad1');
    return new Uint8Array(XLSX.write(workbook, { type: 'array', bookType: 'xlsx', compression: true }));
  };
  /** SheetJS writes every position of a range, so many far-right rows are made by copying one. */
  const farRightRows = (rows: number) => {
    const parts = unzipSync(book(farRight(1, 'XFD')));
    const xml = new TextDecoder().decode(parts['xl/worksheets/sheet1.xml']);
    const row = /<row\b[\s\S]*?<\/row>/.exec(xml)![0];
    const manyRows = Array.from({ length: rows }, (_, r) => row.replaceAll(/(r="[A-Z]*)1"/g, `$1${r + 1}"`)).join('');
    parts['xl/worksheets/sheet1.xml'] = new TextEncoder().encode(xml.replace(row, manyRows));
    return zipSync(parts);
  };

  it.each([
    ['xlsx, a cell in A and in XFD of 3,000 rows', () => farRightRows(3000)],
    ['flat OpenDocument, the same row repeated 1,000 times', () => encodeText(flatOds(odsRow(16_382, 1000)), 'utf-8')],
    ['an HTML table with a cell spanning 16,000 columns in 3,000 rows', () => encodeText(`<html><body><table>${'<tr><td colspan="16000">x</td><td>y</td></tr>'.repeat(3000)}</table></body></html>`, 'utf-8')],
  ])('blocks %s as too large', async (_, bytes) => {
    expect((await read(bytes())).failure?.code).toBe('too-large');
  });

  it('reads sparse tables that are no trick: a far-right column in every row, a note in column XFD', async () => {
    for (const bytes of [book(farRight(3000, 'Z')), encodeText(flatOds(odsRow(24, 3000) + odsRow(16_382)), 'utf-8')]) {
      const outcome = await read(bytes);
      expect(outcome.failure).toBeUndefined();
      expect(rowsOf(allSheets(outcome)[0]!.table)[0]!.at(-1)).toBe('y');
    }
  });
});

describe('markup spreadsheets', () => {
  it('finds the table of a web page behind kilobytes of styles', async () => {
    const rows = Array.from({ length: 20 }, (_, i) => `<tr><td>Naam ${i}</td><td>12345678${i % 10}</td></tr>`).join('\n');
    const page = `<!DOCTYPE html><html><head><style>${'td { color: black; }\n'.repeat(800)}</style></head><body>\n<table><tr><td>Naam</td><td>BSN</td></tr>\n${rows}\n</table></body></html>`;
    const outcome = await read(encodeText(page, 'utf-8'));
    expect(outcome.kind).toBe('xls');
    expect(rowsOf(allSheets(outcome)[0]!.table)[1]).toEqual(['Naam 0', '123456780']);
  });
});

describe('input as a view', () => {
  it.each(['leak-1.xlsx', 'leak-2.xls', 'leak-6.ods', 'leak-8.xlsb', 'export-in-zip.zip', 'export.csv.gz', 'export-utf16be.csv', 'encrypted.xls'] as const)(
    '%s inside a larger buffer (as Node pools Buffers) reads the same as a copy',
    { timeout: FIRST_USE_TIMEOUT_MS },
    async (name) => {
      const bytes = await fixtureBytes(name);
      const pool = new Uint8Array(bytes.length + 2000).fill(0x50);
      pool.set(bytes, 1000);
      expect(await read(pool.subarray(1000, 1000 + bytes.length))).toEqual(await read(bytes));
    },
  );
});

describe('what is not a spreadsheet', () => {
  it('lets random bytes pass as other, without failure; the few runs of text in them are no table', async () => {
    const outcome = await read(pseudoRandomBytes(10_000, 1));
    expect(outcome).toMatchObject({ kind: 'other' });
    expect(outcome.failure).toBeUndefined();
    const verdict = await detect(pseudoRandomBytes(200_000, 2));
    expect(verdict).toMatchObject({ kind: 'other', verdict: 'allow' });
  });

  it('reads an empty file as empty text', async () => {
    const outcome = await read(new Uint8Array(0));
    expect(outcome.kind).toBe('text');
    expect(outcome.failure).toBeUndefined();
  });

  it('blocks a damaged compound file as corrupt', async () => {
    const bytes = new Uint8Array(4096);
    bytes.set([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]);
    bytes.set(pseudoRandomBytes(4000, 2), 96);
    expect((await read(bytes)).failure?.code).toBe('corrupt');
  });

  it('blocks a zip with spreadsheet parts but no workbook as corrupt', async () => {
    const bytes = zipArchive([{ name: 'xl/worksheets/sheet1.xml', data: encodeText('<worksheet/>', 'utf-8') }]);
    expect(await read(bytes)).toMatchObject({ kind: 'xlsx', failure: { code: 'corrupt' } });
  });
});

describe('damage that a lenient reader would read past', () => {
  function compoundFile(stream: string): Uint8Array {
    const container = XLSX.CFB.utils.cfb_new();
    XLSX.CFB.utils.cfb_add(container, `/${stream}`, pseudoRandomBytes(5000, 3));
    return new Uint8Array(XLSX.CFB.write(container, { type: 'array' }) as ArrayBuffer);
  }

  it('lets an old Word document pass, and blocks a compound file without a known stream', async () => {
    expect(await read(compoundFile('WordDocument'))).toEqual({ kind: 'other', documents: [] });
    expect((await read(compoundFile('Workbo0k'))).failure?.code).toBe('corrupt');
  });

  it('blocks a gzip whose checksum does not match', async () => {
    const bytes = gzip(delimited([['BSN'], ['123456782']], ';'));
    bytes[bytes.length - 8] = (bytes[bytes.length - 8] as number) ^ 1;
    expect((await read(bytes)).failure?.code).toBe('corrupt');
  });

  function rezip(bytes: Uint8Array, edit: (name: string, data: Uint8Array) => [string, Uint8Array]): Uint8Array {
    return zipArchive(Object.entries(unzipSync(bytes)).map(([name, data]) => {
      const [newName, newData] = edit(name, data);
      return { name: newName, data: newData };
    }));
  }

  it('blocks an xlsx whose shared strings part is missing', async () => {
    const bytes = rezip(await fixtureBytes('leak-1.xlsx'), (name, data) => [name.replace('sharedStrings', 'sharedStrinks'), data]);
    expect((await read(bytes)).failure?.code).toBe('corrupt');
  });

  it('blocks an xlsx sheet that declares cells none of which can be read', async () => {
    const bytes = rezip(await fixtureBytes('leak-1.xlsx'), (name, data) =>
      [name, name.endsWith('sheet1.xml') ? encodeText(new TextDecoder().decode(data).replace(/sheetData/g, 'sheetDatum'), 'utf-8') : data]);
    expect((await read(bytes)).failure?.code).toBe('corrupt');
  });

  it('blocks an OpenDocument file whose declared type was damaged only if it cannot be read as a spreadsheet', async () => {
    const bytes = rezip(await fixtureBytes('leak-6.ods'), (name, data) =>
      [name, name === 'mimetype' ? encodeText('application/vnd.oasis.opendocument.spreadsheeu', 'utf-8') : data]);
    const outcome = await read(bytes);
    expect(outcome.kind).toBe('ods');
    expect(rowsOf(allSheets(outcome)[0]!.table).length).toBe(11);
  });
});

describe('archive caps', () => {
  const csv = delimited([['BSN'], ['123456782']], ';');

  it('blocks more entries than allowed', async () => {
    const bytes = zipArchive(Array.from({ length: 12 }, (_, i) => ({ name: `e${i}.csv`, data: csv })));
    expect((await read(bytes, context({}, { archive: { ...LIMITS.archive, maxEntries: 10 } }))).failure?.code).toBe('archive-too-many-entries');
  });

  it('blocks more inflated bytes than allowed, on the declared sizes', async () => {
    const bytes = zipArchive([{ name: 'big.csv', data: new Uint8Array(3 * 1024 * 1024).fill(0x41) }]);
    const outcome = await read(bytes, context({}, { archive: { ...LIMITS.archive, maxInflatedBytes: 1024 * 1024, maxRatio: 10_000 } }));
    expect(outcome.failure?.code).toBe('archive-too-large');
  });

  it('blocks a lying bomb while inflating, having produced no more than its header declared', async () => {
    const outcome = await read(await fixtureBytes('zip-bomb-lying.zip'));
    expect(outcome.failure).toMatchObject({ code: 'corrupt', path: 'deel-1.csv' });
  });

  it('blocks a gzip that inflates beyond the total cap', async () => {
    const bytes = gzip(new Uint8Array(4 * 1024 * 1024));
    const outcome = await read(bytes, context({}, { archive: { ...LIMITS.archive, maxInflatedBytes: 1024 * 1024, maxRatio: 1e9 } }));
    expect(outcome).toMatchObject({ kind: 'gzip', failure: { code: 'archive-too-large' } });
  });

  it('counts archive depth: two nested zips pass with maxDepth 2, three do not', async () => {
    const inner = zipArchive([{ name: 'a.csv', data: csv }]);
    const two = zipArchive([{ name: 'inner.zip', data: inner }]);
    const three = zipArchive([{ name: 'two.zip', data: two }]);
    const limits = { archive: { ...LIMITS.archive, maxDepth: 2 } };
    expect((await read(two, context({}, limits))).failure).toBeUndefined();
    expect((await read(three, context({}, limits))).failure?.code).toBe('archive-too-deep');
  });

  it('blocks a password-protected zip entry as encrypted', async () => {
    const bytes = zipArchive([{ name: 'a.csv', data: csv }]);
    // General purpose flag bit 0 (encrypted) in the central directory entry.
    const central = bytes.length - 22 - 46 - 'a.csv'.length;
    bytes[central + 8] = 1;
    expect((await read(bytes)).failure?.code).toBe('encrypted');
  });
});

describe('deadline and cancellation', () => {
  it('stops with timeout when the deadline has passed', async () => {
    const outcome = await read(await fixtureBytes('leak-4.xlsx'), context({ deadline: Date.now() - 1 }));
    expect(outcome.failure?.code).toBe('timeout');
  });

  it('stops with cancelled when the signal is aborted', async () => {
    const controller = new AbortController();
    controller.abort();
    const outcome = await read(await fixtureBytes('leak-7.csv'), context({ signal: controller.signal }));
    expect(outcome.failure?.code).toBe('cancelled');
  });

  it('notices an abort that arrives while an archive is being read', async () => {
    const controller = new AbortController();
    const entries = Array.from({ length: 50 }, (_, i) => ({ name: `e${i}.csv`, data: delimited([['BSN'], [String(i)]], ';') }));
    const pending = read(zipArchive(entries), context({ signal: controller.signal }));
    setTimeout(() => controller.abort(), 0);
    expect((await pending).failure?.code).toBe('cancelled');
  });
});
