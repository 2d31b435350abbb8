// Names of people (every leak; leak 9 was surnames and row-IDs). Capitalised words look like
// names but also like places and products ('Bureaustoel'), so without a header that says 'naam'
// the column needs what only Dutch personal names have: lower-case tussenvoegsels ('de Vries',
// 'Jan van der Berg', 'Vries, de') or initials ('J. Jansen') in a good part of its values. Header
// or not, a column is no list of people when a fifth of it are places, organisations or products
// (airports under 'Code name', 'Gaz de France Distribution', 'Hoekstra B.V.', 'GRT Gaz') or when
// one value fills most of it.
import type { CellValue } from '../types.js';
import type { Recognizer } from './types.js';
import { LEGAL_FORMS, ORGANISATION_WORDS, vocabularyKey } from './lib/organisations.js';
import { PLACE_WORDS, PLACES } from './lib/places.js';
import { dominantShare } from './lib/repetition.js';

// Surnames with tussenvoegsels and double names ('van der Berg', "'t Hart", 'Jansen-de Vries'),
// first names, initials ('J.P.', 'A. B.'), and a tussenvoegsel column on its own ('van der').
const WORD = "[A-ZÀ-ÖØ-Þ][a-zß-öø-ÿ'’]+(?:-(?:[a-z]+ )*[A-ZÀ-ÖØ-Þ][a-zß-öø-ÿ'’]+)?";
const PARTICLE = "(?:van|de|der|den|het|ter|ten|te|in|op|'t|d'|la|le|du|von|zu|di|da|dos|el|al)";
const NAME = new RegExp(
  `^(?:(?:[A-Z]\\. ?)+(?:\\s+|$))?(?:${PARTICLE}\\s+)*${WORD}(?:,?\\s+(?:${PARTICLE}\\s+)*${WORD}){0,3}(?:,\\s*(?:[A-Z]\\. ?)+)?(?:,?\\s+${PARTICLE})*$`,
);
const INITIALS = /^(?:[A-Z]\.\s?){1,5}$/;
const PARTICLES_ONLY = new RegExp(`^${PARTICLE}(?:\\s+${PARTICLE}){0,2}$`, 'i');

// Particles that start or sit inside a name but hardly ever a place ('Bergen op Zoom').
const NAME_PARTICLE = "(?:van|de|der|den|het|ter|ten|te|'t)";
const TELLING = new RegExp(
  `^(?:(?:[A-Z]\\.\\s?)+\\s*${WORD}|${NAME_PARTICLE}\\s|${WORD}\\s+${NAME_PARTICLE}\\s|${WORD},\\s*(?:${NAME_PARTICLE}|[A-Z]\\.))`,
);
/** Share of a headerless column's values that must carry a tussenvoegsel or initials. */
const TELLING_SHARE = 0.15;
/**
 * Share of a column's values that are places, organisations or products ('Aalborg', 'Gaz de
 * France Distribution', 'GRT Gaz') above which it is no column of names, header or not. A few
 * people are called 'Kampen' or 'Sydney'; a fifth of a column is not.
 */
const LOOKALIKE_SHARE = 0.2;
/** A column mostly of one value names one company or place, not many people. */
const DOMINANT_SHARE = 0.5;
const REPEATS_FROM = 5;
/** Distinct values judged during one column check; the column is judged on them. */
const MAX_KNOWN = 4096;

const TELLING_BIT = 1;
const LOOKALIKE_BIT = 2;
// Capitals without a vowel ('GRT', 'KLM', 'KPN'): no name is spelled so, while 'Jan JANSEN' and
// 'BOS Anna' are names written the French way.
const ACRONYM = /(?:^|[\s(])[BCDFGHJKLMNPQRSTVWXZ]{3,6}(?=$|[\s),])/;

/** Whether a name-shaped text is a place, an organisation or a product instead. */
export function isLookalike(text: string): boolean {
  const key = vocabularyKey(text);
  if (PLACES.has(key)) return true;
  const words = key.split(' ');
  // 'Stockholm Arlanda', 'Aberdeen Dyce': a city and its airport or district.
  if (words.length > 1 && PLACES.has(words[0]!)) return true;
  for (let i = 0; i < words.length; i++) {
    const word = words[i]!;
    if (ORGANISATION_WORDS.has(word) || (words.length > 1 && PLACE_WORDS.has(word))) return true;
    // Two- and three-letter forms ('BV', 'S.A.') only at the end: at the start they are initials.
    if (LEGAL_FORMS.has(word) && (word.length > 3 || (i === words.length - 1 && i > 0))) return true;
  }
  return ACRONYM.test(text);
}

function judge(value: CellValue): number {
  if (typeof value !== 'string') return 0;
  const text = value.trim();
  return (TELLING.test(text) ? TELLING_BIT : 0) | (isLookalike(text) ? LOOKALIKE_BIT : 0);
}

/** Some systems export names in capitals ('DE VRIES'): judged as 'De Vries'. */
function unshouted(text: string): string {
  if (text !== text.toUpperCase()) return text;
  return text.toLowerCase().replace(/(^|[\s.'’-])([a-zß-ÿ])/g, (_, before: string, letter: string) => before + letter.toUpperCase());
}

function isName(value: CellValue): boolean {
  if (typeof value !== 'string' || value.length < 2 || value.length > 60) return false;
  const trimmed = unshouted(value.trim());
  return NAME.test(trimmed) || INITIALS.test(trimmed) || PARTICLES_ONLY.test(trimmed);
}

export const personName: Recognizer = {
  id: 'person-name',
  category: 'direct-identifier',
  label: { nl: { one: 'naam', other: 'namen' }, en: { one: 'name', other: 'names' } },
  headers: {
    nl: [
      'naam', 'achternaam', 'voornaam', 'voornamen', 'voorletters', 'tussenvoegsel', 'roepnaam',
      'geslachtsnaam', 'volledige naam', 'naam klant', 'klantnaam', 'werkzoekende', 'achternaam partner',
    ],
    en: ['name', 'surname', 'last name', 'family name', 'first name', 'given name', 'initials', 'full name'],
  },
  needsHeader: false,
  thresholds: { shareWithHeader: 0.6, shareWithoutHeader: 0.9 },
  matches: isName,
  columnCheck(column, byHeader) {
    // A value may still be listed more than once (a column too varied to tally comes row by row):
    // each distinct one is judged once, up to a bound.
    const known = new Map<CellValue, number>();
    let telling = 0;
    let lookalike = 0;
    let judged = 0;
    column.values.forEach((value, index) => {
      let bits = known.get(value);
      if (bits === undefined) {
        if (known.size >= MAX_KNOWN) return;
        bits = judge(value);
        known.set(value, bits);
      }
      const times = column.times(index);
      judged += times;
      if (bits & TELLING_BIT) telling += times;
      if (bits & LOOKALIKE_BIT) lookalike += times;
    });
    if (lookalike > LOOKALIKE_SHARE * judged) return false;
    if (column.total >= REPEATS_FROM && dominantShare(column) > DOMINANT_SHARE) return false;
    return byHeader || telling >= TELLING_SHARE * judged;
  },
  examples: {
    values: {
      positive: ['Jansen', 'de Vries', 'van der Berg', 'Jansen-de Vries', "'t Hart", 'J.P.', 'A. B.', 'Jan Jansen', 'J. de Vries', 'Özdemir', 'van', 'Vries, de', 'Müller', 'DE VRIES', 'J.P. JANSEN'],
      negative: [
        { value: 'JANSEN 123', reason: 'digits in it' },
        { value: 'VAC-2018', reason: 'a code' },
        { value: 'jansen@example.nl', reason: 'an e-mail address' },
        { value: '123', reason: 'a number' },
        { value: 'Bureaustoel Ergo 3000', reason: 'a product with a type number' },
        { value: 'a', reason: 'one letter' },
        { value: '', reason: 'empty' },
        { value: null, reason: 'empty' },
        { value: 42, reason: 'a number' },
      ],
    },
    headers: {
      positive: ['Naam', 'Achternaam', 'Voorletters', 'Tussenvoegsel', 'Surname', 'First name', 'Naam klant'],
      negative: [
        { value: 'Productnaam', reason: 'the name of a product' },
        { value: 'Bedrijfsnaam', reason: 'the name of a company' },
        { value: 'Naam werkgever', reason: 'an employer' },
        { value: 'Straatnaam', reason: 'a street' },
        { value: 'Vacaturenaam', reason: 'a vacancy' },
      ],
    },
    columns: {
      positive: [
        { values: ['de Vries', 'Jansen', 'Bakker', 'van den Berg', 'Visser', 'Smit'], byHeader: false },
        { values: ['Jansen', 'Bakker', 'Visser', 'Smit', 'Kampen', 'Meijer', 'Mulder', 'Bos', 'Vos', 'Peters'], byHeader: true },
        { values: ['Jan Jansen', 'Sanne de Vries', 'Kees Bakker', 'Emma Visser', 'Noor Smit', 'Daan Mulder'], byHeader: true },
        { values: ['Jan JANSEN', 'Anna BOS', 'Kees KOK', 'Emma VOS', 'BAKKER Sanne', 'Daan DE VRIES'], byHeader: true },
        { values: ['Sofia de Vries', 'Sofia Jansen', 'Florence Bakker', 'Emma Visser', 'Noor Smit'], byHeader: true },
      ],
      negative: [
        { values: ['Jansen', 'Bakker', 'Visser', 'Smit', 'Meijer', 'Mulder'], byHeader: false, reason: 'capitalised words without a header, none with a tussenvoegsel or initials: they could be anything' },
        { values: ['Aalborg', 'Aarhus Tirstrup', 'Hong Kong International', 'Anapa', 'Altay', 'Arrabury', 'Aranuka'], byHeader: true, reason: "airports and cities under a header 'Code name'" },
        { values: ['Gaz de France Distribution', 'Gaz de France Distribution', 'Gaz de France Distribution', 'GRT Gaz', 'Gaz de France Distribution', 'Bonneville'], byHeader: false, reason: "a company, repeated: 'de' makes no surname of it" },
        { values: ['Hoekstra B.V.', 'Stichting De Brug', 'Gemeente Utrecht', 'Jansen & Zn V.O.F.', 'Bakker Holding', 'Visser GmbH'], byHeader: true, reason: 'legal forms: organisations' },
        { values: ['Jan Jansen', 'Jan Jansen', 'Jan Jansen', 'Jan Jansen', 'Jan Jansen', 'Kees Bakker'], byHeader: true, reason: "one name repeated: a contact person's name on every row, not a list of people" },
        { values: ['Amsterdam', 'Rotterdam', 'Den Haag', 'Utrecht', 'Tilburg', 'Jansen'], byHeader: true, reason: 'municipalities' },
        { values: ['GRT Gaz', 'KLM Cargo', 'KPN Zakelijk', 'Jansen', 'Bakker', 'NS Reizigers'], byHeader: true, reason: "companies by their acronyms ('GRT', 'KLM', 'KPN'): capitals without a vowel spell no name" },
      ],
    },
  },
};
