// Synthetic job seekers: deterministic, so tests, screenshots and demos always show the same people.
// None of them exist; the BSNs are made up but pass the eleven-test, as real ones do, so an export
// of them looks to the detector exactly like a real Sonar export.

export interface JobSeeker {
  id: string;
  initials: string;
  surname: string;
  bsn: string;
  birthDate: string;
  gender: 'M' | 'V';
  postcode: string;
  place: string;
  email: string;
  sector: string;
  education: string;
  firstWwDay: string;
}

// Fourteen places over about 3,000 people: one place is a group of about 215, the average
// group message of BACKGROUND.md.
export const PLACES = [
  'Amsterdam', 'Rotterdam', 'Den Haag', 'Utrecht', 'Eindhoven', 'Groningen', 'Tilburg',
  'Almere', 'Breda', 'Nijmegen', 'Apeldoorn', 'Arnhem', 'Zwolle', 'Leeuwarden',
] as const;

export const SECTORS = [
  'Zorg en welzijn', 'Logistiek', 'Techniek', 'ICT', 'Horeca', 'Detailhandel', 'Onderwijs',
  'Bouw', 'Administratie', 'Schoonmaak',
] as const;

const SURNAMES = [
  'de Jong', 'Jansen', 'de Vries', 'van den Berg', 'van Dijk', 'Bakker', 'Janssen', 'Visser',
  'Smit', 'Meijer', 'de Boer', 'Mulder', 'de Groot', 'Bos', 'Vos', 'Peters', 'Hendriks',
  'van Leeuwen', 'Dekker', 'Brouwer', 'de Wit', 'Dijkstra', 'Smits', 'de Graaf', 'van der Meer',
  'Kok', 'Jacobs', 'de Haan', 'Vermeulen', 'van den Heuvel', 'Yilmaz', 'El Amrani', 'Kaya',
];
const INITIALS = 'ABCDEFGHIJKLMNPRSTWY';
const EDUCATION = ['vmbo', 'mbo 2', 'mbo 4', 'havo', 'hbo', 'wo'];

/** A small seeded generator (mulberry32): the same seed gives the same people on every machine. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Nine digits that pass the eleven-test: 9*d1 + 8*d2 + ... + 2*d8 - d9 is a multiple of 11. */
function bsn(next: () => number): string {
  for (;;) {
    const digits = Array.from({ length: 8 }, (_, i) => (i === 0 ? 1 + Math.floor(next() * 9) : Math.floor(next() * 10)));
    const sum = digits.reduce((acc, d, i) => acc + d * (9 - i), 0);
    const last = sum % 11;
    if (last <= 9) return [...digits, last].join('');
  }
}

export function makeJobSeekers(count = 3000, seed = 2016): JobSeeker[] {
  const next = random(seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)] as T;
  const day = (from: number, span: number): string =>
    new Date(Date.UTC(from, 0, 1) + Math.floor(next() * span) * 86_400_000).toISOString().slice(0, 10);
  return Array.from({ length: count }, (_, i) => {
    const surname = pick(SURNAMES);
    const initials = `${pick([...INITIALS])}.${next() < 0.4 ? `${pick([...INITIALS])}.` : ''}`;
    const place = PLACES[i % PLACES.length] as string;
    return {
      id: `js-${String(i + 1).padStart(5, '0')}`,
      initials,
      surname,
      bsn: bsn(next),
      birthDate: day(1956, 365 * 45),
      gender: next() < 0.5 ? 'M' : 'V',
      postcode: `${1000 + Math.floor(next() * 8999)} ${pick(['AB', 'CD', 'EF', 'GH', 'KL', 'MN', 'PR', 'ST'])}`,
      place,
      email: `${initials.replace(/\./g, '').toLowerCase()}.${surname.replace(/ /g, '').toLowerCase()}${i + 1}@voorbeeld.nl`,
      sector: pick(SECTORS),
      education: pick(EDUCATION),
      firstWwDay: day(2015, 600),
    };
  });
}

const CSV_COLUMNS: [string, keyof JobSeeker][] = [
  ['Rij-ID', 'id'], ['Voorletters', 'initials'], ['Achternaam', 'surname'], ['BSN', 'bsn'],
  ['Geboortedatum', 'birthDate'], ['Geslacht', 'gender'], ['Postcode', 'postcode'], ['Woonplaats', 'place'],
  ['E-mail', 'email'], ['Beroepssector', 'sector'], ['Opleidingsniveau', 'education'], ['Eerste WW-dag', 'firstWwDay'],
];

/** The export a caseworker makes to decide who gets the message: exactly the file that leaked. */
export function exportCsv(people: readonly JobSeeker[]): string {
  const lines = [CSV_COLUMNS.map(([header]) => header).join(';')];
  for (const person of people) lines.push(CSV_COLUMNS.map(([, key]) => person[key]).join(';'));
  return `${lines.join('\r\n')}\r\n`;
}
