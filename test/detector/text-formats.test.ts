// Text formats a spreadsheet application opens as a table, each read as the application shows it:
// a people list in it blocks, its harmless twin passes, and where LibreOffice reads the same file
// (headless --convert-to csv) it finds the same people as our reader.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import * as XLSX from '@e965/xlsx';
import { detect } from '../../shared/detector/index.js';
import { readDocuments } from '../../shared/detector/read/index.js';
import { ReadSession } from '../../shared/detector/read/session.js';
import { readTextDocument } from '../../shared/detector/read/text-formats.js';
import { rowsOf } from '../../shared/detector/table.js';
import { DEFAULT_POLICY } from '../../shared/policy/defaults.js';
import { exportTable } from '../../scripts/fixtures/catalogue.js';
import { delimited, dutchDate, workbook, type CellInput } from '../../scripts/fixtures/formats.js';
import { passesElfproef } from '../../scripts/fixtures/people.js';
import { fixtureBytes } from '../helpers/fixtures.js';

const PEOPLE = 60;
const people = () => exportTable(PEOPLE, 9);
const utf8 = (text: string) => new TextEncoder().encode(text);

/** The cells as a person reads them in a text export: dates day-first, everything else as written. */
function shown(rows: CellInput[][]): string[][] {
  return rows.map((row) => row.map((v) => (v === null ? '' : typeof v === 'object' ? ('date' in v ? dutchDate(v.date) : String(v.cached)) : String(v))));
}

async function harmless(): Promise<XLSX.WorkBook> {
  return XLSX.read(await fixtureBytes('vacancies.xlsx'), { type: 'array' });
}

const peopleBook = () => XLSX.read(workbook([{ name: 'Export', rows: people() }], 'xlsx'), { type: 'array' });
const written = (book: XLSX.WorkBook, bookType: XLSX.BookType) => new Uint8Array(XLSX.write(book, { bookType, type: 'array' }) as ArrayBuffer);

async function verdictOf(bytes: Uint8Array) {
  return detect(bytes);
}

async function expectBlocked(bytes: Uint8Array, kind?: string) {
  const verdict = await verdictOf(bytes);
  expect(verdict.verdict, JSON.stringify(verdict.reasons.map((r) => r.code))).toBe('block');
  expect(verdict.reasons.map((r) => r.code)).toContain('bsn-column');
  if (kind) expect(verdict.kind).toBe(kind);
}

async function expectAllowed(bytes: Uint8Array, kind?: string) {
  const verdict = await verdictOf(bytes);
  expect(verdict.verdict, JSON.stringify(verdict.reasons)).toBe('allow');
  if (kind) expect(verdict.kind).toBe(kind);
}

/** Every valid BSN in what our readers make of the bytes. */
async function bsnsRead(bytes: Uint8Array): Promise<string[]> {
  const outcome = await readDocuments(bytes, { limits: DEFAULT_POLICY.limits, deadline: Date.now() + 20_000 });
  expect(outcome.failure).toBeUndefined();
  const cells = outcome.documents.flatMap((d) => d.sheets.flatMap((s) => rowsOf(s.table).flat()));
  return bsnsIn(cells.map((c) => (String(c))));
}

// A BSN stored as a number lost its leading zero.
const bsnsIn = (values: string[]) => [...new Set(values.map((v) => (/^\d{8}$/.test(v) ? `0${v}` : v)).filter(passesElfproef))].sort();
const expectedBsns = () => bsnsIn(shown(people()).flat());

describe('csv as Excel and LibreOffice show it', () => {
  it('="..." values are their inner text: a bare BSN column written so blocks, as a column of ="order numbers" does not', async () => {
    const bsns = people().slice(1).map((row) => [`="${row[4]}"`]);
    await expectBlocked(utf8(bsns.map((r) => r[0]).join('\r\n')));
    expect(await bsnsRead(utf8(bsns.map((r) => r[0]).join('\r\n')))).toEqual(expectedBsns());
    // Quoted as a csv writer quotes a field with quotes in it.
    await expectBlocked(utf8(bsns.map((r) => `"=""${String(r[0]).slice(2, -1)}"""`).join('\n')));
    const orders = Array.from({ length: 60 }, (_, i) => `="ORD-${String(100_000 + i * 7)}"`);
    await expectAllowed(utf8(['Bestelnummer', ...orders].join('\r\n')));
  });

  it("Excel's sep= line sets the delimiter and is no row", async () => {
    const rows = shown(people()).map((row) => row.join('|'));
    await expectBlocked(utf8(['sep=|', ...rows].join('\r\n')), 'csv');
    // Text found after other bytes keeps its byte order mark before the sep= line.
    const found = readTextDocument(['\ufeffsep=,', 'a;b,c'].join('\n'), 'x', new ReadSession({ limits: DEFAULT_POLICY.limits, deadline: Date.now() + 5000 }));
    expect(rowsOf(found.sheets[0]!.table)).toEqual([['a;b', 'c']]);
    const outcome = await readDocuments(utf8(['sep=,', 'a;b,c', 'd;e,f'].join('\n')), { limits: DEFAULT_POLICY.limits, deadline: Date.now() + 5000 });
    expect(rowsOf(outcome.documents[0]!.sheets[0]!.table)).toEqual([['a;b', 'c'], ['d;e', 'f']]);
  });

  it('CR-only line ends, control characters at line ends and quoted line breaks do not stop the table', async () => {
    const text = delimitedText(people(), ';');
    await expectBlocked(utf8(text.replace(/\r\n/g, '\r')), 'csv');
    for (const control of ['\x0b', '\x00', '\x0c', '\x1a']) await expectBlocked(utf8(text.replace(/\r\n/g, `${control}\r\n`)), 'csv');
    const withNote = shown(people()).map((row, i) => [...row, i === 0 ? 'Notitie' : `"regel een\nregel twee; drie"`].join(';'));
    await expectBlocked(utf8(withNote.join('\r\n')), 'csv');
    await expectAllowed(utf8(delimitedText(shown(XLSX.utils.sheet_to_json<CellInput[]>((await harmless()).Sheets.Vacatures!, { header: 1, raw: false })), ';').replace(/\r\n/g, '\x0b\r')));
  });

  it('a file of ; and , alike is read both ways: people behind either delimiter block', async () => {
    // Decimal commas in every row make ',' as consistent as ';'; the people are split by ','.
    const rows = shown(people()).map((row, i) => `${i === 0 ? 'Bedrag;Saldo' : `${i},50;${i * 3},25`};${row.join(',')}`);
    const outcome = await readDocuments(utf8(rows.join('\n')), { limits: DEFAULT_POLICY.limits, deadline: Date.now() + 5000 });
    expect(outcome.documents[0]!.sheets.map((s) => s.name)).toEqual(['', ' (,)']);
    await expectBlocked(utf8(rows.join('\n')), 'csv');
  });
});

function delimitedText(rows: CellInput[][], delimiter: string): string {
  return new TextDecoder().decode(delimited(rows, delimiter));
}

describe('SYLK and DIF', () => {
  it.each(['sylk', 'dif'] as const)('%s written by SheetJS: people block, the harmless twin passes', async (type) => {
    await expectBlocked(written(peopleBook(), type), type);
    expect(await bsnsRead(written(peopleBook(), type))).toEqual(expectedBsns());
    await expectAllowed(written(await harmless(), type), type);
  });

  it('SYLK with escapes, ;; and a date format reads as Excel shows it', async () => {
    const slk = ['ID;PWXL;N;E', 'P;PGeneral', 'P;Pdd\\-mm\\-yyyy', 'C;Y1;X1;K"Naam"', 'C;X2;K"Geboren"', 'C;Y2;X1;K"M\x1bNHuller;;Jansen"', 'F;P1;FG0G;X2', 'C;K42207', 'E'].join('\r\n');
    const outcome = await readDocuments(utf8(slk), { limits: DEFAULT_POLICY.limits, deadline: Date.now() + 5000 });
    expect(outcome.kind).toBe('sylk');
    expect(rowsOf(outcome.documents[0]!.sheets[0]!.table)).toEqual([['Naam', 'Geboren'], ['Müller;Jansen', '2015-07-22']]);
  });

  it('a SYLK cell outside the grid is corrupt, not skipped', async () => {
    const verdict = await verdictOf(utf8('ID;P\r\nC;Y1;X99999;K"x"\r\nE\r\n'));
    expect(verdict.verdict).toBe('block');
  });
});

/** LibreOffice's reading of each file, as csv text; one soffice run for all of them. */
function libreOfficeCsv(files: Record<string, Uint8Array>): Record<string, string> {
  const dir = mkdtempSync(join(tmpdir(), 'eg-text-formats-'));
  dirs.push(dir);
  const paths = Object.entries(files).map(([name, bytes]) => {
    writeFileSync(join(dir, name), bytes);
    return join(dir, name);
  });
  execFileSync('soffice', ['--headless', `-env:UserInstallation=file://${dir}/profile`, '--convert-to', 'csv:Text - txt - csv (StarCalc):59,34,76', '--outdir', join(dir, 'out'), ...paths], { timeout: 180_000, stdio: 'ignore' });
  return Object.fromEntries(Object.keys(files).map((name) => [name, readFileSync(join(dir, 'out', name.replace(/\.[^.]+$/, '.csv')), 'utf8')]));
}

const dirs: string[] = [];
afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

/** A file converted by LibreOffice (headless), e.g. the people's xlsx to 'slk' or 'dif'. */
function libreOfficeConverted(name: string, bytes: Uint8Array, to: string): Uint8Array {
  const dir = mkdtempSync(join(tmpdir(), 'eg-text-formats-'));
  dirs.push(dir);
  writeFileSync(join(dir, name), bytes);
  execFileSync('soffice', ['--headless', `-env:UserInstallation=file://${dir}/profile`, '--convert-to', to, '--outdir', join(dir, 'out'), join(dir, name)], { timeout: 180_000, stdio: 'ignore' });
  return new Uint8Array(readFileSync(join(dir, 'out', name.replace(/\.[^.]+$/, `.${to.split(':')[0]}`))));
}

const sheetJsBsns = (bytes: Uint8Array) => {
  const book = XLSX.read(bytes, { type: 'array', raw: true });
  return bsnsIn(Object.values(book.Sheets).flatMap((s) => XLSX.utils.sheet_to_json<unknown[]>(s, { header: 1, raw: false }).flat().map(String)));
};

describe('independent readers read the same people', () => {
  it('LibreOffice in SYLK written by SheetJS', async () => {
    const bytes = written(peopleBook(), 'sylk');
    const theirs = bsnsIn(libreOfficeCsv({ 'people.slk': bytes })['people.slk']!.split(/[;\r\n]/).map((v) => v.replace(/^"|"$/g, '')));
    expect(theirs).toEqual(expectedBsns());
    expect(await bsnsRead(bytes)).toEqual(theirs);
  }, 240_000);

  it.each(['slk', 'dif'])('SheetJS in %s written by LibreOffice', async (to) => {
    const bytes = libreOfficeConverted('people.xlsx', workbook([{ name: 'Export', rows: people() }], 'xlsx'), to);
    expect(sheetJsBsns(bytes)).toEqual(expectedBsns());
    expect(await bsnsRead(bytes)).toEqual(expectedBsns());
    await expectBlocked(bytes, to === 'slk' ? 'sylk' : 'dif');
  }, 240_000);
});

/** The rows as records keyed by their header. */
function records(rows: CellInput[][]): Record<string, string>[] {
  const [header, ...body] = shown(rows);
  return body.map((row) => Object.fromEntries(header!.map((name, c) => [name, row[c]!])));
}

const harmlessRows = async () => XLSX.utils.sheet_to_json<CellInput[]>((await harmless()).Sheets.Vacatures!, { header: 1, raw: false });

describe('JSON records', () => {
  const variants: Record<string, (rows: CellInput[][]) => string> = {
    'an array of objects': (rows) => JSON.stringify(records(rows), null, 2),
    'an array of arrays': (rows) => JSON.stringify(shown(rows)),
    'wrapped in {"data": [...]}': (rows) => JSON.stringify({ meta: { export: 'Sonar', count: rows.length - 1 }, data: records(rows) }),
    'nested fields and BSNs as numbers': (rows) => JSON.stringify(records(rows).map(({ BSN, Postcode, Woonplaats, ...rest }) => ({ ...rest, bsn: Number(BSN), adres: { postcode: Postcode, plaats: Woonplaats } }))),
    'keyed by BSN': (rows) => JSON.stringify(Object.fromEntries(records(rows).map(({ BSN, ...rest }) => [BSN, rest]))),
    NDJSON: (rows) => records(rows).map((r) => JSON.stringify(r)).join('\n'),
  };

  it.each(Object.keys(variants))('%s: people block, the harmless twin passes', async (variant) => {
    await expectBlocked(utf8(variants[variant]!(people())), 'json');
    await expectAllowed(utf8(variants[variant]!(await harmlessRows())), 'json');
  });

  it('a bare list of BSNs blocks; text that only starts like JSON is read as lines', async () => {
    await expectBlocked(utf8(JSON.stringify(people().slice(1).map((row) => row[4]))), 'json');
    const outcome = await readDocuments(utf8('[Export]\nnaam;plaats\nJan;Utrecht\n'), { limits: DEFAULT_POLICY.limits, deadline: Date.now() + 5000 });
    expect(outcome.kind).toBe('csv');
  });
});

describe('XML records', () => {
  const escape = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;');
  const tag = (name: string) => name.toLowerCase().replace(/[^a-z0-9]+/g, '_');
  const elements = (rows: CellInput[][]) =>
    records(rows).map((r) => `  <persoon>\n${Object.entries(r).map(([k, v]) => `    <${tag(k)}>${escape(v)}</${tag(k)}>`).join('\n')}\n  </persoon>`).join('\n');
  const variants: Record<string, (rows: CellInput[][]) => string> = {
    'child elements': (rows) => `<?xml version="1.0" encoding="UTF-8"?>\n<export>\n${elements(rows)}\n</export>\n`,
    attributes: (rows) => `<rows>${records(rows).map((r) => `<row ${Object.entries(r).map(([k, v]) => `${tag(k)}='${escape(v).replace(/'/g, '&apos;')}'`).join(' ')}/>`).join('')}</rows>`,
    'namespaces, CDATA, comments and a DTD entity': (rows) =>
      `<?xml version="1.0"?>\n<!DOCTYPE x:lijst [<!ENTITY org "UWV">]>\n<x:lijst xmlns:x="urn:x"><!-- export -->${records(rows)
        .map((r) => `<x:item><x:bron>&org;</x:bron>${Object.entries(r).map(([k, v]) => `<x:${tag(k)}><![CDATA[${v}]]></x:${tag(k)}>`).join('')}</x:item>`)
        .join('\n')}</x:lijst>`,
    'cut off halfway': (rows) => `<export>\n${elements(rows)}`.slice(0, -200),
  };

  it.each(Object.keys(variants))('%s: people block, the harmless twin passes', async (variant) => {
    await expectBlocked(utf8(variants[variant]!(people())), 'xml');
    await expectAllowed(utf8(variants[variant]!(await harmlessRows())), 'xml');
  });

  it('reads records with their nested fields, and a repeated text element as a column', async () => {
    const xml = '<people><person id="1"><naam>Jan</naam><adres><postcode>1234 AB</postcode></adres><tel>1</tel><tel>2</tel></person><person id="2"><naam>Piet &amp; Co</naam></person></people>';
    const outcome = await readDocuments(utf8(xml), { limits: DEFAULT_POLICY.limits, deadline: Date.now() + 5000 });
    const sheets = outcome.documents[0]!.sheets.map((s) => [s.name, rowsOf(s.table)]);
    expect(sheets).toEqual([
      ['#people/person/tel', [['tel'], ['1'], ['2']]],
      ['#people/person', [['id', 'naam', 'adres.postcode'], ['1', 'Jan', '1234 AB'], ['2', 'Piet & Co']]],
    ]);
  });

  it('an entity that expands exponentially is refused, not expanded', async () => {
    const laughs = ['<!ENTITY a0 "lol">', ...Array.from({ length: 12 }, (_, i) => `<!ENTITY a${i + 1} "${`&a${i};`.repeat(10)}">`)].join('');
    const verdict = await verdictOf(utf8(`<!DOCTYPE r [${laughs}]><r><x>&a12;</x><x>1</x></r>`));
    expect(verdict.verdict).toBe('block');
  });
});

describe('fixed-width text', () => {
  /** Each column padded to its widest value and a space, numbers to the right, as Excel's PRN writes wide-enough columns. */
  function fixedWidth(rows: string[][]): string {
    const widths = rows[0]!.map((_, c) => Math.max(...rows.map((row) => (row[c] ?? '').length)) + 1);
    return rows.map((row) => row.map((v, c) => (/^\d+$/.test(v) ? v.padStart(widths[c]! - 1) + ' ' : v.padEnd(widths[c]!))).join('').trimEnd()).join('\r\n');
  }

  it('a people list in fixed width blocks, its harmless twin passes', async () => {
    await expectBlocked(utf8(fixedWidth(shown(people()))), 'prn');
    expect(await bsnsRead(utf8(fixedWidth(shown(people()))))).toEqual(expectedBsns());
    await expectAllowed(utf8(fixedWidth(shown(await harmlessRows()))), 'prn');
  });

  it('PRN written by SheetJS (columns of ten characters, long values cut) blocks, its harmless twin passes', async () => {
    // Its BSNs run into the cut e-mail addresses before them ('lotte.debo966737854'): no blank
    // column parts them. The names, postcodes and places beside them still make it a list of people.
    const verdict = await verdictOf(written(peopleBook(), 'prn'));
    expect(verdict).toMatchObject({ verdict: 'block', kind: 'prn' });
    expect(verdict.reasons.map((r) => r.code)).toContain('people-list');
    await expectAllowed(written(await harmless(), 'prn'));
  });

  it('prose does not become a table', async () => {
    const letter = [
      'Beste mevrouw Jansen,',
      '',
      'Hierbij nodigen wij u uit voor de workshop Solliciteren met LinkedIn op dinsdag',
      '12 maart om tien uur in ons kantoor aan de Stationsstraat in Utrecht. Neemt u',
      'uw cv mee? Wij vragen u zich uiterlijk een week van tevoren aan te melden via',
      'het werkmap op de website, of telefonisch bij uw adviseur werk.',
      '',
      'Met vriendelijke groet,',
      'Team Werkgeversdienstverlening',
    ].join('\n');
    const outcome = await readDocuments(utf8(letter), { limits: DEFAULT_POLICY.limits, deadline: Date.now() + 5000 });
    expect(outcome.kind).toBe('text');
    await expectAllowed(utf8(letter), 'text');
  });
});
