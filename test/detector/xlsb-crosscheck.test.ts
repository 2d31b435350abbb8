// The fast xlsb reader (xlsb-fast.ts) against SheetJS: on every xlsb fixture, the leak-4 export and
// every real xlsb file of the corpus, each file the fast reader covers must give SheetJS's tables
// exactly (names, visibility, every cell) or the same failure; what it does not cover is left to
// SheetJS. The count of covered files is printed, so a change that covers less shows.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
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

describe('the fast xlsb reader', () => {
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
