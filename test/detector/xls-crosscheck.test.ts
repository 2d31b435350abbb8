// The fast xls reader (xls-fast.ts) against SheetJS: on every xls fixture, the leak-4 export and
// every real xls file of the corpus, each file the fast reader covers must give SheetJS's tables
// exactly (names, visibility, every cell) or the same failure; what it does not cover is left to
// SheetJS. The count of covered files is printed, so a change that covers less shows.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readCompoundFile } from '../../shared/detector/read/cfb.js';
import { biffValueRecords } from '../../shared/detector/read/cell-records.js';
import { isGraphDataSheet } from '../../shared/detector/read/msgraph.js';
import { ReadSession, ReadStop } from '../../shared/detector/read/session.js';
import { readWithSheetJs } from '../../shared/detector/read/sheetjs.js';
import { readXlsFast } from '../../shared/detector/read/xls-fast.js';
import { rowsOf } from '../../shared/detector/table.js';
import type { Sheet } from '../../shared/detector/types.js';
import { DEFAULT_POLICY } from '../../shared/policy/defaults.js';
import { leak4Export } from '../../scripts/fixtures/catalogue.js';
import { FIXTURE_NAMES, fixtureBytes } from '../helpers/fixtures.js';

const CORPUS = join(import.meta.dirname, '../../../shared/corpus/sheetjs-test-files');
const session = () => new ReadSession({ limits: DEFAULT_POLICY.limits, deadline: Date.now() + 120_000 });

function described(read: () => Sheet[] | undefined): unknown {
  try {
    const sheets = read();
    return sheets?.map((sheet) => ({ name: sheet.name, visibility: sheet.visibility, rows: rowsOf(sheet.table) }));
  } catch (error) {
    if (error instanceof ReadStop) return { failure: error.failure.code };
    throw error;
  }
}

async function sheetJsRead(bytes: Uint8Array, stream: Uint8Array): Promise<unknown> {
  try {
    const sheets = await readWithSheetJs(bytes, '', session(), biffValueRecords(stream));
    return sheets.map((sheet) => ({ name: sheet.name, visibility: sheet.visibility, rows: rowsOf(sheet.table) }));
  } catch (error) {
    if (error instanceof ReadStop) return { failure: error.failure.code };
    throw error;
  }
}

/** The xls inputs: OLE2 files with a Workbook stream (BIFF8) that is no MS Graph datasheet. */
async function inputs(): Promise<[string, Uint8Array, Uint8Array][]> {
  const files: [string, Uint8Array][] = [];
  for (const name of FIXTURE_NAMES) files.push([name, await fixtureBytes(name)]);
  for (const rows of [3, 100, 11_062]) files.push([`leak-4 ${rows} rows`, leak4Export(rows, 'xls')]);
  if (existsSync(CORPUS)) for (const name of readdirSync(CORPUS).sort()) files.push([name, new Uint8Array(readFileSync(join(CORPUS, name)))]);
  return files.flatMap(([name, bytes]): [string, Uint8Array, Uint8Array][] => {
    const stream = readCompoundFile(bytes)?.rootStream('Workbook');
    return stream && !isGraphDataSheet(stream) ? [[name, bytes, stream]] : [];
  });
}

describe('the fast xls reader', () => {
  it('reads every xls it covers as SheetJS does: fixtures, leak-4 exports and the real corpus', async () => {
    const differ: string[] = [];
    let covered = 0;
    const all = await inputs();
    for (const [name, bytes, stream] of all) {
      const fast = described(() => readXlsFast(stream, '', session()));
      if (fast === undefined) continue;
      covered++;
      const reference = await sheetJsRead(bytes, stream);
      if (JSON.stringify(fast) !== JSON.stringify(reference)) differ.push(name);
    }
    console.log(`fast xls reader: ${covered} of ${all.length} xls files covered, ${differ.length} differ from SheetJS`);
    expect(differ).toEqual([]);
    expect(covered).toBeGreaterThan(0);
  }, 600_000);
});
