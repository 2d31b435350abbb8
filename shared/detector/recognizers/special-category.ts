// Health and other special categories of personal data (GDPR art. 9 and 10): leak 5 held remarks
// on mental and physical work capacity for 73 people. Found by words in the values (free-text
// remarks anywhere in a column) or by a header that names the topic (a 'Ziek' flag column).
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
  'health', 'illness', 'disabilit', 'sick', 'mental', 'medical',
  // other special categories
  'religie', 'moslim', 'islamitisch', 'christelijk', 'joods', 'etniciteit', 'etnisch', 'afkomst',
  'strafblad', 'justitie', 'detentie', 'gedetineerd', 'veroordeeld', 'reclassering', 'vakbond',
  'seksuele geaardheid', 'homoseksueel', 'politieke voorkeur', 'religion', 'ethnic', 'criminal', 'conviction',
  'trade union',
];
// Short words that would hide inside longer ones ('Wiarda'): whole words only.
const WORDS = ['wia', 'wao', 'wga', 'iva', 'ggz', 'adhd', 'vog'];
const VOCABULARY = new RegExp(
  `(?:^|[^a-z0-9])(?:${STEMS.map(escape).join('|')}|(?:${WORDS.join('|')})(?![a-z0-9]))`,
  'i',
);

function escape(stem: string): string {
  return stem.replace(/[.*+?^${}()|[\]\\-]/g, '\\$&');
}

function mentionsSpecialCategory(value: CellValue): boolean {
  return typeof value === 'string' && value.length >= 3 && VOCABULARY.test(value);
}

export const specialCategory: Recognizer = {
  id: 'special-category',
  category: 'special-category',
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
  examples: {
    values: {
      positive: [
        'Psychische klachten, beperkt belastbaar', 'ziek gemeld', 'Burn-out in 2017', 'WIA-uitkering', 'Wajong',
        'Verslavingsproblematiek', 'depressief', 'Heeft een strafblad',
      ],
      negative: ['Goed bereikbaar', 'Heeft rijbewijs B', 'Wiarda', 'Magazijnmedewerker', 'Zwiastel', null, 42],
    },
    headers: {
      positive: ['Ziek', 'Belastbaarheid', 'Medische beperking', 'Belemmeringen', 'Indicatie', 'Religie'],
      negative: ['Opmerkingen', 'Status', 'Ziekenfonds nummer'],
    },
  },
};
