// The tables the differential variants are made of: a list of synthetic people and two harmless
// tables of the kind an office sends every day (a product catalogue, statistics per municipality).
// Each carries the markers by which an oracle's output is recognised as that table.
import { makeJobSeekers } from '../../scripts/fixtures/people.js';
import { dutchDate } from '../../scripts/fixtures/formats.js';
import { seededRandom } from '../../scripts/fixtures/random.js';

export type Cell = string | number;

export interface BaseTable {
  content: 'people' | 'harmless';
  /** A short name used in variant names: 'people', 'catalogue', 'municipalities'. */
  name: string;
  rows: Cell[][];
  /** people: the BSNs or row-IDs (an oracle reads people when it shows enough of them); harmless: values of the table. */
  markers: string[];
}

export const PEOPLE_COUNT = 30;

export function peopleTable(seed: number): BaseTable {
  const people = makeJobSeekers(PEOPLE_COUNT, seed);
  return {
    content: 'people',
    name: 'people',
    rows: [
      ['BSN', 'Voorletters', 'Achternaam', 'Geboortedatum', 'Postcode', 'Woonplaats'],
      ...people.map((p) => [p.bsn, p.initials, p.surname, dutchDate(p.birthDate), p.postcode, p.place]),
    ],
    markers: people.map((p) => p.bsn),
  };
}

/** People without a BSN, as leak 9 listed them: surnames and the source system's row-IDs (and here birth dates). */
export function peopleWithoutBsnTable(seed: number): BaseTable {
  const people = makeJobSeekers(PEOPLE_COUNT, seed + 1000);
  return {
    content: 'people',
    name: 'people-no-bsn',
    rows: [
      ['Achternaam', 'Voorletters', 'Geboortedatum', 'Woonplaats', 'Rij-ID'],
      ...people.map((p) => [p.surname, p.initials, dutchDate(p.birthDate), p.place, String(p.rowId)]),
    ],
    markers: people.map((p) => String(p.rowId)),
  };
}

const ITEMS = ['Bureaustoel', 'Beeldscherm 24 inch', 'Toetsenbord', 'Draadloze muis', 'Laptoptas', 'Headset', 'Whiteboard', 'Printerpapier A4', 'Nietmachine', 'Archiefdoos'];
const FINISHES = ['zwart', 'grijs', 'wit'];

export function catalogueTable(seed: number): BaseTable {
  const random = seededRandom(seed * 7 + 1);
  const rows: Cell[][] = [['Artikelnummer', 'Omschrijving', 'Prijs', 'Voorraad']];
  ITEMS.forEach((item, i) =>
    FINISHES.forEach((finish, j) => rows.push([`ART-${1000 + i * 10 + j}`, `${item} ${finish}`, random.int(500, 50_000) / 100, random.int(0, 300)])),
  );
  return { content: 'harmless', name: 'catalogue', rows, markers: rows.slice(1).flatMap((r) => [String(r[0]), String(r[1])]) };
}

const MUNICIPALITIES = [
  'Amsterdam', 'Rotterdam', "'s-Gravenhage", 'Utrecht', 'Eindhoven', 'Groningen', 'Tilburg', 'Almere', 'Breda', 'Nijmegen',
  'Apeldoorn', 'Haarlem', 'Arnhem', 'Enschede', 'Amersfoort', 'Zaanstad', "'s-Hertogenbosch", 'Haarlemmermeer', 'Zwolle', 'Zoetermeer',
  'Leiden', 'Leeuwarden', 'Maastricht', 'Dordrecht', 'Ede', 'Alphen aan den Rijn', 'Westland', 'Alkmaar', 'Emmen', 'Delft',
];

export function municipalitiesTable(seed: number): BaseTable {
  const random = seededRandom(seed * 7 + 2);
  const rows: Cell[][] = [['Gemeente', 'Jaar', 'Aantal WW-uitkeringen', 'Aantal WIA-uitkeringen', 'Percentage werkhervatting']];
  for (const place of MUNICIPALITIES) rows.push([place, 2024, random.int(800, 40_000), random.int(300, 15_000), random.int(150, 600) / 10]);
  return { content: 'harmless', name: 'municipalities', rows, markers: MUNICIPALITIES };
}

/** A harmless count per place, made from the people: what a pivot table over them shows. */
export function countPerPlace(people: BaseTable): Cell[][] {
  const place = people.rows[0]!.indexOf('Woonplaats');
  const counts = new Map<string, number>();
  for (const row of people.rows.slice(1)) counts.set(String(row[place]), (counts.get(String(row[place])) ?? 0) + 1);
  return [['Woonplaats', 'Aantal'], ...[...counts].sort(([a], [b]) => a.localeCompare(b))];
}

export function transpose(rows: Cell[][]): Cell[][] {
  const width = Math.max(...rows.map((r) => r.length));
  return Array.from({ length: width }, (_, c) => rows.map((r) => r[c] ?? ''));
}
