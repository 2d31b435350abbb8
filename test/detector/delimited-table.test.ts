// The table of a delimited text keeps fields as positions in the text and builds a cell only when
// asked. What it answers without building the cell (is it blank? how often did the tally count
// this value?) must equal what the built cell says, on every cell of every text fixture.
import { describe, expect, it } from 'vitest';
import { readDelimited, sniffDelimiter } from '../../shared/detector/read/delimited.js';
import { decodeText } from '../../shared/detector/read/encoding.js';
import { sniff } from '../../shared/detector/read/sniff.js';
import { isEmpty, rowsOf, RowsTable, type Table } from '../../shared/detector/table.js';
import type { CellValue } from '../../shared/detector/types.js';
import { FIXTURE_NAMES, FIXTURES, fixtureBytes } from '../helpers/fixtures.js';

function tableOf(text: string): Table {
  return readDelimited(text, sniffDelimiter(text), '', () => {});
}

const TEXT_FIXTURES = FIXTURE_NAMES.filter((name) => ['csv', 'text'].includes(FIXTURES[name].expect.kind));

/** Every text fixture, plus hand-made text with every kind of field the reader distinguishes. */
async function sampleTables(): Promise<[string, Table][]> {
  const tables: [string, Table][] = [];
  for (const name of TEXT_FIXTURES) {
    const bytes = await fixtureBytes(name);
    const sniffed = sniff(bytes);
    if (sniffed.format !== 'text') throw new Error(`${name} is not read as text but as ${sniffed.format}`);
    tables.push([name, tableOf(decodeText(bytes, sniffed.encoding))]);
  }
  tables.push(['hand-made', tableOf(EDGE_CASES)]);
  return tables;
}

const EDGE_CASES = [
  'Naam;Code;Opmerking',
  '"Jansen";"A1";"zegt ""ja"""',
  'Jansen;A1; ',
  '"Jansen"x;"A1";"twee\nregels"',
  ' ;\t;"  "',
  'Bakker;"";',
  '="012";=+"A""1";\x00Visser\x0b',
  'Jansen;A1;"open',
].join('\r\n');

describe('reading delimited text', () => {
  it('keeps quoted text, tails after a closing quote, blanks and an unterminated quote', () => {
    expect(rowsOf(tableOf(EDGE_CASES))).toEqual([
      ['Naam', 'Code', 'Opmerking'],
      ['Jansen', 'A1', 'zegt "ja"'],
      ['Jansen', 'A1', ' '],
      ['Jansenx', 'A1', 'twee\nregels'],
      [' ', '\t', '  '],
      ['Bakker', null, null],
      ['012', 'A"1', 'Visser'],
      ['Jansen', 'A1', 'open'],
    ]);
  });

  it('shows a formula of one constant as its value, and drops control characters before a value and before a line break', () => {
    const text = '\x00="123456782";=0123;=A1+1;x\x0b\r\n"=""9""";a\x1a\n\x0bb;"c"\x00\rd;e';
    expect(rowsOf(readDelimited(text, ';', '', () => {}))).toEqual([['123456782', '123', '=A1+1', 'x'], ['9', 'a'], ['b', 'c'], ['d', 'e']]);
  });

  it('drops empty lines and lines of one empty quoted field, and reads \\r line breaks', () => {
    expect(rowsOf(readDelimited('a;b\r\r\n""\n\nc;d\re;', ';', '', () => {}))).toEqual([['a', 'b'], ['c', 'd'], ['e', null]]);
  });

  it('reads text without a delimiter as one column', () => {
    const table = readDelimited('111222333\n\n123456782\n', undefined, '', () => {});
    expect(rowsOf(table)).toEqual([['111222333'], ['123456782']]);
  });

  it('stops at a row wider than a spreadsheet, naming where it was', () => {
    expect(rowsOf(readDelimited(`${'x;'.repeat(16_383)}x`, ';', '', () => {}))[0]).toHaveLength(16_384);
    expect(() => readDelimited(`${'x;'.repeat(16_384)}x`, ';', 'bijlage.zip/lijst.csv', () => {})).toThrow(
      expect.objectContaining({ failure: expect.objectContaining({ code: 'too-large', path: 'bijlage.zip/lijst.csv' }) }),
    );
  });

  it('asks for a checkpoint as it goes, so a deadline can stop a long text', () => {
    let checkpoints = 0;
    readDelimited('a;b\n'.repeat(10_000), ';', '', () => checkpoints++);
    expect(checkpoints).toBeGreaterThanOrEqual(4);
  });
});

describe('answers given without building the cell', () => {
  it('says a cell is blank exactly when its value is empty or white space', async () => {
    for (const [name, table] of await sampleTables()) {
      let blanks = 0;
      for (let r = 0; r < table.rowCount; r++) {
        for (let c = 0; c < table.rowLength(r); c++) {
          const expected = isEmpty(table.cell(r, c));
          if (table.isBlank(r, c) !== expected) throw new Error(`${name}: row ${r}, column ${c}: isBlank ${!expected}, cell ${JSON.stringify(table.cell(r, c))}`);
          if (expected) blanks++;
        }
      }
      if (name === 'hand-made') expect(blanks).toBe(6);
    }
  });

  it('tallies exactly what a Map of the built values counts, as the tally of the built rows does', async () => {
    for (const [name, delimitedTable] of await sampleTables()) {
      const width = Math.max(...Array.from({ length: delimitedTable.rowCount }, (_, r) => delimitedTable.rowLength(r)));
      for (const table of [delimitedTable, new RowsTable(rowsOf(delimitedTable))]) {
        for (let c = 0; c < width; c++) {
          const tally = table.tally(1000);
          const reference = new Map<CellValue, number>();
          for (let r = 0; r < table.rowCount; r++) {
            if (c >= table.rowLength(r) || table.isBlank(r, c)) continue;
            const value = table.cell(r, c);
            const counted = tally.add(r, c);
            if (counted !== (reference.has(value) || reference.size < 1000)) throw new Error(`${name}: row ${r}, column ${c}: add said ${counted}`);
            if (counted) reference.set(value, (reference.get(value) ?? 0) + 1);
          }
          expect(tally.values).toEqual([...reference.keys()]);
          expect(tally.values.map((_, index) => tally.count(index))).toEqual([...reference.values()]);
        }
      }
    }
  });

  it('finds a value whatever stands around its field: quoted or not, first in the text or not', () => {
    // Single characters, so that a hash reaching outside the field would see the quote, the
    // delimiter or nothing; enough of them that the tally grows and hashes its values again.
    const characters = [...'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'];
    const lines = [0, 1, 2].flatMap((round) => characters.map((ch, i) => ((i + round) % 2 ? `"${ch}";x` : `${ch};x`)));
    const table = tableOf(lines.join('\n'));
    for (const kind of [table, new RowsTable(rowsOf(table))]) {
      const tally = kind.tally(1000);
      for (let r = 0; r < kind.rowCount; r++) expect(tally.add(r, 0)).toBe(true);
      expect(tally.values).toEqual(characters);
      expect(characters.map((_, index) => tally.count(index))).toEqual(characters.map(() => 3));
    }
  });

  it('counts no new value past its limit, and still counts the values it has', () => {
    const table = tableOf(Array.from({ length: 5000 }, (_, i) => `waarde ${i % 3000};x`).join('\n'));
    const tally = table.tally(2000);
    let refused = 0;
    for (let r = 0; r < table.rowCount; r++) if (!tally.add(r, 0)) refused++;
    expect(tally.values).toHaveLength(2000);
    expect(refused).toBe(1000);
    // Rows 3000-4999 repeat values 0-1999, all of them known.
    expect(tally.count(0)).toBe(2);
    expect(tally.count(1999)).toBe(2);
  });
});
