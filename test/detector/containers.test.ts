// Containers read by their structure: what a zip, an OLE2 file or an archive is, is decided by
// the structure that readers go by, never by a signature found somewhere; an ambiguous container
// is blocked; text inside other bytes is read as a table.
import { afterAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import * as XLSX from '@e965/xlsx';
import { readDocuments, type ReadContext } from '../../shared/detector/read/index.js';
import { biffValueRecords, xlsbValueRecords } from '../../shared/detector/read/cell-records.js';
import { rowsOf } from '../../shared/detector/table.js';
import { ReadSession } from '../../shared/detector/read/session.js';
import { readWithSheetJs } from '../../shared/detector/read/sheetjs.js';
import type { Limits } from '../../shared/policy/types.js';
import { concat, delimited, workbook, zipArchive } from '../../scripts/fixtures/formats.js';
import { exportTable, pseudoRandomBytes } from '../../scripts/fixtures/catalogue.js';
import { makeJobSeekers } from '../../scripts/fixtures/people.js';
import { detect } from '../../shared/detector/index.js';
import { DEFAULT_POLICY } from '../../shared/policy/defaults.js';
import { parsePolicy } from '../../shared/policy/parse.js';
import { fixtureBytes } from '../helpers/fixtures.js';
import { unzipSync } from 'fflate';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { crc32 } from '../../shared/detector/read/crc32.js';

const LIMITS: Limits = {
  maxFileBytes: 50 * 1024 * 1024,
  maxScanMs: 20_000,
  archive: { maxDepth: 3, maxEntries: 1000, maxInflatedBytes: 200 * 1024 * 1024, maxRatio: 100 },
};

function context(limits: Partial<Limits> = {}): ReadContext {
  return { limits: { ...LIMITS, ...limits }, deadline: Date.now() + 20_000 };
}

const read = (bytes: Uint8Array, ctx = context()) => readDocuments(bytes, ctx);
const rowCount = (outcome: Awaited<ReturnType<typeof read>>) => outcome.documents.flatMap((d) => d.sheets).reduce((n, s) => n + rowsOf(s.table).length, 0);

const PEOPLE = exportTable(40, 7);
const peopleCsv = () => delimited(PEOPLE, ';');
/** SheetJS's public test files, beside the repository when the shared folder is there. */
const CORPUS = join(import.meta.dirname, '../../../shared/corpus/sheetjs-test-files');
const ascii = (text: string) => new TextEncoder().encode(text);

/** An end-of-central-directory record of an empty zip: a valid zip structure all by itself. */
const EMPTY_ZIP_END = Uint8Array.of(0x50, 0x4b, 0x05, 0x06, ...new Array<number>(18).fill(0));

describe('sniffing by structure', () => {
  it('reads an xls whose streams hold a zip end record as xls, not as a zip', async () => {
    // Excel for Mac and WPS leave such bytes in their streams; here a stream of its own holds one.
    const xls = workbook([{ name: 'Blad1', rows: PEOPLE }], 'xls');
    const cfb = XLSX.CFB.utils.cfb_new();
    XLSX.CFB.utils.cfb_add(cfb, 'Workbook', XLSX.CFB.find(XLSX.CFB.read(xls, { type: 'array' }), 'Workbook')!.content);
    XLSX.CFB.utils.cfb_add(cfb, 'Thumbnail', EMPTY_ZIP_END);
    const bytes = new Uint8Array(XLSX.CFB.write(cfb, { type: 'array' }) as ArrayLike<number> as number[]);
    const outcome = await read(bytes);
    expect(outcome.failure).toBeUndefined();
    expect(outcome.kind).toBe('xls');
    expect(rowCount(outcome)).toBe(PEOPLE.length);
  });

  it.skipIf(!existsSync(CORPUS))('reads the real xls files that hold zip signatures as xls', async () => {
    for (const name of ['1904_1900.xls', 'AutoFilter.xls', 'wps_image.xls', 'row_height.biff5']) {
      const outcome = await read(new Uint8Array(readFileSync(join(CORPUS, name))));
      expect(outcome, name).toMatchObject({ kind: 'xls' });
      expect(outcome.failure, name).toBeUndefined();
    }
  });

  it.skipIf(!existsSync(CORPUS))('reads real xlsb files with chart sheets, comment-only sheets and empty declared ranges', async () => {
    for (const name of ['2013_apachepoi_47813.xlsx.xlsb', '2013_apachepoi_chart_sheet.xlsx.xlsb', 'comments_stress_test.xlsb', 'biff5_comments_stress_test.xls', '2013_apachepoi_53972.xls.xlsb']) {
      const outcome = await read(new Uint8Array(readFileSync(join(CORPUS, name))));
      expect(outcome.failure, name).toBeUndefined();
    }
  });

  it('reads the comments of xls and xlsb in their cells, as the xlsx and ods readers do', async () => {
    // A product list whose notes name a person per row: hovering shows them, so they are read.
    const seekers = makeJobSeekers(40, 11);
    const sheet = XLSX.utils.aoa_to_sheet([['Artikel', 'Prijs'], ...seekers.map((_, i) => [`Artikel ${i + 1}`, 10 + i])]);
    seekers.forEach((p, i) => {
      sheet[`A${i + 2}`].c = [{ a: 'Consulent', t: `${p.firstName} ${p.surname}` }];
      sheet[`B${i + 2}`].c = [{ a: 'Consulent', t: p.bsn }];
    });
    const book = XLSX.utils.book_new();
    XLSX.utils.book_append_sheet(book, sheet, 'Blad1');
    const comments = await Promise.all(
      (['xlsx', 'ods', 'xlsb', 'biff8'] as const).map(async (bookType) => {
        const bytes = new Uint8Array(XLSX.write(book, { type: 'array', bookType }) as ArrayBuffer);
        if (bookType === 'xlsb' || bookType === 'biff8') expect((await detect(bytes)).verdict, bookType).toBe('block');
        return rowsOf((await read(bytes)).documents[0]!.sheets.find((s) => s.name.startsWith('comments'))!.table);
      }),
    );
    const [xlsx, ods, xlsb, xls] = comments;
    expect(xlsx![1]).toEqual([`${seekers[0]!.firstName} ${seekers[0]!.surname}`, seekers[0]!.bsn]);
    expect(ods).toEqual(xlsx);
    expect(xlsb).toEqual(xlsx);
    // SheetJS writes xls notes in single bytes, an 'Ç' as '_': the BSNs are what must agree.
    expect(xls!.map((row) => row[1])).toEqual(xlsx!.map((row) => row[1]));
  });

  it('does not take a zip end record whose directory is not where it says for a zip', async () => {
    // The record claims a directory of 46 bytes right before it: there is none.
    const end = EMPTY_ZIP_END.slice();
    new DataView(end.buffer).setUint16(8, 1, true);
    new DataView(end.buffer).setUint16(10, 1, true);
    new DataView(end.buffer).setUint32(12, 46, true);
    const outcome = await read(concat([ascii('Zomaar wat tekst die geen tabel is.\n'.repeat(4)), end]));
    expect(outcome.kind).not.toBe('zip');
  });

  it('reads a zip with bytes prepended, as zip readers do', async () => {
    const zip = zipArchive([{ name: 'export.csv', data: peopleCsv() }]);
    const outcome = await read(concat([new Uint8Array(300).fill(0x20), zip]));
    expect(outcome.failure).toBeUndefined();
    expect(outcome.kind).toBe('zip');
    expect(rowCount(outcome)).toBeGreaterThanOrEqual(PEOPLE.length);
  });

  it('counts the compression ratio only when the inflated size is large', async () => {
    // 3 MB of one letter compresses about 1000 times: an ordinary sheet of repeated text does this.
    const ordinary = zipArchive([{ name: 'kolom.txt', data: new Uint8Array(3 * 1024 * 1024).fill(0x41) }]);
    expect((await read(ordinary)).failure).toBeUndefined();
    const bomb = zipArchive([{ name: 'nullen.csv', data: new Uint8Array(7 * 1024 * 1024) }]);
    const small = { archive: { ...LIMITS.archive, maxInflatedBytes: 8 * 1024 * 1024 } };
    expect((await read(bomb, context(small))).failure?.code).toBe('archive-ratio');
  });
});

describe('cells SheetJS must find', () => {
  it('counts as many value records in xls and xlsb as SheetJS finds cells', () => {
    const rows = [['Naam', 'Getal', 'Waar'], ...Array.from({ length: 30 }, (_, i) => [`naam ${i}`, i * 1.5, i % 2 === 0])];
    const cells = rows.length * 3;
    const xls = workbook([{ name: 'Blad1', rows }], 'xls');
    const stream = XLSX.CFB.find(XLSX.CFB.read(xls, { type: 'array' }), 'Workbook')!.content as Uint8Array;
    expect(biffValueRecords(Uint8Array.from(stream))).toBe(cells);
    const xlsb = unzipSync(workbook([{ name: 'Blad1', rows }], 'xlsb'));
    expect(xlsbValueRecords(xlsb['xl/worksheets/sheet1.bin']!)).toBe(cells);
  });

  it('blocks a workbook when SheetJS finds fewer than half the cells its records hold', async () => {
    const xls = workbook([{ name: 'Blad1', rows: PEOPLE }], 'xls');
    const session = new ReadSession(context());
    const cells = PEOPLE.flat().filter((cell) => cell !== null && cell !== '').length;
    await expect(readWithSheetJs(xls, '', session, cells)).resolves.toBeDefined();
    await expect(readWithSheetJs(xls, '', session, cells * 3)).rejects.toThrow(/records hold/);
  });
});

describe('ambiguous zips are corrupt', () => {
  it('blocks two entries with the same name', async () => {
    const bytes = zipArchive([
      { name: 'export.csv', data: peopleCsv() },
      { name: 'export.csv', data: ascii('Bijlage;Omschrijving\r\nleesmij;niets\r\n') },
    ]);
    expect((await read(bytes)).failure).toMatchObject({ code: 'corrupt', path: 'export.csv' });
  });

  it('blocks two names that OPC takes for one (case, percent-encoding)', async () => {
    for (const [a, b] of [['xl/worksheets/sheet1.xml', 'XL/Worksheets/Sheet1.xml'], ['data/lijst 1.csv', 'data/lijst%201.csv']]) {
      const bytes = zipArchive([
        { name: a!, data: peopleCsv() },
        { name: b!, data: ascii('x') },
      ]);
      expect((await read(bytes)).failure?.code, `${a} / ${b}`).toBe('corrupt');
    }
  });

  it('finds a part under the name OPC gives it, whatever its case in the zip', async () => {
    const parts = unzipSync(workbook([{ name: 'Blad1', rows: PEOPLE }], 'xlsx'));
    const renamed = Object.entries(parts).map(([name, data]) => ({ name: name === 'xl/worksheets/sheet1.xml' ? 'xl/Worksheets/SHEET1.xml' : name, data }));
    const outcome = await read(zipArchive(renamed));
    expect(outcome.failure).toBeUndefined();
    const sheet = outcome.documents.flatMap((d) => d.sheets).find((s) => s.name === 'Blad1');
    expect(sheet && rowsOf(sheet.table).length).toBe(PEOPLE.length);
  });

  it('reads an xlsx whose part names are all upper-case or written with backslashes as a workbook, as SheetJS does', async () => {
    const parts = Object.entries(unzipSync(workbook([{ name: 'Blad1', rows: PEOPLE }], 'xlsx')));
    for (const rename of [(name: string) => name.toUpperCase(), (name: string) => name.replace(/\//g, '\\')]) {
      const bytes = zipArchive(parts.map(([name, data]) => ({ name: rename(name), data })));
      const outcome = await read(bytes);
      expect(outcome.documents[0]?.kind, rename('xl/workbook.xml')).toBe('xlsx');
      const sheet = outcome.documents.flatMap((d) => d.sheets).find((s) => s.name === 'Blad1');
      expect(sheet && rowsOf(sheet.table).length).toBe(PEOPLE.length);
      expect((await detect(bytes)).verdict).toBe('block');
    }
    // Embedded documents are found under such names too.
    const harmless = Object.entries(unzipSync(workbook([{ name: 'Blad1', rows: [['Product', 'Prijs'], ['Stoel', '45']] }], 'xlsx')));
    const embedding = zipArchive([...harmless, ['xl/embeddings/bijlage.xlsx', workbook([{ name: 'Blad1', rows: PEOPLE }], 'xlsx')] as const].map(([name, data]) => ({ name: name.replace(/\//g, '\\'), data })));
    expect((await read(embedding)).documents.map((d) => d.path)).toContain('xl\\embeddings\\bijlage.xlsx');
  });

  it('blocks a local entry the directory does not list, before, between or after the listed ones', async () => {
    const people = peopleCsv();
    const harmless = ascii('Bijlage;Omschrijving\r\nleesmij;niets\r\n');
    const unlisted = concat([localHeader('export.csv', people), people]);
    const listed = concat([localHeader('export.csv', harmless), harmless]);
    const other = concat([localHeader('leesmij.txt', harmless), harmless]);
    for (const [body, at] of [
      [concat([unlisted, listed, other]), [unlisted.length, unlisted.length + listed.length]],
      [concat([listed, unlisted, other]), [0, listed.length + unlisted.length]],
      [concat([listed, other, unlisted]), [0, listed.length]],
    ] as const) {
      const bytes = storedZip([{ name: 'export.csv', data: harmless, at: at[0] }, { name: 'leesmij.txt', data: harmless, at: at[1] }], body);
      const failure = (await read(bytes)).failure;
      expect(failure).toMatchObject({ code: 'corrupt', detail: 'a local entry the central directory does not list' });
    }
    // A self-extractor's stub may hold the signature in its code: prepended bytes count only when they start with it.
    const stub = concat([ascii('MZ stub '), ascii('PK\x03\x04'), new Uint8Array(100)]);
    const prepended = storedZip([{ name: 'export.csv', data: harmless, at: stub.length }], concat([stub, listed]));
    expect((await read(prepended)).failure).toBeUndefined();
  });

  it('blocks entries that share bytes, and a directory that disagrees with a local header', async () => {
    // b.csv's local header and data lie inside a.csv's stored data: two entries, one range of bytes.
    const b = peopleCsv();
    const inner = concat([localHeader('b.csv', b), b]);
    const bytes = storedZip([
      { name: 'a.csv', data: inner, at: 0 },
      { name: 'b.csv', data: b, at: 30 + 'a.csv'.length },
    ], concat([localHeader('a.csv', inner), inner]));
    expect((await read(bytes)).failure).toMatchObject({ code: 'corrupt', detail: 'two entries share bytes' });
    // The directory names b.csv where the local header says a.csv.
    const plain = concat([localHeader('a.csv', b), b]);
    expect((await read(storedZip([{ name: 'b.csv', data: b, at: 0 }], plain))).failure?.code).toBe('corrupt');
  });
});

function localHeader(name: string, data: Uint8Array): Uint8Array {
  const bytes = new Uint8Array(30 + name.length);
  const v = new DataView(bytes.buffer);
  v.setUint32(0, 0x04034b50, true);
  v.setUint16(4, 10, true);
  v.setUint32(14, crc32(data), true);
  v.setUint32(18, data.length, true);
  v.setUint32(22, data.length, true);
  v.setUint16(26, name.length, true);
  bytes.set(ascii(name), 30);
  return bytes;
}

/** A stored zip whose directory lists entries at the given offsets of `body`. */
function storedZip(entries: { name: string; data: Uint8Array; at: number }[], body: Uint8Array): Uint8Array {
  const central = entries.map(({ name, data, at }) => {
    const bytes = new Uint8Array(46 + name.length);
    const v = new DataView(bytes.buffer);
    v.setUint32(0, 0x02014b50, true);
    v.setUint16(4, 10, true);
    v.setUint16(6, 10, true);
    v.setUint32(16, crc32(data), true);
    v.setUint32(20, data.length, true);
    v.setUint32(24, data.length, true);
    v.setUint16(28, name.length, true);
    v.setUint32(42, at, true);
    bytes.set(ascii(name), 46);
    return bytes;
  });
  const directory = concat(central);
  const end = new Uint8Array(22);
  const v = new DataView(end.buffer);
  v.setUint32(0, 0x06054b50, true);
  v.setUint16(8, entries.length, true);
  v.setUint16(10, entries.length, true);
  v.setUint32(12, directory.length, true);
  v.setUint32(16, body.length, true);
  return concat([body, directory, end]);
}

describe('content sniffing never ends in allow on a prefix', () => {
  const blocked = async (bytes: Uint8Array, label: string) => {
    const verdict = await detect(bytes);
    expect(verdict.verdict, `${label}: ${verdict.kind} ${verdict.reasons.map((r) => r.code).join(', ')}`).toBe('block');
    expect(verdict.reasons.some((r) => r.code.startsWith('file-')), `${label} blocked for its people, not as unreadable`).toBe(false);
  };
  const lines = () => new TextDecoder().decode(peopleCsv()).split('\r\n').filter(Boolean);
  const text = (rows: string[]) => ascii(rows.join('\r\n') + '\r\n');

  it('blocks the people csv with a zip end record appended', async () => {
    await blocked(concat([peopleCsv(), EMPTY_ZIP_END]), 'zip end record');
    await blocked(concat([peopleCsv(), zipArchive([{ name: 'leesmij.txt', data: ascii('Niets bijzonders hier.') }])]), 'a harmless zip appended');
  });

  it('blocks the people csv with %PDF- in a cell or GIF89a as its first header cell', async () => {
    const [header, ...rest] = lines();
    await blocked(text([header!, ...rest.slice(0, 2).map((line) => `${line};%PDF-1.7`), ...rest.slice(2)]), '%PDF- in a cell');
    await blocked(text([`GIF89a;${header}`, ...rest.map((line) => `x;${line}`)]), 'GIF89a header');
  });

  it('blocks the people csv with a VT or NUL at the end of each line', async () => {
    for (const control of ['\v', '\0']) await blocked(text(lines().map((line) => line + control)), `control ${JSON.stringify(control)}`);
  });

  it('blocks the people csv behind a binary prefix (random bytes, a PNG header)', async () => {
    await blocked(concat([pseudoRandomBytes(2048, 5), peopleCsv()]), 'random prefix');
    const png = Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52, 0, 0, 0, 32, 0, 0, 0, 24, 8, 6, 0, 0, 0);
    await blocked(concat([png, peopleCsv()]), 'PNG header');
  });

  it('reads a UTF-16 csv (LE or BE, with or without BOM) behind binary bytes or before a zip end record as UTF-16', async () => {
    const lines = new TextDecoder().decode(peopleCsv()).split('\r\n').filter(Boolean);
    for (const encoding of ['utf-16le-bom', 'utf-16le', 'utf-16be-bom'] as const) {
      const csv = delimited(PEOPLE, ';', encoding);
      for (const [shape, bytes] of [
        ['zip end record', concat([csv, EMPTY_ZIP_END])],
        ['odd binary prefix', concat([pseudoRandomBytes(201, 3), csv])],
      ] as const) {
        await blocked(bytes, `${encoding}, ${shape}`);
        // Read as the text it is: every person's row as written, not every other byte of it.
        const sheets = (await read(bytes)).documents.flatMap((d) => d.sheets);
        const rows = (s: (typeof sheets)[number]) => new Set(rowsOf(s.table).map((row) => row.join(';')));
        expect(sheets.some((s) => lines.slice(1).every((line) => rows(s).has(line))), `${encoding}, ${shape}`).toBe(true);
      }
    }
  });

  it('starts the table after the line of binary bytes before it (a stray quote there swallowed it) or at a BOM', async () => {
    const cr = (bytes: Uint8Array) => ascii(new TextDecoder().decode(bytes).replaceAll('\r\n', '\r'));
    const prefix = concat([pseudoRandomBytes(200, 8), ascii('xq~Vy"\n')]);
    await blocked(concat([prefix, cr(peopleCsv())]), 'CR-only lines after a quote in binary bytes');
    await blocked(concat([prefix, Uint8Array.of(0xef, 0xbb, 0xbf), ascii('sep=|\r\n'), delimited(PEOPLE, '|')]), 'UTF-8 BOM and sep= line after binary bytes');
    const harmless = delimited([['Artikel', 'Omschrijving', 'Prijs'], ...Array.from({ length: 30 }, (_, i) => [`A-${1000 + i}`, `Moer M${i + 3}`, `${i + 1},25`])], ';', 'utf-16le-bom');
    expect((await detect(concat([prefix, harmless, EMPTY_ZIP_END]))).verdict).toBe('allow');
  });

  it('lets random bytes, a real PDF, an image and a Word document pass', async () => {
    for (const name of ['letter.pdf', 'photo.png', 'notes.docx'] as const) expect((await detect(await fixtureBytes(name))).verdict, name).toBe('allow');
    for (const seed of [1, 2, 3]) expect((await detect(pseudoRandomBytes(300_000, seed))).verdict).toBe('allow');
  });
});

describe('archives: tar, bzip2 and xz are read with the caps of zip and gzip; others are uninspectable', () => {
  const work = mkdtempSync(join(tmpdir(), 'export-guard-archives-'));
  afterAll(() => rmSync(work, { recursive: true, force: true }));
  /** Runs a real archiver on files written in the temp folder; returns the bytes of its output. */
  const tool = (command: string, args: string[], output: string) => {
    execFileSync(command, args, { cwd: work, stdio: 'ignore' });
    return new Uint8Array(readFileSync(join(work, output)));
  };
  const file = (name: string, data: Uint8Array) => writeFileSync(join(work, name), data);
  const blocksPeople = async (bytes: Uint8Array, label: string) => {
    const verdict = await detect(bytes);
    expect(verdict.verdict, label).toBe('block');
    expect(verdict.reasons.some((r) => r.code.startsWith('file-') || r.code.startsWith('archive-')), `${label}: ${verdict.reasons.map((r) => r.code)}`).toBe(false);
    return verdict;
  };

  it('reads the people csv in tar (ustar, gnu, pax, with a long name), tar.gz, tar.bz2, tar.xz, bz2 and xz', async () => {
    file('export.csv', peopleCsv());
    const long = `${'lange-map-'.repeat(12)}/export.csv`;
    mkdirSync(join(work, long, '..'), { recursive: true });
    file(long, peopleCsv());
    for (const format of ['ustar', 'gnu', 'pax']) {
      const verdict = await blocksPeople(tool('tar', [`--format=${format}`, '-cf', `e-${format}.tar`, 'export.csv', long], `e-${format}.tar`), `tar ${format}`);
      expect(verdict.kind).toBe('tar');
      expect(verdict.reasons.some((r) => r.path?.endsWith('export.csv'))).toBe(true);
    }
    expect((await blocksPeople(tool('tar', ['-czf', 'e.tgz', 'export.csv'], 'e.tgz'), 'tar.gz')).kind).toBe('gzip');
    expect((await blocksPeople(tool('tar', ['-cjf', 'e.tbz', 'export.csv'], 'e.tbz'), 'tar.bz2')).kind).toBe('bzip2');
    expect((await blocksPeople(tool('tar', ['-cJf', 'e.txz', 'export.csv'], 'e.txz'), 'tar.xz')).kind).toBe('xz');
    expect((await blocksPeople(tool('bzip2', ['-kf', 'export.csv'], 'export.csv.bz2'), 'bz2')).kind).toBe('bzip2');
    expect((await blocksPeople(tool('xz', ['-kf', 'export.csv'], 'export.csv.xz'), 'xz')).kind).toBe('xz');
  });

  it('reads two bzip2 streams one after the other as one file, and blocks a damaged or cut-off one', async () => {
    const [header, ...rest] = new TextDecoder().decode(peopleCsv()).split('\r\n');
    file('a.csv', ascii(`${header}\r\n${rest.slice(0, 20).join('\r\n')}\r\n`));
    file('b.csv', ascii(`${rest.slice(20).join('\r\n')}\r\n`));
    const joined = concat([tool('bzip2', ['-kf', 'a.csv'], 'a.csv.bz2'), tool('bzip2', ['-kf', 'b.csv'], 'b.csv.bz2')]);
    const outcome = await read(joined);
    expect(outcome.failure).toBeUndefined();
    expect(rowCount(outcome)).toBe(PEOPLE.length);
    const damaged = joined.slice();
    damaged[60] = (damaged[60] as number) ^ 0x10;
    expect(['corrupt', 'truncated']).toContain((await read(damaged)).failure?.code);
    expect(['corrupt', 'truncated']).toContain((await read(joined.subarray(0, joined.length - 30))).failure?.code);
  });

  it('blocks a bzip2 or xz bomb on the total cap, having produced little more than the cap', async () => {
    file('nullen', new Uint8Array(12 * 1024 * 1024));
    const small = context({ archive: { ...LIMITS.archive, maxInflatedBytes: 4 * 1024 * 1024, maxRatio: 1e9 } });
    for (const [command, output] of [['bzip2', 'nullen.bz2'], ['xz', 'nullen.xz']] as const) {
      const outcome = await read(tool(command, ['-kf', 'nullen'], output), small);
      expect(outcome.failure?.code, command).toBe('archive-too-large');
    }
  });

  it('blocks a damaged xz and counts the depth of tar inside xz', async () => {
    file('export.csv', peopleCsv());
    const xz = tool('xz', ['-kf', 'export.csv'], 'export.csv.xz');
    const damaged = xz.slice();
    damaged[40] = (damaged[40] as number) ^ 0xff;
    expect((await read(damaged)).failure?.code).toBe('corrupt');
    const txz = tool('tar', ['-cJf', 'd.txz', 'export.csv'], 'd.txz');
    expect((await read(txz, context({ archive: { ...LIMITS.archive, maxDepth: 1 } }))).failure?.code).toBe('archive-too-deep');
    expect((await read(txz, context({ archive: { ...LIMITS.archive, maxDepth: 2 } }))).failure).toBeUndefined();
  });

  it('blocks tar entries beyond the entry cap and a tar with a damaged header', async () => {
    for (let i = 0; i < 12; i++) file(`e${i}.csv`, ascii('a;b\r\n1;2\r\n'));
    const tar = tool('tar', ['-cf', 'many.tar', ...Array.from({ length: 12 }, (_, i) => `e${i}.csv`)], 'many.tar');
    expect((await read(tar, context({ archive: { ...LIMITS.archive, maxEntries: 10 } }))).failure?.code).toBe('archive-too-many-entries');
    const damaged = tar.slice();
    damaged[1024 + 2] = 0x21; // the second header's name: its checksum no longer matches
    expect((await read(damaged)).failure?.code).toBe('corrupt');
  });

  it('blocks 7z, rar, cab, zstd, lz4, arj and lzh as uninspectable, unless the policy allows them', async () => {
    file('export.csv', peopleCsv());
    const archives: Record<string, Uint8Array> = {
      '7z': concat([Uint8Array.of(0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c, 0, 4), new Uint8Array(24)]),
      rar: concat([ascii('Rar!'), Uint8Array.of(0x1a, 0x07, 0x01, 0x00), new Uint8Array(24)]),
      cab: concat([ascii('MSCF'), new Uint8Array(32)]),
      zstd: tool('zstd', ['-qf', 'export.csv', '-o', 'export.csv.zst'], 'export.csv.zst'),
      lz4: tool('lz4', ['-qf', 'export.csv', 'export.csv.lz4'], 'export.csv.lz4'),
      arj: concat([Uint8Array.of(0x60, 0xea, 0x26, 0x00), new Uint8Array(40)]),
      lzh: concat([Uint8Array.of(0x24, 0x00), ascii('-lh5-'), new Uint8Array(30)]),
    };
    for (const [name, bytes] of Object.entries(archives)) {
      const verdict = await detect(bytes);
      expect(verdict, name).toMatchObject({ verdict: 'block', kind: 'archive' });
      expect(verdict.reasons.map((r) => r.code), name).toEqual(['archive-uninspectable']);
      expect(verdict.reasons[0]!.nl).toMatch(/archief/);
      const allowed = await detect(bytes, { policy: { ...DEFAULT_POLICY, archives: { uninspectable: 'allow' } } });
      expect(allowed.verdict, name).toBe('allow');
    }
    // Allowed unread, a 7z that stores the csv uncompressed is still read as text.
    const stored = concat([archives['7z']!, peopleCsv()]);
    expect((await detect(stored, { policy: { ...DEFAULT_POLICY, archives: { uninspectable: 'allow' } } })).verdict).toBe('block');
  });

  it('reads the policy switch archives.uninspectable', () => {
    expect(parsePolicy({}).archives.uninspectable).toBe('block');
    expect(parsePolicy({ archives: { uninspectable: 'allow' } }).archives.uninspectable).toBe('allow');
    expect(() => parsePolicy({ archives: { uninspectable: 'maybe' } })).toThrow(/policy.archives.uninspectable/);
  });
});

describe('documents embedded in Office packages', () => {
  const withParts = (bytes: Uint8Array, parts: Record<string, Uint8Array>) =>
    zipArchive(Object.entries({ ...unzipSync(bytes), ...parts }).map(([name, data]) => ({ name, data })));
  const oleObject = (streams: Record<string, Uint8Array>) => {
    const cfb = XLSX.CFB.utils.cfb_new();
    for (const [name, data] of Object.entries(streams)) XLSX.CFB.utils.cfb_add(cfb, name, data);
    return new Uint8Array(XLSX.CFB.write(cfb, { type: 'array' }) as number[]);
  };
  /** An OLE 1.0 package stream around a file, as Office writes a packaged file. */
  const ole10Native = (name: string, data: Uint8Array) => {
    const strings = ascii(`${name}\0C:\\${name}\0`);
    const temp = ascii(`C:\\Temp\\${name}\0`);
    const body = concat([Uint8Array.of(2, 0), strings, Uint8Array.of(0, 0, 3, 0), u32(temp.length), temp, u32(data.length), data]);
    return concat([u32(body.length), body]);
  };
  const u32 = (n: number) => {
    const bytes = new Uint8Array(4);
    new DataView(bytes.buffer).setUint32(0, n, true);
    return bytes;
  };
  const harmless = () => workbook([{ name: 'Vacatures', rows: [['Functie', 'Uren'], ['Monteur', 32], ['Kok', 24]] }], 'xlsx');

  it('blocks a Word document or a harmless workbook that embeds the people as a workbook', async () => {
    const people = workbook([{ name: 'Blad1', rows: PEOPLE }], 'xlsx');
    const docx = withParts(await fixtureBytes('notes.docx'), { 'word/embeddings/Microsoft_Excel_Worksheet.xlsx': people });
    const verdict = await detect(docx);
    expect(verdict).toMatchObject({ verdict: 'block', kind: 'docx' });
    expect(verdict.reasons.some((r) => r.path === 'word/embeddings/Microsoft_Excel_Worksheet.xlsx')).toBe(true);
    const xls = workbook([{ name: 'Blad1', rows: PEOPLE }], 'xls');
    expect((await detect(withParts(harmless(), { 'xl/embeddings/oleObject1.bin': xls }))).verdict).toBe('block');
  });

  it('reads an OLE object that packages a csv or an xlsx', async () => {
    const packaged = oleObject({ '\u0001Ole10Native': ole10Native('export.csv', peopleCsv()) });
    expect((await detect(withParts(harmless(), { 'xl/embeddings/oleObject1.bin': packaged }))).verdict).toBe('block');
    const xlsxObject = oleObject({ Package: workbook([{ name: 'Blad1', rows: PEOPLE }], 'xlsx') });
    expect((await detect(withParts(harmless(), { 'xl/embeddings/oleObject2.bin': xlsxObject }))).verdict).toBe('block');
  });

  it('reads the objects a Word document or an xls embeds in storages of their own', async () => {
    const biff = (rows: typeof PEOPLE) => XLSX.CFB.find(XLSX.CFB.read(workbook([{ name: 'Blad1', rows }], 'xls'), { type: 'array' }), 'Workbook')!.content as Uint8Array;
    const words = new Uint8Array(5000).fill(0x20);
    // A Word 97-2003 document keeps each embedded object in ObjectPool/_<id>/: a double click opens it.
    const doc = oleObject({ WordDocument: words, 'ObjectPool/_1234567890/Workbook': biff(PEOPLE) });
    const verdict = await detect(doc);
    expect(verdict).toMatchObject({ verdict: 'block', kind: 'other' });
    expect(verdict.reasons.some((r) => r.path === 'ObjectPool/_1234567890/Workbook')).toBe(true);
    expect((await detect(oleObject({ WordDocument: words, 'ObjectPool/_1/\u0001Ole10Native': ole10Native('export.csv', peopleCsv()) }))).verdict).toBe('block');
    expect((await detect(oleObject({ WordDocument: words, 'ObjectPool/_1/Workbook': biff([['Functie', 'Uren'], ['Monteur', 32]]) }))).verdict).toBe('allow');
    // Excel 97-2003 keeps an embedded object in an MBD storage beside its own Workbook stream.
    const harmlessXls = biff([['Functie', 'Uren'], ['Monteur', 32]]);
    const xls = oleObject({ Workbook: harmlessXls, 'MBD0001A2B3/Package': workbook([{ name: 'Blad1', rows: PEOPLE }], 'xlsx') });
    expect((await detect(xls)).verdict).toBe('block');
  });

  it('lets a harmless embedded workbook pass, blocks an embedded object it cannot read, and counts depth', async () => {
    expect((await detect(withParts(await fixtureBytes('notes.docx'), { 'word/embeddings/Microsoft_Excel_Worksheet.xlsx': harmless() }))).verdict).toBe('allow');
    const unknown = oleObject({ Onbekend: ascii('geen bekend document') });
    expect((await read(withParts(harmless(), { 'xl/embeddings/oleObject1.bin': unknown }))).failure).toMatchObject({ code: 'corrupt', path: 'xl/embeddings/oleObject1.bin' });
    const nested = withParts(harmless(), { 'xl/embeddings/a.xlsx': withParts(harmless(), { 'xl/embeddings/b.xlsx': harmless() }) });
    expect((await read(nested, context({ archive: { ...LIMITS.archive, maxDepth: 1 } }))).failure?.code).toBe('archive-too-deep');
    expect((await read(nested, context({ archive: { ...LIMITS.archive, maxDepth: 2 } }))).failure).toBeUndefined();
  });
});

describe('text appended to a compound file', () => {
  it('blocks the people csv appended to a Word document or an xls, and reads the plain ones without text', async () => {
    const cfb = XLSX.CFB.utils.cfb_new();
    XLSX.CFB.utils.cfb_add(cfb, 'WordDocument', new Uint8Array(5000).fill(0x20));
    const doc = new Uint8Array(XLSX.CFB.write(cfb, { type: 'array' }) as number[]);
    expect((await detect(doc)).verdict).toBe('allow');
    expect((await read(doc)).documents).toEqual([]);
    const verdict = await detect(concat([doc, peopleCsv()]));
    expect(verdict.verdict, verdict.reasons.map((r) => r.code).join()).toBe('block');
    expect(verdict.reasons.some((r) => r.code.startsWith('file-'))).toBe(false);
    const xls = workbook([{ name: 'Blad1', rows: [['Functie'], ['Monteur']] }], 'xls');
    expect((await read(xls)).documents).toHaveLength(1);
    expect((await detect(concat([xls, peopleCsv()]))).verdict).toBe('block');
  });
});

describe('flat OpenDocument by its namespace', () => {
  const ODF = (name: string) => `urn:oasis:names:tc:opendocument:xmlns:${name}:1.0`;
  const flat = (office: string, mimetype: string) => {
    const cell = (value: unknown) => `<t:table-cell ${office}value-type="string"><x:p>${String(value)}</x:p></t:table-cell>`;
    const rows = PEOPLE.map((row) => `<t:table-row>${row.map(cell).join('')}</t:table-row>`).join('');
    const declare = office === '' ? `xmlns="${ODF('office')}" xmlns:oo="${ODF('office')}"` : `xmlns:${office.slice(0, -1)}="${ODF('office')}"`;
    const attr = office === '' ? 'oo:' : office;
    return ascii(
      `<?xml version="1.0"?><!-- export --><${office}document ${declare} xmlns:t="${ODF('table')}" xmlns:x="${ODF('text')}" ${attr}mimetype='${mimetype}'>` +
        `<${office}body><${office}spreadsheet><t:table t:name="Blad1">${rows}</t:table></${office}spreadsheet></${office}body></${office}document>`,
    );
  };

  it('reads a flat ODS whose office namespace has another prefix, or none, as a spreadsheet', async () => {
    for (const office of ['o:', '']) {
      const outcome = await read(flat(office, 'application/vnd.oasis.opendocument.spreadsheet'));
      expect(outcome.kind, office).toBe('ods');
      expect(rowCount(outcome)).toBe(PEOPLE.length);
      expect((await detect(flat(office, 'application/vnd.oasis.opendocument.spreadsheet'))).verdict).toBe('block');
    }
  });

  it('does not take a flat text document, or an element merely named document, for a spreadsheet', async () => {
    expect((await read(flat('o:', 'application/vnd.oasis.opendocument.text'))).kind).not.toBe('ods');
    expect((await read(ascii('<o:document xmlns:o="urn:example:other"><o:row>x</o:row></o:document>'))).kind).not.toBe('ods');
  });
});
