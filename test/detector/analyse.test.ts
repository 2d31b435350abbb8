// The column analysis on tables as the readers deliver them: which columns hold what, which rules
// hold, and what the caseworker is told. Tables come from the fixture generator's synthetic people.
import { describe, expect, test } from 'vitest';
import { analyse, failureReason } from '../../shared/detector/analyse/index.js';
import { formatCount } from '../../shared/detector/analyse/reasons.js';
import { columnLetter } from '../../shared/detector/analyse/columns.js';
import { namesAggregate } from '../../shared/detector/analyse/header.js';
import { DEFAULT_POLICY } from '../../shared/policy/defaults.js';
import { parsePolicy } from '../../shared/policy/parse.js';
import type { CellValue, Document, ReadFailureCode, SheetVisibility } from '../../shared/detector/types.js';
import { RowsTable } from '../../shared/detector/table.js';
import { makeBsn, makeJobSeekers, passesElfproef } from '../../scripts/fixtures/people.js';
import { seededRandom } from '../../scripts/fixtures/random.js';

function book(rows: CellValue[][], options: { sheet?: string; path?: string; visibility?: SheetVisibility } = {}): Document[] {
  return [
    {
      kind: 'xlsx',
      path: options.path ?? '',
      sheets: [{ name: options.sheet ?? 'Export', visibility: options.visibility ?? 'visible', table: new RowsTable(rows) }],
    },
  ];
}

function codes(documents: Document[], policy = DEFAULT_POLICY): string[] {
  return analyse(documents, policy).reasons.map((reason) => reason.code);
}

function entities(documents: Document[], policy = DEFAULT_POLICY): Record<string, string> {
  return Object.fromEntries(analyse(documents, policy).findings.map((f) => [f.header || f.column, f.entity]));
}

const people = makeJobSeekers(400, 42);
const randomOrderNumbers = (count: number, seed: number): string[] => {
  const random = seededRandom(seed);
  return Array.from({ length: count }, () => String(random.int(100_000_000, 999_999_999)));
};

describe('BSN columns', () => {
  test('a bare column of valid BSNs without a header is a BSN column (leak 3)', () => {
    const analysis = analyse(book(people.slice(0, 135).map((p) => [p.bsn]), { sheet: 'Blad1' }), DEFAULT_POLICY);
    expect(analysis.reasons.map((r) => r.code)).toEqual(['bsn-column']);
    expect(analysis.reasons[0]).toMatchObject({ column: 'A', count: 135, sheet: 'Blad1', entity: 'bsn' });
    expect(analysis.reasons[0]!.nl).toBe("Kolom A op blad 'Blad1': 135 geldige burgerservicenummers.");
    expect(analysis.rows).toBe(135);
  });

  test("the message names the header: \"Kolom 'BSN' op blad 'Export': 135 geldige burgerservicenummers.\"", () => {
    const [reason] = analyse(book([['BSN'], ...people.slice(0, 135).map((p) => [p.bsn])]), DEFAULT_POLICY).reasons;
    expect(reason!.nl).toBe("Kolom 'BSN' op blad 'Export': 135 geldige burgerservicenummers.");
    expect(reason!.en).toBe("Column 'BSN' on sheet 'Export': 135 valid citizen service numbers (BSN).");
  });

  test('a count of thousands is written as a reader of each language writes it', () => {
    const bsns = makeJobSeekers(1234, 7).map((p) => [p.bsn]);
    const [reason] = analyse(book([['BSN'], ...bsns]), DEFAULT_POLICY).reasons;
    expect(reason!.nl).toBe("Kolom 'BSN' op blad 'Export': 1.234 geldige burgerservicenummers.");
    expect(reason!.en).toBe("Column 'BSN' on sheet 'Export': 1,234 valid citizen service numbers (BSN).");
    expect([1, 999, 1000, 100_000, 1_048_576].map((n) => formatCount(n, 'nl'))).toEqual(['1', '999', '1.000', '100.000', '1.048.576']);
  });

  test('a table without a sheet name (a csv file) is not given an empty one', () => {
    const [reason] = analyse(book(people.slice(0, 5).map((p) => [p.bsn]), { sheet: '' }), DEFAULT_POLICY).reasons;
    expect(reason!.nl).toBe('Kolom A: 5 geldige burgerservicenummers.');
  });

  test("one BSN under a 'BSN' header blocks; two 9-digit numbers without a header decide nothing", () => {
    expect(codes(book([['Naam', 'BSN'], ['J. de Vries', people[0]!.bsn]]))).toEqual(['bsn-column']);
    expect(codes(book([[people[0]!.bsn], [people[1]!.bsn]]))).toEqual([]);
  });

  test('two BSN columns are named in one reason', () => {
    const [reason] = analyse(book([['BSN', 'BSN partner'], ...people.slice(0, 5).map((p, i) => [p.bsn, people[i + 5]!.bsn])]), DEFAULT_POLICY).reasons;
    expect(reason!.nl).toBe("Op blad 'Export': kolom 'BSN' (5 geldige burgerservicenummers), kolom 'BSN partner' (5 geldige burgerservicenummers).");
  });

  test('random 9-digit order numbers are not a BSN column, with or without a header', () => {
    const numbers = randomOrderNumbers(1000, 7);
    const chanceHits = numbers.filter(passesElfproef).length;
    expect(chanceHits).toBeGreaterThan(50); // about 1 in 11 pass the elfproef by chance
    expect(codes(book(numbers.map((n) => [n])))).toEqual([]);
    expect(codes(book([['Ordernummer'], ...numbers.map((n) => [n])]))).toEqual([]);
    expect(codes(book(numbers.map((n) => [Number(n)])))).toEqual([]);
  });

  test("a header 'BSN' lowers the share needed: a column with typos still counts", () => {
    const random = seededRandom(9);
    const column = Array.from({ length: 100 }, (_, i) => [i % 2 === 0 ? makeBsn(random) : String(random.int(100_000_000, 999_999_999))]);
    expect(entities(book([['BSN'], ...column]))).toEqual({ BSN: 'bsn' });
    expect(entities(book([['Kenmerk'], ...column]))).toEqual({});
  });

  test('BSNs stored as numbers count, including those shortened to 8 digits', () => {
    const shortened = people.filter((p) => /^0[1-9]/.test(p.bsn)).slice(0, 20);
    expect(shortened.length).toBeGreaterThanOrEqual(10);
    const analysis = analyse(book(shortened.map((p) => [Number(p.bsn)])), DEFAULT_POLICY);
    expect(analysis.findings).toMatchObject([{ entity: 'bsn', matches: shortened.length }]);
  });

  test('BSNs count even under a header about something else', () => {
    expect(codes(book([['Kenmerk vacature'], ...people.slice(0, 30).map((p) => [p.bsn])]))).toEqual(['bsn-column']);
  });

  test('BSNs written with dots, spaces or hyphens count', () => {
    const written = people.slice(0, 30).map((p, i) => {
      const groups = [p.bsn.slice(0, 4), p.bsn.slice(4, 6), p.bsn.slice(6)];
      return [groups.join(['.', ' ', '-'][i % 3])];
    });
    expect(codes(book(written))).toEqual(['bsn-column']);
  });
});

describe('tables without a BSN', () => {
  test('surnames with row-IDs are a list of people (leak 9)', () => {
    const rows = [['Achternaam', 'Rij-ID'], ...people.map((p) => [p.surname, p.rowId])];
    expect(codes(book(rows))).toEqual(['direct-identifier-with-personal-data', 'people-list']);
    expect(entities(book(rows))).toEqual({ Achternaam: 'person-name', 'Rij-ID': 'client-id' });
  });

  test('surnames without a header are still a list of people: tussenvoegsels give them away', () => {
    const rows = people.map((p) => [p.surname, String(p.rowId)]);
    expect(codes(book(rows))).toEqual(['people-list']);
  });

  test('capitalised words without a header are not names: products, places', () => {
    const products = ['Bureaustoel', 'Toetsenbord', 'Muis', 'Headset', 'Whiteboard', 'Laptoptas', 'Beeldscherm', 'Nietmachine'];
    const places = ['Amsterdam', 'Den Haag', 'Bergen op Zoom', 'Alphen aan den Rijn', 'Utrecht', "'s-Hertogenbosch", 'Zwolle'];
    const rows = Array.from({ length: 200 }, (_, i) => [products[i % products.length]!, places[i % places.length]!]);
    expect(entities(book(rows))).toEqual({});
  });

  test("an 'ID' column that repeats its values or mixes shapes is not a row-ID", () => {
    const repeated = [['Achternaam', 'ID'], ...people.slice(0, 60).map((p, i) => [p.surname, 1000 + (i % 5)])];
    const mixed = [['Achternaam', 'ID'], ...people.slice(0, 60).map((p, i) => [p.surname, i % 2 ? `K-${p.rowId}` : p.rowId])];
    expect(entities(book(repeated))).toEqual({ Achternaam: 'person-name' });
    expect(entities(book(mixed))).toEqual({ Achternaam: 'person-name' });
  });

  test('birth date with postcode singles people out', () => {
    const rows = [['Geboortedatum', 'Postcode'], ...people.map((p) => [p.birthDate, p.postcode])];
    expect(codes(book(rows))).toEqual(['quasi-identifier-combination']);
  });

  test('postcode with place alone is only an address', () => {
    const rows = [['Postcode', 'Plaats'], ...people.slice(0, 40).map((p) => [p.postcode, p.place])];
    expect(codes(book(rows))).toEqual([]);
  });

  test('a health remark in row 90,000 next to names blocks; without it nothing about health is found', () => {
    const random = seededRandom(11);
    const surnames = ['Jansen', 'de Vries', 'Bakker', 'van der Meer'];
    const rows: CellValue[][] = [['Achternaam', 'Opmerking']];
    for (let i = 0; i < 100_000; i++) rows.push([random.pick(surnames), i % 3 === 0 ? 'Uitnodiging verstuurd' : null]);
    expect(codes(book(rows))).not.toContain('special-category-with-identifier');
    rows[90_000]![1] = 'Psychische klachten, beperkt belastbaar';
    const analysis = analyse(book(rows), DEFAULT_POLICY);
    expect(analysis.reasons.map((r) => r.code)).toContain('special-category-with-identifier');
    expect(analysis.findings.find((f) => f.column === 'B')).toMatchObject({ entity: 'special-category', matches: 1, header: '' });
  });

  test('calls its checkpoint as it goes, so that a deadline stops a long sheet, and stops when it throws', () => {
    const rows: CellValue[][] = [['Achternaam', 'Opmerking']];
    for (let i = 0; i < 5000; i++) rows.push([i % 2 ? 'Jansen' : 'de Vries', 'Uitnodiging verstuurd']);
    const paths: string[] = [];
    analyse(book(rows, { path: 'bijlage.zip/lijst.csv' }), DEFAULT_POLICY, (path) => paths.push(path));
    expect(paths.length).toBeGreaterThanOrEqual(9);
    expect(new Set(paths)).toEqual(new Set(['bijlage.zip/lijst.csv']));
    let calls = 0;
    const stopAtThird = () => {
      if (++calls === 3) throw new Error('deadline');
    };
    expect(() => analyse(book(rows), DEFAULT_POLICY, stopAtThird)).toThrow('deadline');
    expect(calls).toBe(3);
  });

  test("a flag column headed 'Ziek' is health data whatever the flags say (leak 2)", () => {
    const rows = [['Achternaam', 'Ziek'], ...people.slice(0, 20).map((p, i) => [p.surname, i % 4 === 0 ? 'Ja' : 'Nee'])];
    expect(entities(book(rows))).toEqual({ Achternaam: 'person-name', Ziek: 'special-category' });
    expect(codes(book(rows))).toContain('special-category-with-identifier');
  });
});

describe('what a column means depends on its sheet (issue 10)', () => {
  const landline = (i: number) => `0${20 + (i % 50)}-${2_000_000 + i * 7919}`;

  test('landline numbers are a switchboard list alone, and personal beside names', () => {
    const alone = [['Plaats', 'Telefoon'], ...people.slice(0, 60).map((p, i) => [p.place, landline(i)])];
    expect(codes(book(alone))).toEqual([]);
    const withNames = [['Naam', 'Telefoon'], ...people.slice(0, 20).map((p, i) => [`${p.firstName} ${p.surname}`, landline(i)])];
    expect(entities(book(withNames))).toEqual({ Naam: 'person-name', Telefoon: 'phone' });
    expect(codes(book(withNames))).toEqual(['direct-identifier-with-personal-data']);
  });

  test('mobile numbers are personal on their own', () => {
    const rows = [['Mobiel', 'Postcode'], ...people.slice(0, 60).map((p, i) => [`06-${String(12_000_000 + i * 131)}`, p.postcode])];
    expect(codes(book(rows))).toEqual(['direct-identifier-with-personal-data']);
  });

  test("a count under a health header is statistics per place, and a person's own count beside a name", () => {
    const perPlace = [['Gemeente', 'Aantal dagen ziek'], ...['Amsterdam', 'Utrecht', 'Zwolle', 'Breda'].map((place, i) => [place, 100 + i])];
    expect(codes(book(perPlace))).toEqual([]);
    const perPerson = [['BSN', 'Aantal dagen ziek'], ...people.slice(0, 10).map((p, i) => [p.bsn, i % 4])];
    expect(entities(book(perPerson))).toEqual({ BSN: 'bsn', 'Aantal dagen ziek': 'special-category' });
  });

  test('a header over a count, sum or share is told from one over a number of a person', () => {
    for (const header of ['Aantal WIA-uitkeringen', 'Totaal', '% werkhervatting', 'Gemiddelde leeftijd', 'Count']) expect(namesAggregate(header), header).toBe(true);
    for (const header of ['Phone number', 'Client number', 'Telefoonnummer', 'Account', 'Leeftijd']) expect(namesAggregate(header), header).toBe(false);
  });

  test('counts per postcode and age are statistics; people with a birth date and a count are people', () => {
    const groups = [['Postcode', 'Leeftijd', 'Aantal uitkeringen'], ...people.slice(0, 60).map((p, i) => [p.postcode, p.age, 3 + (i % 20)])];
    expect(codes(book(groups))).toEqual([]);
    const persons = [['Geboortedatum', 'Postcode', 'Aantal kinderen'], ...people.slice(0, 60).map((p, i) => [p.birthDate, p.postcode, i % 4])];
    expect(codes(book(persons))).toEqual(['quasi-identifier-combination']);
  });

  test('a constant date, or a column of dates, is no BSN column; distinct BSNs are', () => {
    const dates = [['Regio', 'Peildatum'], ...['Noord', 'Oost', 'Zuid', 'West', 'Midden'].map((region) => [region, '2025-01-13'])];
    expect(codes(book(dates))).toEqual([]);
    const constant = Array.from({ length: 20 }, () => ['Noord', '111222333']);
    expect(codes(book(constant))).toEqual([]);
    expect(codes(book(people.slice(0, 20).map((p) => ['Noord', p.bsn])))).toEqual(['bsn-column']);
  });
});

describe('a table read as a person reads it (issue 9)', () => {
  const fields = ['Achternaam', 'BSN', 'Postcode', 'Woonplaats'] as const;
  const record = (p: (typeof people)[number]): CellValue[] => [p.surname, p.bsn, p.postcode, p.place];
  const transpose = (rows: CellValue[][]): CellValue[][] => rows[0]!.map((_, c) => rows.map((row) => row[c] ?? null));

  test('one person per column, the field names down the first column, is read as its transpose', () => {
    const rows = transpose([[...fields], ...people.slice(0, 40).map(record)]);
    const analysis = analyse(book(rows), DEFAULT_POLICY);
    expect(analysis.reasons.map((r) => r.code)).toContain('bsn-column');
    // Its 'columns' are the rows the fields stand in, numbered as the spreadsheet numbers rows.
    expect(analysis.findings.find((f) => f.entity === 'bsn')).toMatchObject({ header: 'BSN', column: '2', matches: 40 });
  });

  test('a transposed table without field names, wider than long, is read on its side too', () => {
    const rows = transpose(people.slice(0, 30).map((p) => [p.bsn, p.surname]));
    expect(codes(book(rows))).toContain('bsn-column');
  });

  test('records on one line after their header are folded into rows', () => {
    const line = [...fields, ...people.slice(0, 30).flatMap(record)];
    expect(codes(book([line]))).toContain('bsn-column');
  });

  test('records on one line with the field names before each value are folded into rows', () => {
    const line = people.slice(0, 30).flatMap((p) => fields.flatMap((field, i) => [field, record(p)[i]!]));
    expect(codes(book([line]))).toContain('bsn-column');
  });

  test('a header line with every record on the next line is folded under it', () => {
    expect(codes(book([[...fields], people.slice(0, 30).flatMap(record)]))).toContain('bsn-column');
  });

  test("'=\"123456782\"' in a string cell is its inner text (leak 3 as some export tools write it)", () => {
    expect(codes(book(people.slice(0, 40).map((p) => [`="${p.bsn}"`])))).toEqual(['bsn-column']);
  });

  test('a table of people far below and to the right of a harmless one is read under its own header', () => {
    const rows: CellValue[][] = [['Artikel', 'Prijs'], ...Array.from({ length: 300 }, (_, i) => [`Artikel ${i}`, i + 0.5])];
    rows.push([null, null, null, 'Achternaam', 'Geboortedatum', 'Postcode'], ...people.slice(0, 30).map((p) => [null, null, null, p.surname, p.birthDate, p.postcode]));
    expect(entities(book(rows))).toMatchObject({ Achternaam: 'person-name', Geboortedatum: 'birth-date', Postcode: 'postcode' });
    expect(codes(book(rows))).toContain('quasi-identifier-combination');
  });

  test('harmless tables stay harmless read on their side or folded', () => {
    const months = [['Maand', 'jan', 'feb', 'mrt', 'apr', 'mei', 'jun', 'jul', 'aug', 'sep', 'okt', 'nov', 'dec'], ['Instroom', ...Array.from({ length: 12 }, (_, i) => 1000 + i * 37)], ['Uitstroom', ...Array.from({ length: 12 }, (_, i) => 900 + i * 41)]];
    expect(codes(book(months))).toEqual([]);
    const oneLine = Array.from({ length: 60 }, (_, i) => (i % 3 === 0 ? `Workshop ${i}` : i % 3 === 1 ? `Zaal ${i % 4}` : 20));
    expect(codes(book([oneLine]))).toEqual([]);
  });
});

describe('where the table is', () => {
  test('the header row need not be the first: title rows above it', () => {
    const rows: CellValue[][] = [
      ['UWV Sonar - selectie groepsbericht'],
      ['Aangemaakt op 22-09-2016'],
      [],
      ['Achternaam', 'BSN', 'Rij-ID'],
      ...people.slice(0, 60).map((p) => [p.surname, p.bsn, p.rowId]),
    ];
    const analysis = analyse(book(rows), DEFAULT_POLICY);
    expect(analysis.rows).toBe(60);
    expect(Object.fromEntries(analysis.findings.map((f) => [f.header, f.column]))).toEqual({ Achternaam: 'A', BSN: 'B', 'Rij-ID': 'C' });
  });

  test("a data row with 'Ziek' in it is not taken for a header", () => {
    const rows: CellValue[][] = [
      ['Medewerker', 'Maandag', 'Dinsdag'],
      ['Piet', 'Vroeg', 'Laat'],
      ['Sanne', 'Ziek', 'Ziek'],
      ['Kees', 'Laat', 'Vroeg'],
    ];
    const analysis = analyse(book(rows), DEFAULT_POLICY);
    expect(analysis.findings.map((f) => f.header)).not.toContain('Ziek');
    expect(analysis.reasons).toEqual([]);
  });

  test('a first row that names nothing known is read as data, and never quoted as a header', () => {
    const remark = 'Psychische klachten sinds 2017';
    const rows = [['de Vries', remark], ...people.slice(0, 60).map((p, i) => [p.surname, i % 3 ? null : p.healthRemark || 'Gesprek gehad'])];
    const analysis = analyse(book(rows), DEFAULT_POLICY);
    expect(analysis.rows).toBe(61);
    expect(analysis.findings.find((f) => f.column === 'A')).toMatchObject({ entity: 'person-name', header: '' });
    expect(JSON.stringify(analysis)).not.toContain(remark);
    expect(analysis.reasons.map((r) => r.code)).toContain('special-category-with-identifier');
  });

  test('a csv without a header, every field text, keeps its first row as data', () => {
    const rows = people.slice(0, 40).map((p) => [p.bsn, p.postcode, p.birthDate]);
    const analysis = analyse(book(rows), DEFAULT_POLICY);
    expect(analysis.rows).toBe(40);
    expect(analysis.findings).toMatchObject([{ entity: 'bsn', matches: 40 }, { entity: 'postcode' }]);
  });

  test('a very hidden sheet is analysed like any other, and an archive path is named', () => {
    const rows = [['BSN'], ...people.slice(0, 10).map((p) => [p.bsn])];
    const [reason] = analyse(book(rows, { visibility: 'very-hidden', sheet: 'Data', path: 'bijlage.zip/selectie.xlsx' }), DEFAULT_POLICY).reasons;
    expect(reason).toMatchObject({ code: 'bsn-column', path: 'bijlage.zip/selectie.xlsx', sheet: 'Data' });
    expect(reason!.nl).toContain("in 'bijlage.zip/selectie.xlsx'");
  });

  test('rules look at one sheet at a time: a name list and an unrelated row-ID sheet do not combine', () => {
    const documents: Document[] = [
      {
        kind: 'xlsx',
        path: '',
        sheets: [
          { name: 'Rooster', visibility: 'visible', table: new RowsTable([['Voornaam', 'Dienst'], ...people.slice(0, 12).map((p, i) => [p.firstName, i % 2 ? 'Vroeg' : 'Laat'])]) },
          { name: 'Codes', visibility: 'visible', table: new RowsTable([['ID', 'Omschrijving'], ...[1001, 1002, 1003, 1004].map((id) => [id, 'Code'])]) },
        ],
      },
    ];
    expect(codes(documents)).toEqual([]);
  });
});

describe('harmless tables pass', () => {
  test.each<[string, CellValue[][]]>([
    ['a vacancy list', [['Vacature ID', 'Functie', 'Naam werkgever', 'Plaats', 'Uren'], ...people.slice(0, 60).map((p, i) => [`VAC-${2018000 + i}`, p.occupation, p.lastEmployer, p.place, 32])]],
    ['a vacancy list with the employers\' contact details', [['Vacature', 'Contactpersoon werkgever', 'E-mail werkgever', 'Telefoon werkgever'], ...people.slice(0, 60).map((p) => [p.occupation, `${p.firstName} ${p.surname}`, p.email, p.phone])]],
    ['a team schedule of first names', [['Naam', 'Maandag', 'Dinsdag'], ...people.slice(0, 30).map((p) => [p.firstName, 'Vroeg', 'Laat'])]],
    ['statistics by gender and age group', [['Geslacht', 'Leeftijdsgroep', 'Aantal'], ...['M', 'V'].flatMap((g) => ['20-29', '30-39', '40-49'].map((a, i) => [g, a, 100 + i]))]],
    ['a catalogue', [['Artikelnummer', 'Omschrijving', 'Prijs'], ...['Bureaustoel', 'Toetsenbord', 'Muis', 'Headset'].map((item, i) => [`ART-${1000 + i}`, item, 10 + i])]],
    ['an empty sheet', []],
  ])('%s', (_, rows) => {
    expect(codes(book(rows))).toEqual([]);
  });
});

describe('the policy decides', () => {
  test('no rules, no block', () => {
    const policy = parsePolicy({ rules: [] });
    expect(codes(book(people.slice(0, 50).map((p) => [p.bsn])), policy)).toEqual([]);
  });

  test('a per-entity threshold overrides the default', () => {
    const numbers = randomOrderNumbers(1000, 7).map((n) => [n]);
    const policy = parsePolicy({ thresholds: { entities: { bsn: { shareWithoutHeader: 0.05 } } } });
    expect(codes(book(numbers), policy)).toEqual(['bsn-column']);
  });

  test('a rule of its own reports its own code and message', () => {
    const policy = parsePolicy({ rules: [{ id: 'any-email', when: { entity: 'email' }, message: { nl: 'E-mailadressen', en: 'E-mail addresses' } }] });
    const [reason] = analyse(book([['E-mail'], ...people.slice(0, 5).map((p) => [p.email])]), policy).reasons;
    expect(reason!.code).toBe('any-email');
    expect(reason!.nl).toBe("E-mailadressen. Op blad 'Export': kolom 'E-mail' (5 e-mailadressen).");
  });
});

test('findings and reasons never contain the values themselves', () => {
  const rows = [['BSN', 'Achternaam', 'E-mail', 'Belemmeringen'], ...people.map((p) => [p.bsn, p.surname, p.email, p.healthRemark])];
  const text = JSON.stringify(analyse(book(rows), DEFAULT_POLICY));
  for (const p of people) {
    expect(text).not.toContain(p.bsn);
    expect(text).not.toContain(p.email);
    if (p.healthRemark) expect(text).not.toContain(p.healthRemark);
  }
});

describe('unreadable files', () => {
  const expected: Record<ReadFailureCode, string> = {
    encrypted: 'file-encrypted',
    corrupt: 'file-corrupt',
    truncated: 'file-truncated',
    'too-large': 'file-too-large',
    'archive-too-deep': 'archive-too-deep',
    'archive-too-many-entries': 'archive-too-many-entries',
    'archive-too-large': 'archive-too-large',
    'archive-ratio': 'archive-ratio',
    'archive-uninspectable': 'archive-uninspectable',
    timeout: 'scan-timeout',
    cancelled: 'scan-cancelled',
    'internal-error': 'scan-error',
  };
  test.each(Object.entries(expected))('%s is reported as %s, in Dutch and English', (failure, code) => {
    const reason = failureReason({ code: failure as ReadFailureCode, path: 'a.zip/b.xlsx', detail: 'technical detail' });
    expect(reason.code).toBe(code);
    expect(reason.nl).toMatch(/tegengehouden/);
    expect(reason.en).toMatch(/blocked/);
    expect(reason.nl).toContain("'a.zip/b.xlsx'");
    expect(reason.nl).not.toContain('technical detail');
  });
});

test('column letters are those a spreadsheet shows', () => {
  expect([0, 25, 26, 701, 702].map(columnLetter)).toEqual(['A', 'Z', 'AA', 'ZZ', 'AAA']);
});

test('one stray cell far to the right does not make every row cost the width of the sheet', () => {
  const rows: CellValue[][] = Array.from({ length: 300_000 }, (_, r) => [people[r % people.length]!.bsn]);
  rows[0]![16_383] = 'Zie toelichting';
  const analysis = analyse(book(rows), DEFAULT_POLICY);
  expect(analysis.findings).toMatchObject([{ entity: 'bsn', column: 'A' }]);
});

test('odd tables never make the analysis throw: sparse rows, NaN, huge text, booleans', () => {
  const random = seededRandom(23);
  const odd: CellValue[] = [NaN, Infinity, -0, 1e300, true, false, '', ' ', '\u0000', 'x'.repeat(100_000), '💥', '0'.repeat(9), '-', null];
  for (let table = 0; table < 50; table++) {
    const rows: CellValue[][] = Array.from({ length: random.int(0, 40) }, (_, r) => {
      const row: CellValue[] = []; // holes stay holes: sparse rows as some readers give them
      const cells = random.int(0, 12);
      for (let c = 0; c < cells; c++) row[random.int(0, 30)] = random.pick([...odd, people[r]!.bsn, people[r]!.surname]);
      return row;
    });
    const analysis = analyse(book(rows), DEFAULT_POLICY);
    for (const reason of analysis.reasons) expect(reason.nl.length * reason.en.length).toBeGreaterThan(0);
  }
});
