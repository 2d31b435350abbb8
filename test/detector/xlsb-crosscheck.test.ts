// The fast xlsb reader (xlsb-fast.ts) against SheetJS: on every xlsb fixture, the leak-4 export and
// every real xlsb file of the corpus, each file the fast reader covers must give SheetJS's tables
// exactly (names, visibility, every cell) or the same failure; what it does not cover is left to
// SheetJS. The count of covered files is printed, so a change that covers less shows.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { unzipSync, zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { zipKind } from '../../shared/detector/read/container-kind.js';
import { ReadSession, ReadStop } from '../../shared/detector/read/session.js';
import { readWithSheetJs } from '../../shared/detector/read/sheetjs.js';
import { inflateXlsbParts, readXlsbFast, type XlsbParts } from '../../shared/detector/read/xlsb-fast.js';
import { openZip } from '../../shared/detector/read/zip.js';
import { rowsOf } from '../../shared/detector/table.js';
import type { Sheet } from '../../shared/detector/types.js';
import { DEFAULT_POLICY } from '../../shared/policy/defaults.js';
import { leak4Export } from '../../scripts/fixtures/catalogue.js';
import { FIXTURE_NAMES, fixtureBytes } from '../helpers/fixtures.js';

const CORPUS = join(import.meta.dirname, '../../../shared/corpus/sheetjs-test-files');
const session = () => new ReadSession({ limits: DEFAULT_POLICY.limits, deadline: Date.now() + 120_000 });

/** What a reader made of a file: each sheet's name, visibility and rows, or its failure; undefined when it did not read it. */
async function tables(read: () => Promise<Sheet[] | undefined> | Sheet[] | undefined): Promise<unknown> {
  try {
    return (await read())?.map((sheet) => ({ name: sheet.name, visibility: sheet.visibility, rows: rowsOf(sheet.table) }));
  } catch (error) {
    if (error instanceof ReadStop) return { failure: error.failure.code };
    throw error;
  }
}

interface Input {
  name: string;
  bytes: Uint8Array;
  parts: XlsbParts;
  valueRecords: number;
}

/** The xlsb inputs as readDocuments hands them to the fast reader: zips it opens, of kind xlsb, with nothing around their parts. */
async function inputs(): Promise<Input[]> {
  const files: [string, Uint8Array][] = [];
  for (const name of FIXTURE_NAMES) files.push([name, await fixtureBytes(name)]);
  for (const rows of [3, 100, 11_062]) files.push([`leak-4 ${rows} rows`, leak4Export(rows, 'xlsb')]);
  if (existsSync(CORPUS)) for (const name of readdirSync(CORPUS).sort()) files.push([name, new Uint8Array(readFileSync(join(CORPUS, name)))]);
  return files.flatMap(([name, bytes]): Input[] => {
    try {
      const zip = openZip(bytes, '', session());
      return zipKind(zip) === 'xlsb' && zip.foreign.length === 0 ? [{ name, bytes, ...inflateXlsbParts(zip) }] : [];
    } catch (error) {
      // Not a zip, or one the reader refuses before any workbook reader sees it.
      if (error instanceof ReadStop) return [];
      throw error;
    }
  });
}

/** A BIFF12 record: its type and size as 7-bit groups, then its body. */
function record(type: number, body: number[]): number[] {
  const head = type < 0x80 ? [type] : [(type & 0x7f) | 0x80, type >> 7];
  const size: number[] = [];
  let n = body.length;
  do {
    size.push((n & 0x7f) | (n > 0x7f ? 0x80 : 0));
    n >>= 7;
  } while (n > 0);
  return [...head, ...size, ...body];
}

const u32 = (n: number) => [n & 0xff, (n >> 8) & 0xff, (n >> 16) & 0xff, (n >>> 24) & 0xff];

/** BrtHLink over rows r1..r2 and columns c1..c2, with no relationship and empty texts. */
const hyperlink = (r1: number, r2: number, c1: number, c2: number) => record(0x1ee, [...u32(r1), ...u32(r2), ...u32(c1), ...u32(c2), ...u32(0xffffffff), ...u32(0), ...u32(0), ...u32(0)]);

/**
 * The leak-4 export with a record put into its worksheet after the `after`-th record: SheetJS
 * moves its row and column over a hyperlink's range, so the cells after one land elsewhere.
 */
function withRecord(after: number, extra: number[]): Uint8Array {
  const files = unzipSync(leak4Export(3, 'xlsb'));
  const sheet = files['xl/worksheets/sheet1.bin']!;
  let at = 0;
  for (let i = 0; i < after; i++) {
    at += sheet[at]! & 0x80 ? 2 : 1;
    let size = 0;
    for (let shift = 0; ; shift += 7) {
      const byte = sheet[at++]!;
      size |= (byte & 0x7f) << shift;
      if (!(byte & 0x80)) break;
    }
    at += size;
  }
  files['xl/worksheets/sheet1.bin'] = new Uint8Array([...sheet.subarray(0, at), ...extra, ...sheet.subarray(at)]);
  return zipSync(files);
}

describe('the fast xlsb reader', () => {
  it('reads hyperlinks as SheetJS does, wherever they stand', async () => {
    const variants = [
      // Before the cells: the cells then take the places of its empty cells.
      withRecord(7, hyperlink(0, 2, 0, 3)),
      // After the first row's header and cells, before the cells of the rows that follow.
      ...[12, 14, 16, 20].map((after) => withRecord(after, hyperlink(0, 1, 0, 1))),
      withRecord(14, hyperlink(2, 3, 30, 31)),
      withRecord(14, hyperlink(5, 4, 0, 1)),
      withRecord(14, hyperlink(1, 2, 3, 2)),
    ];
    for (const bytes of variants) {
      const zip = openZip(bytes, '', session());
      const { parts, valueRecords } = inflateXlsbParts(zip);
      const fast = await tables(() => readXlsbFast(parts, '', session(), valueRecords));
      expect(fast).toBeDefined();
      expect(fast).toEqual(await tables(() => readWithSheetJs(bytes, '', session(), valueRecords)));
    }
  }, 60_000);

  it('reads every xlsb it covers as SheetJS does: fixtures, leak-4 exports and the real corpus', async () => {
    const differ: string[] = [];
    let covered = 0;
    const all = await inputs();
    for (const { name, bytes, parts, valueRecords } of all) {
      const fast = await tables(() => readXlsbFast(parts, '', session(), valueRecords));
      if (fast === undefined) continue;
      covered++;
      const reference = await tables(() => readWithSheetJs(bytes, '', session(), valueRecords));
      if (JSON.stringify(fast) !== JSON.stringify(reference)) differ.push(name);
    }
    console.log(`fast xlsb reader: ${covered} of ${all.length} xlsb files covered, ${differ.length} differ from SheetJS`);
    expect(differ).toEqual([]);
    expect(covered).toBeGreaterThan(0);
  }, 600_000);
});
