// A blocking verdict told to a caseworker, the same in the block dialog and in `export-guard scan`:
// one sentence first ("Dit bestand bevat gegevens van 11.062 mensen (BSN, namen, geboortedata) en
// mag niet als bijlage mee."), then the details: why, and what was found, each column once, by its
// header (its letter beside it) and where it is. Names columns, sheets and counts, never a value.
import { counted, formatCount, placeOf, RULE_LEADS } from './analyse/reasons.js';
import { RECOGNIZERS } from './recognizers/index.js';
import type { ColumnFinding, Verdict } from './types.js';

type Language = 'nl' | 'en';

/**
 * The kinds of data in the lead sentence, in the words of a caseworker, most telling first: a BSN
 * or a health remark says more about the file than a postcode.
 */
export const DATA_KINDS: Record<string, Record<Language, string>> = {
  bsn: { nl: 'BSN', en: 'BSN' },
  onderwijsnummer: { nl: 'onderwijsnummers', en: 'education numbers' },
  'special-category': { nl: 'gezondheidsgegevens', en: 'health data' },
  'person-name': { nl: 'namen', en: 'names' },
  'birth-date': { nl: 'geboortedata', en: 'dates of birth' },
  email: { nl: 'e-mailadressen', en: 'e-mail addresses' },
  phone: { nl: 'telefoonnummers', en: 'phone numbers' },
  'client-id': { nl: 'klantnummers', en: 'client numbers' },
  iban: { nl: 'rekeningnummers', en: 'bank account numbers' },
  postcode: { nl: 'postcodes', en: 'postcodes' },
  place: { nl: 'woonplaatsen', en: 'places of residence' },
  benefit: { nl: 'uitkeringsgegevens', en: 'benefit data' },
  age: { nl: 'leeftijden', en: 'ages' },
  gender: { nl: 'geslacht', en: 'gender' },
};
/** Kinds named in the lead sentence; more are "and more". */
const NAMED_KINDS = 3;

const PRIORITY = Object.keys(DATA_KINDS);
const LABELS = new Map(RECOGNIZERS.map((recognizer) => [recognizer.id, recognizer.label]));

const TEXT = {
  nl: {
    people: (count: string, kinds: string) => `Dit bestand bevat gegevens van ${count} ${count === '1' ? 'persoon' : 'mensen'}${kinds} en mag niet als bijlage mee.`,
    blocked: 'Dit bestand mag niet als bijlage mee.',
    and: 'en',
    more: 'meer',
  },
  en: {
    people: (count: string, kinds: string) => `This file holds data about ${count} ${count === '1' ? 'person' : 'people'}${kinds} and may not be attached.`,
    blocked: 'This file may not be attached.',
    and: 'and',
    more: 'more',
  },
};

/** People in the file: the fullest column that identified someone (a BSN or surname column). */
export function peopleCount(verdict: Pick<Verdict, 'findings'>): number {
  return Math.max(0, ...verdict.findings.map((finding) => finding.values));
}

function kindName(entity: string, language: Language): string {
  return DATA_KINDS[entity]?.[language] ?? LABELS.get(entity)?.[language].other ?? entity;
}

/** "BSN, namen en geboortedata", "BSN, namen, geboortedata en meer". */
function kindsFound(findings: readonly ColumnFinding[], language: Language): string {
  const rank = (entity: string) => (PRIORITY.includes(entity) ? PRIORITY.indexOf(entity) : PRIORITY.length);
  const entities = [...new Set(findings.map((finding) => finding.entity))].sort((a, b) => rank(a) - rank(b));
  const named = entities.slice(0, NAMED_KINDS).map((entity) => kindName(entity, language));
  if (entities.length > NAMED_KINDS) return `${named.join(', ')} ${TEXT[language].and} ${TEXT[language].more}`;
  return named.length > 1 ? `${named.slice(0, -1).join(', ')} ${TEXT[language].and} ${named.at(-1)}` : (named[0] ?? '');
}

/**
 * The one sentence a caseworker reads first. A file blocked without people found in it (it could
 * not be read) is told by its first reason, which says why.
 */
export function leadSentence(verdict: Pick<Verdict, 'findings' | 'reasons'>, language: Language): string {
  const people = peopleCount(verdict);
  if (people === 0) return verdict.reasons[0]?.[language] ?? TEXT[language].blocked;
  const kinds = kindsFound(verdict.findings, language);
  return TEXT[language].people(formatCount(people, language), kinds ? ` (${kinds})` : '');
}

/**
 * Why the file is blocked, each rule once and without its columns (those are listed once, by
 * columnsFound). A file that could not be read: its reasons after the one the lead sentence told.
 */
export function whyBlocked(verdict: Pick<Verdict, 'findings' | 'reasons'>, language: Language): string[] {
  if (peopleCount(verdict) === 0) return verdict.reasons.slice(1).map((reason) => reason[language]);
  // A rule of the policy's own has no lead of ours: its reason, in its own words, says why.
  const leads = verdict.reasons.map((reason) => RULE_LEADS[reason.code]?.[language] ?? reason[language]);
  return [...new Set(leads.filter(Boolean))];
}

export interface FoundPlace {
  /** "Op blad 'Export' in 'selectie.xlsx'", a heading; '' for the file itself. */
  place: string;
  /** "'Opmerking' (kolom F): 45 vermeldingen van ...", each column once. */
  columns: string[];
}

/** What was found, each column once, grouped by where it is. */
export function columnsFound(verdict: Pick<Verdict, 'findings'>, language: Language): FoundPlace[] {
  const places = new Map<string, Map<string, string>>();
  for (const finding of verdict.findings) {
    const place = placeOf(finding, language);
    const columns = places.get(place) ?? new Map<string, string>();
    // A sheet read two ways (as it stands and on its side) may find a column twice: it is told once.
    columns.set(columnLabel(finding, language), `${columnLabel(finding, language)}: ${counted(finding, language)}`);
    places.set(place, columns);
  }
  return [...places].map(([place, columns]) => ({ place: place.slice(0, 1).toUpperCase() + place.slice(1), columns: [...columns.values()] }));
}

/** "'Opmerking' (kolom F)", or "kolom F" for a column without a header. */
function columnLabel(finding: ColumnFinding, language: Language): string {
  const column = `${language === 'nl' ? 'kolom' : 'column'} ${finding.column}`;
  return finding.header ? `'${finding.header}' (${column})` : column;
}
