// What an organisation, product or place carries and a person's name does not: legal forms,
// words of trade, acronyms. Lower case, without dots, as `vocabularyKey` turns a cell into.

/** Legal forms, written without dots and spaces: 'B.V.' -> 'bv', 'V.O.F.' -> 'vof', 'S.A.' -> 'sa'. */
export const LEGAL_FORMS: ReadonlySet<string> = new Set([
  'bv', 'nv', 'vof', 'cv', 'stichting', 'vereniging', 'gemeente', 'provincie', 'waterschap', 'cooperatie', 'coop',
  'gmbh', 'ag', 'kg', 'ohg', 'ev', 'ltd', 'limited', 'plc', 'llc', 'llp', 'inc', 'incorporated', 'corp',
  'corporation', 'co', 'company', 'sa', 'sas', 'sarl', 'srl', 'spa', 'sl', 'ab', 'as', 'asa', 'oy', 'bvba', 'vzw',
  'holding', 'holdings', 'group', 'groep', 'gruppe', 'groupe',
]);

/** Words of organisations, products and trade that are no part of a person's name. */
export const ORGANISATION_WORDS: ReadonlySet<string> = new Set([
  'distribution', 'services', 'service', 'systems', 'solutions', 'international', 'transport', 'logistics',
  'logistiek', 'bank', 'university', 'universiteit', 'hogeschool', 'school', 'college', 'hotel', 'restaurant',
  'ziekenhuis', 'hospital', 'zorggroep', 'bouwbedrijf', 'supermarkt', 'winkel', 'shop', 'store', 'gaz', 'gas',
  'energie', 'energy', 'electric', 'telecom', 'media', 'consultancy', 'consulting', 'partners', 'industries',
  'industrie', 'techniek', 'installatietechniek', 'afdeling', 'department', 'ministerie', 'ministry', 'office',
  'kantoor', 'vestiging', 'team', 'dienst', 'bureau', 'centre', 'center', 'centrum', 'institute', 'instituut',
  'foundation', 'association', 'club', 'fabriek', 'factory', 'werken', 'management', 'software', 'products',
  'product', 'total', 'totaal', 'subtotaal', 'subtotal', 'overig', 'overige', 'other', 'others', 'onbekend', 'unknown',
]);

/** A cell's text as the vocabularies hold it: lower case, no accents, words between single spaces, no dots. */
export function vocabularyKey(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/\./g, '')
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();
}
