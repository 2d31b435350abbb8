// The small compound-file reader (cfb.ts) against SheetJS's: the same streams at the root of every
// OLE2 file of the real corpus and of the fixtures, and the same classification (kind, workbook,
// embedded objects, appended bytes) through either; damage is undefined, never a hang.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as XLSX from '@e965/xlsx';
import { describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { readCompoundFile } from '../../shared/detector/read/cfb.js';
import { classifyOle2 } from '../../shared/detector/read/ole2.js';
import { ReadStop } from '../../shared/detector/read/session.js';
import { FIXTURE_NAMES, fixtureBytes } from '../helpers/fixtures.js';

const CORPUS = join(import.meta.dirname, '../../../shared/corpus/sheetjs-test-files');

interface SheetJsCfb {
  FullPaths: string[];
  FileIndex: { type: number; content?: Uint8Array | number[] }[];
}

/** Each root-level stream as SheetJS reads it, by lower-case name. */
function sheetJsStreams(bytes: Uint8Array): Map<string, Uint8Array> {
  const container = XLSX.CFB.read(bytes, { type: 'array' }) as unknown as SheetJsCfb;
  const streams = new Map<string, Uint8Array>();
  container.FullPaths.forEach((path, i) => {
    const parts = path.split('/');
    const entry = container.FileIndex[i]!;
    if (parts.length === 2 && entry.type === 2) streams.set(parts[1]!.toLowerCase(), Uint8Array.from(entry.content ?? []));
  });
  return streams;
}

function agrees(bytes: Uint8Array): string[] {
  const mine = readCompoundFile(bytes);
  if (!mine) return ['cannot read it'];
  const problems: string[] = [];
  for (const [name, theirs] of sheetJsStreams(bytes)) {
    const stream = mine.rootStream(name);
    if (!stream || Buffer.compare(Buffer.from(stream), Buffer.from(theirs)) !== 0) problems.push(`${name}: ${stream?.length} bytes, SheetJS ${theirs.length}`);
  }
  return problems;
}

const isOle2 = (bytes: Uint8Array) => bytes[0] === 0xd0 && bytes[1] === 0xcf && bytes[2] === 0x11 && bytes[3] === 0xe0;

describe('the compound-file reader', () => {
  it('reads every root stream of every OLE2 file of the real corpus as SheetJS does', () => {
    expect(existsSync(CORPUS)).toBe(true);
    let files = 0;
    const differ: string[] = [];
    for (const name of readdirSync(CORPUS)) {
      const bytes = new Uint8Array(readFileSync(join(CORPUS, name)));
      if (!isOle2(bytes)) continue;
      files++;
      for (const problem of agrees(bytes)) differ.push(`${name}: ${problem}`);
    }
    expect(files).toBeGreaterThan(100);
    expect(differ).toEqual([]);
  }, 120_000);

  it('reads every OLE2 fixture as SheetJS does', async () => {
    for (const name of FIXTURE_NAMES) {
      const bytes = await fixtureBytes(name);
      if (isOle2(bytes)) expect(agrees(bytes), name).toEqual([]);
    }
  }, 120_000);

  it('says undefined to a cut-off file, a FAT that loops and a directory past the end', async () => {
    const xls = new Uint8Array(XLSX.write(XLSX.utils.book_new(XLSX.utils.aoa_to_sheet([['a', 1]]), 'Blad1'), { type: 'buffer', bookType: 'xls' }) as Buffer);
    expect(readCompoundFile(xls)?.rootStream('Workbook')?.length).toBeGreaterThan(0);
    expect(readCompoundFile(xls.subarray(0, 600))?.rootStream('Workbook')).toBeUndefined();
    const looping = Uint8Array.from(xls);
    const view = new DataView(looping.buffer);
    // The first FAT sector's first entries point at each other.
    const fatAt = (view.getUint32(76, true) + 1) * 512;
    view.setUint32(fatAt, 1, true);
    view.setUint32(fatAt + 4, 0, true);
    expect(() => readCompoundFile(looping)?.rootStream('Workbook')).not.toThrow();
    // A Workbook entry that claims 4 GB: refused on its chain before anything is allocated.
    const huge = Uint8Array.from(xls);
    const hugeView = new DataView(huge.buffer);
    const directory = (hugeView.getUint32(48, true) + 1) * 512;
    const name = Buffer.from('Workbook', 'utf16le');
    let entry = directory;
    while (Buffer.compare(Buffer.from(huge.subarray(entry, entry + name.length)), name) !== 0) entry += 128;
    hugeView.setUint32(entry + 120, 0xfffffff0, true);
    expect(readCompoundFile(huge)?.rootStream('Workbook')).toBeUndefined();
    const lost = Uint8Array.from(xls);
    new DataView(lost.buffer).setUint32(48, 0xfff0, true);
    expect(readCompoundFile(lost)).toBeUndefined();
  });
});

const hash = (bytes: Uint8Array | undefined) => (bytes ? createHash('sha256').update(bytes).digest('hex').slice(0, 16) : undefined);

async function classified(bytes: Uint8Array, reader: 'fast' | 'sheetjs'): Promise<unknown> {
  try {
    const { kind, workbook, objects, appended } = await classifyOle2(bytes, '', reader);
    return { kind, workbook: hash(workbook), objects: objects.map((object) => [object.name, hash(object.bytes)]), appended: hash(appended) };
  } catch (error) {
    if (error instanceof ReadStop) return { failure: error.failure.code };
    throw error;
  }
}

describe('classifyOle2 through cfb.ts', () => {
  it('classifies every OLE2 file of the corpus and the fixtures as through SheetJS\'s CFB', async () => {
    const files: [string, Uint8Array][] = [];
    for (const name of FIXTURE_NAMES) files.push([name, await fixtureBytes(name)]);
    for (const name of readdirSync(CORPUS)) files.push([name, new Uint8Array(readFileSync(join(CORPUS, name)))]);
    const differ: string[] = [];
    let fast = 0;
    for (const [name, bytes] of files.filter(([, bytes]) => isOle2(bytes))) {
      if (readCompoundFile(bytes)?.paths()) fast++;
      const [mine, theirs] = [await classified(bytes, 'fast'), await classified(bytes, 'sheetjs')];
      if (JSON.stringify(mine) !== JSON.stringify(theirs)) differ.push(`${name}: ${JSON.stringify(mine)} / SheetJS ${JSON.stringify(theirs)}`);
    }
    console.log(`cfb.ts read ${fast} OLE2 files itself`);
    expect(differ).toEqual([]);
  }, 300_000);
});
