// Names of people (every leak; leak 9 was surnames and row-IDs). Capitalised words look like
// names but also like places and products ('Bureaustoel'), so without a header that says 'naam'
// the column needs what only Dutch personal names have: lower-case tussenvoegsels ('de Vries',
// 'Jan van der Berg', 'Vries, de') or initials ('J. Jansen') in a good part of its values.
import type { CellValue } from '../types.js';
import type { Recognizer } from './types.js';

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
/** Distinct values whose telling-ness is remembered during one column check. */
const MAX_KNOWN = 4096;

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
  headerSkipsColumnCheck: true,
  columnCheck(column) {
    // A value may still be listed more than once (a column too varied to tally comes row by row):
    // each distinct one is tested once, up to a bound.
    const known = new Map<CellValue, boolean>();
    let telling = 0;
    column.values.forEach((value, index) => {
      let isTelling = known.get(value);
      if (isTelling === undefined) {
        isTelling = typeof value === 'string' && TELLING.test(value.trim());
        if (known.size < MAX_KNOWN) known.set(value, isTelling);
      }
      if (isTelling) telling += column.times(index);
    });
    return telling >= TELLING_SHARE * column.total;
  },
  examples: {
    values: {
      positive: ['Jansen', 'de Vries', 'van der Berg', 'Jansen-de Vries', "'t Hart", 'J.P.', 'A. B.', 'Jan Jansen', 'J. de Vries', 'Özdemir', 'van', 'Vries, de', 'Müller', 'DE VRIES', 'J.P. JANSEN'],
      negative: ['JANSEN 123', 'VAC-2018', 'jansen@example.nl', '123', 'Bureaustoel Ergo 3000', 'a', '', null, 42],
    },
    headers: {
      positive: ['Naam', 'Achternaam', 'Voorletters', 'Tussenvoegsel', 'Surname', 'First name', 'Naam klant'],
      negative: ['Productnaam', 'Bedrijfsnaam', 'Naam werkgever', 'Straatnaam', 'Vacaturenaam'],
    },
  },
};
