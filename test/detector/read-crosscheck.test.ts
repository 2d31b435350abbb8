// The fast xlsx reader and SheetJS must see the same tables in every xlsx fixture (and so give
// the same verdicts): SheetJS is the reference, the fast path is what runs.
import { describe, expect, it } from 'vitest';
import { detect } from '../../shared/detector/index.js';
import { rowsOf } from '../../shared/detector/table.js';
import { readDocuments } from '../../shared/detector/read/index.js';
import { DEFAULT_POLICY } from '../../shared/policy/defaults.js';
import { analyse } from '../../shared/detector/analyse/index.js';
import { FIXTURE_NAMES, FIXTURES, fixtureBytes } from '../helpers/fixtures.js';
import { workbook } from '../../scripts/fixtures/formats.js';

const FAST_PATH_FIXTURES = FIXTURE_NAMES.filter((name) => {
  const { expect } = FIXTURES[name];
  return ['xlsx', 'xlsm', 'ods'].includes(expect.kind) && !('failure' in expect);
});

const context = () => ({ limits: DEFAULT_POLICY.limits, deadline: Date.now() + 60_000 });

async function bothPaths(bytes: Uint8Array) {
  const fast = await readDocuments(bytes, context(), { reader: 'fast' });
  const reference = await readDocuments(bytes, context(), { reader: 'sheetjs' });
  return { fast, reference };
}

describe('fast xlsx and ods readers against SheetJS', () => {
  it.each(FAST_PATH_FIXTURES)('%s: same tables, same verdict', async (name) => {
    const { fast, reference } = await bothPaths(await fixtureBytes(name));
    expect(fast.failure).toBeUndefined();
    expect(fast).toEqual(reference);
    const verdict = (documents: typeof fast.documents) => analyse(documents, DEFAULT_POLICY).reasons.map((r) => r.code).sort();
    expect(verdict(fast.documents)).toEqual(verdict(reference.documents));
  });

  it('agrees on awkward cells: entities, rich text, booleans, errors, sparse cells, early dates', async () => {
    const rows = [
      ['Tom & Jerry <b>', '  spaties  ', true, false, 0, -1.5, 1e21],
      [null, null, 'A "quote"', null, { date: '1900-01-01' }, { date: '1900-03-01' }, { formula: 'A1&"!"', cached: 'Tom & Jerry <b>!' }],
      [],
      ['regel1\nregel2', 'ünïcödé ✓', 'x'.repeat(300)],
    ];
    const { fast, reference } = await bothPaths(workbook([{ name: 'Blad & co', rows }, { name: 'Leeg', rows: [] }], 'xlsx'));
    expect(fast).toEqual(reference);
    expect(rowsOf(fast.documents[0]!.sheets[0]!.table)[1]).toEqual([null, null, 'A "quote"', null, '1900-01-01', '1900-03-01', 'Tom & Jerry <b>!']);
  });

  it('the whole detector gives the catalogued verdict on leak 4 through both paths', async () => {
    const bytes = await fixtureBytes('leak-4.xlsx');
    expect((await detect(bytes)).verdict).toBe('block');
    const reference = await readDocuments(bytes, context(), { reader: 'sheetjs' });
    expect(analyse(reference.documents, DEFAULT_POLICY).reasons.length).toBeGreaterThan(0);
  });
});
