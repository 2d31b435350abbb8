// The approver's table preview reads an attachment as the proxy's detector does: every sheet,
// hidden ones and those inside archives too, its first rows, and the detector's findings on the
// columns they were found in.
import { describe, expect, it } from 'vitest';
import { readPreview, PREVIEW_ROWS, type PreviewSheet } from '../../extension/popup/table-preview.js';
import { detect } from '../../shared/detector/index.js';
import { DEFAULT_POLICY } from '../../shared/policy/defaults.js';
import { fixtureBytes } from '../helpers/fixtures.js';

async function sheets(name: Parameters<typeof fixtureBytes>[0]): Promise<PreviewSheet[]> {
  const preview = await readPreview(await fixtureBytes(name), DEFAULT_POLICY);
  if ('failure' in preview) throw new Error(preview.failure.en);
  return preview.sheets;
}

const foundColumns = (sheet: PreviewSheet) => sheet.columns.filter((c) => c.findings.length > 0).map((c) => [c.letter, c.findings.map((f) => f.entity)]);

describe('the table preview of an attachment', () => {
  it('shows the first rows of a harmless sheet, and what little was found in it (places, no people)', async () => {
    const [sheet, ...others] = await sheets('vacancies.xlsx');
    expect(others).toEqual([]);
    expect(sheet).toMatchObject({ path: '', sheet: 'Vacatures', visibility: 'visible' });
    expect(sheet!.rows.length).toBe(Math.min(PREVIEW_ROWS, sheet!.rowCount));
    expect(sheet!.columns.length).toBe(Math.max(...sheet!.rows.map((r) => r.length)));
    expect(foundColumns(sheet!)).toEqual([['D', ['place']]]);
  });

  it("puts the detector's findings on their columns, the same findings the proxy's verdict names", async () => {
    const bytes = await fixtureBytes('leak-7.csv');
    const verdict = await detect(bytes);
    const preview = await readPreview(bytes, DEFAULT_POLICY);
    if ('failure' in preview) throw new Error(preview.failure.en);
    const [sheet] = preview.sheets;
    expect(sheet!.rows.length).toBe(PREVIEW_ROWS);
    expect(sheet!.rowCount).toBeGreaterThan(90);
    expect(sheet!.columns.flatMap((c) => c.findings)).toEqual(verdict.findings);
    expect(foundColumns(sheet!).map(([, entities]) => entities).flat()).toContain('bsn');
  });

  it('shows a very hidden sheet, and the documents inside an archive', async () => {
    const hidden = await sheets('export-hidden-sheet.xlsx');
    expect(hidden.map((s) => [s.sheet, s.visibility])).toEqual([
      ['Toelichting', 'visible'],
      ['Data', 'very-hidden'],
    ]);
    expect(foundColumns(hidden[1]!).length).toBeGreaterThan(0);
    const zipped = await sheets('export-in-zip.zip');
    expect(zipped.map((s) => s.path)).toContain('selectie.xlsx');
  });

  it('says why a file cannot be read as a table, as the verdict does', async () => {
    const truncated = (await fixtureBytes('vacancies.xlsx')).slice(0, 300);
    const preview = await readPreview(truncated, DEFAULT_POLICY);
    expect('failure' in preview && preview.failure.code).toBe((await detect(truncated)).reasons[0]!.code);
  });
});
