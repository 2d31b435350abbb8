// Health and other special categories of personal data (GDPR art. 9 and 10): leak 5 held remarks
// on mental and physical work capacity for 73 people. Found by words in free-text remarks (anywhere
// in a column) or by a header that names the topic (a 'Ziek' flag column). Not a topic word in
// an e-mail address or a web address ('@health.example'), not a code in a column of codes
// ('WGA' among airport codes), not an organisation ('Department of Health'); a count per place
// under a header naming a benefit is statistics (analyse/context.ts).
import type { CellValue } from '../types.js';
import type { Recognizer } from './types.js';

// Word starts, so that inflections count ('ziekte', 'psychische', 'depressief'). Matched
// case-insensitively after a word boundary; accents are rare in these words.
const STEMS = [
  // health and work capacity
  'ziek', 'psych', 'belastbaar', 'arbeidsongeschikt', 'arbeidsbeperk', 'burn-out', 'burnout', 'overspannen',
  'depress', 'angststoorn', 'verslav', 'verslaafd', 'alcoholprobl', 'drugsprobl', 'medisch', 'medicatie',
  'beperking', 'handicap', 'gehandicapt', 'chronisch', 'diagnose', 'therapie', 'ziekenhuis',
  'rugklacht', 'hartklacht', 'beperkt inzetbaar', 'beperkt belastbaar', 'hernia', 'kanker', 'diabetes', 'autisme', 'wajong',
  'zwanger', 'revalid', 'arbeidsdeskund', 'bedrijfsarts', 'verzuim',
  // English: about a person's health, not a department or a product ('Department of Health', 'Medical Gases')
  'illness', 'disabilit', 'sick', 'mental health', 'mentally', 'health problem', 'health issue', 'health condition',
  'health complaint', 'poor health', 'ill health', 'medical condition', 'medical reason', 'medical certificate',
  // other special categories
  'religie', 'moslim', 'islamitisch', 'christelijk', 'joods', 'etniciteit', 'etnisch', 'afkomst',
  'strafblad', 'justitie', 'detentie', 'gedetineerd', 'veroordeeld', 'reclassering', 'vakbond',
  'seksuele geaardheid', 'homoseksueel', 'politieke voorkeur', 'ethnic', 'criminal', 'conviction',
  'trade union',
];
// Short words that would hide inside longer ones ('Wiarda', 'Religionspädagogik'): whole words only.
const WORDS = ['wia', 'wao', 'wga', 'iva', 'ggz', 'adhd', 'vog', 'religion', 'religious'];
const VOCABULARY = new RegExp(
  `(?:^|[^a-z0-9])(?:${STEMS.map(escape).join('|')}|(?:${WORDS.join('|')})(?![a-z0-9]))`,
  'i',
);
/** E-mail and web addresses inside a text: their words are names of domains, not remarks. */
const isAddress = (word: string): boolean => word.includes('@') || word.includes('://') || /www\./i.test(word);
/** A code: capitals and digits, no spaces ('WGA', 'AB12'). */
const CODE = /^[A-Z0-9_-]{1,6}$/;
/** A column mostly of codes is a code list, whatever its codes spell. */
const CODE_SHARE = 0.8;

function escape(stem: string): string {
  return stem.replace(/[.*+?^${}()|[\]\\-]/g, '\\$&');
}

function mentionsSpecialCategory(value: CellValue): boolean {
  if (typeof value !== 'string' || value.length < 3) return false;
  // Word by word, not one pattern around the address: '\S*@\S*' backtracks quadratically over a
  // long unbroken run (60 kB of base64 in an XML upload took seven seconds).
  const text = value.includes('@') || value.includes('/') || /www\./i.test(value) ? value.split(/\s+/).filter((word) => !isAddress(word)).join(' ') : value;
  return VOCABULARY.test(text);
}

export const specialCategory: Recognizer = {
  id: 'special-category',
  category: 'special-category',
  label: {
    nl: {
      one: 'vermelding van gezondheid of een ander bijzonder persoonsgegeven',
      other: 'vermeldingen van gezondheid of andere bijzondere persoonsgegevens',
    },
    en: {
      one: 'mention of health or other special-category data',
      other: 'mentions of health or other special-category data',
    },
  },
  headers: {
    nl: [
      'ziek', 'ziekte', 'ziekmelding', 'gezondheid', 'medisch', 'medische beperking', 'beperking', 'beperkingen',
      'belastbaarheid', 'arbeidsbeperking', 'arbeidsongeschikt', 'arbeidsongeschiktheid', 'belemmeringen',
      'belemmering', 'psychisch', 'indicatie', 'wia', 'wajong', 'religie', 'etniciteit', 'afkomst',
      'strafblad', 'vakbond', 'vog',
    ],
    en: ['health', 'medical', 'disability', 'sickness', 'work capacity', 'religion', 'ethnicity', 'criminal record', 'trade union'],
  },
  needsHeader: false,
  headerSuffices: true,
  // One remark is enough, wherever it is: a health note in row 90,000 matters as much as in row 1.
  thresholds: { minMatchesWithHeader: 1, minMatchesWithoutHeader: 1, shareWithHeader: 0, shareWithoutHeader: 0 },
  matches: mentionsSpecialCategory,
  headerSkipsColumnCheck: true,
  columnCheck(column) {
    let codes = 0;
    column.values.forEach((value, index) => {
      if (typeof value === 'string' && CODE.test(value.trim())) codes += column.times(index);
    });
    return codes < CODE_SHARE * column.total;
  },
  examples: {
    values: {
      positive: [
        'Psychische klachten, beperkt belastbaar', 'ziek gemeld', 'Burn-out in 2017', 'WIA-uitkering', 'Wajong',
        'Verslavingsproblematiek', 'depressief', 'Heeft een strafblad', 'Mental health issues', 'On sick leave since May',
      ],
      negative: [
        { value: 'Goed bereikbaar', reason: 'no topic word' },
        { value: 'Heeft rijbewijs B', reason: 'no topic word' },
        { value: 'Wiarda', reason: "'wia' inside a surname" },
        { value: 'Magazijnmedewerker', reason: 'no topic word' },
        { value: 'Zwiastel', reason: "'wia' inside a word" },
        { value: 'bernie.rutkay@health.example.gov', reason: 'a domain name in an e-mail address' },
        { value: 'http://example.org/docs/Healthcheck_-_CS14998.xls', reason: 'a web address' },
        { value: 'Department of Health', reason: 'an organisation' },
        { value: 'Price Schedule - Medical Gases', reason: 'a product' },
        { value: 'Lehrstuhl für Religionspädagogik', reason: "a university chair: 'religion' only as a word of its own" },
        { value: null, reason: 'empty' },
        { value: 42, reason: 'a number' },
      ],
    },
    headers: {
      positive: ['Ziek', 'Belastbaarheid', 'Medische beperking', 'Belemmeringen', 'Indicatie', 'Religie'],
      negative: [
        { value: 'Opmerkingen', reason: 'remarks may hold anything: their values decide' },
        { value: 'Status', reason: 'no topic' },
        { value: 'Ziekenfonds nummer', reason: 'an insurance number' },
      ],
    },
    columns: {
      positive: [{ values: ['Uitnodiging verstuurd', 'Belt terug', 'WIA', 'Psychisch beperkt belastbaar'], byHeader: false }],
      negative: [
        { values: ['ABD', 'AAE', 'WGA', 'AAL', 'AAR', 'HKG'], byHeader: false, reason: "airport codes: 'WGA' is a code, not a remark about someone" },
      ],
    },
  },
};
