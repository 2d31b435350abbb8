// How a block is told (shared/detector/describe.ts and the reasons' own sentences), on the
// detector's real verdicts for real files: the block dialog and `export-guard scan` say this.
import { gzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { detect, type Verdict } from '../../shared/detector/index.js';
import { columnsFound, DATA_KINDS, leadSentence, whyBlocked } from '../../shared/detector/describe.js';
import { RECOGNIZERS } from '../../shared/detector/recognizers/index.js';
import { delimited, dutchDate, zipArchive } from '../../scripts/fixtures/formats.js';
import { makeJobSeekers } from '../../scripts/fixtures/people.js';
import { fixtureBytes } from '../helpers/fixtures.js';

/** Everything the dialog shows a caseworker for a verdict, in one language. */
function told(verdict: Verdict, language: 'nl' | 'en'): string[] {
  return [
    leadSentence(verdict, language),
    ...whyBlocked(verdict, language),
    ...columnsFound(verdict, language).flatMap(({ place, columns }) => [place, ...columns]),
  ];
}

/** An export whose last column, 'Opmerking', holds health remarks for about a third of the people. */
function exportWithRemarks(): Uint8Array {
  const people = makeJobSeekers(120, 41);
  const rows = [
    ['Achternaam', 'BSN', 'Postcode', 'Woonplaats', 'Geboortedatum', 'Opmerking'],
    ...people.map((p) => [p.surname, p.bsn, p.postcode, p.place, dutchDate(p.birthDate), p.healthRemark || null]),
  ];
  return delimited(rows, ';');
}

describe('the sentence a caseworker reads first', () => {
  it('says how many people and what about them, in Dutch and English', async () => {
    const verdict = await detect(await fixtureBytes('leak-4.xlsx'));
    expect(leadSentence(verdict, 'nl')).toBe('Dit bestand bevat gegevens van 11.062 mensen (BSN, namen, e-mailadressen en meer) en mag niet als bijlage mee.');
    expect(leadSentence(verdict, 'en')).toBe('This file holds data about 11,062 people (BSN, names, e-mail addresses and more) and may not be attached.');
    const health = await detect(exportWithRemarks());
    expect(leadSentence(health, 'nl')).toBe('Dit bestand bevat gegevens van 120 mensen (BSN, gezondheidsgegevens, namen en meer) en mag niet als bijlage mee.');
    expect(leadSentence(await detect(await fixtureBytes('leak-3-bsn-only.csv')), 'nl')).toBe(
      'Dit bestand bevat gegevens van 135 mensen (BSN) en mag niet als bijlage mee.',
    );
  });

  it('for a file that could not be read, says why, and does not repeat it below', async () => {
    const verdict = await detect(await fixtureBytes('encrypted.xlsx'));
    expect(leadSentence(verdict, 'nl')).toMatch(/^Het bestand is met een wachtwoord beveiligd .* Het bestand wordt daarom tegengehouden\.$/);
    expect(whyBlocked(verdict, 'nl')).toEqual([]);
  });

  it('has a caseworker word for every kind of data the detector finds', () => {
    expect(Object.keys(DATA_KINDS).sort()).toEqual(RECOGNIZERS.map((recognizer) => recognizer.id).sort());
  });
});

describe('the details', () => {
  it('name every column once, BSN too, though several rules name it', async () => {
    const verdict = await detect(await fixtureBytes('leak-4.xlsx'));
    expect(verdict.reasons.filter((reason) => reason.nl.includes("'BSN'")).length).toBeGreaterThan(1);
    for (const language of ['nl', 'en'] as const) {
      expect(told(verdict, language).filter((line) => line.includes('BSN') && line !== leadSentence(verdict, language))).toHaveLength(1);
    }
    expect(columnsFound(verdict, 'nl')).toEqual([{ place: "Op blad 'Export'", columns: expect.arrayContaining(["'BSN' (kolom E): 11.062 geldige burgerservicenummers"]) }]);
    expect(whyBlocked(verdict, 'nl')).toEqual([
      'Gegevens die personen direct aanwijzen, samen met andere persoonsgegevens',
      'Een combinatie van gegevens die samen een persoon herkenbaar maakt',
      'Een lijst van personen',
    ]);
  });

  it("call a column by its header ('Opmerking'), with its letter beside it, not by its letter alone", async () => {
    const verdict = await detect(exportWithRemarks());
    expect(verdict.findings.find((finding) => finding.column === 'F')).toMatchObject({ header: 'Opmerking', entity: 'special-category' });
    const [file] = columnsFound(verdict, 'nl');
    expect(file!.columns).toContain("'Opmerking' (kolom F): 45 vermeldingen van gezondheid of andere bijzondere persoonsgegevens");
    expect(verdict.reasons.map((reason) => reason.nl).join(' ')).not.toMatch(/kolom F\b/);
    // A column without a header is still named by its letter.
    const [bsnOnly] = columnsFound(await detect(await fixtureBytes('leak-3-bsn-only.csv')), 'en');
    expect(bsnOnly).toEqual({ place: '', columns: ['column A: 135 valid citizen service numbers (BSN)'] });
  });

  it("count the columns left over in the right number: 'en 1 andere kolom', 'and 1 other column'", async () => {
    const verdict = await detect(exportWithRemarks());
    const reason = verdict.reasons.find((r) => r.code === 'special-category-with-identifier')!;
    expect(reason.nl).toMatch(/ en 1 andere kolom\.$/);
    expect(reason.en).toMatch(/ and 1 other column\.$/);
    const leak4 = await detect(await fixtureBytes('leak-4.xlsx'));
    expect(leak4.reasons.find((r) => r.code === 'direct-identifier-with-personal-data')!.nl).toMatch(/ en 7 andere kolommen\.$/);
  });

  it('say no sheet for a csv: not for the file itself, nor inside a zip or a gzip that names it', async () => {
    const csv = await fixtureBytes('leak-7.csv');
    const verdicts = await Promise.all([
      detect(csv),
      detect(zipArchive([{ name: 'export.csv', data: csv }])),
      detect(gzipSync(csv, { filename: 'export.csv', mtime: 0 })),
    ]);
    const places = verdicts.map((verdict) => columnsFound(verdict, 'nl').map((found) => found.place));
    expect(places).toEqual([[''], ["In 'export.csv'"], ["In 'export.csv'"]]);
    for (const verdict of verdicts) {
      for (const language of ['nl', 'en'] as const) {
        const text = [...told(verdict, language), ...verdict.reasons.map((reason) => reason[language])].join('\n');
        expect(text).not.toMatch(/blad ''|sheet ''|blad 'export\.csv'|sheet 'export\.csv'/);
      }
    }
  });
});
