// Place of residence (leaks 2, 4, 6, 7). On its own, or with a postcode, only an address; it
// counts towards a quasi-identifier combination with a birth date.
import type { CellValue } from '../types.js';
import type { Recognizer } from './types.js';

// 'Den Haag', "'s-Hertogenbosch", 'Alphen aan den Rijn', 'IJsselstein'.
const PLACE = /^(?:'s[- ])?(?:IJ|[A-ZÀ-Þ])[a-zß-ÿ'-]+(?:[- ](?:aan|den|de|op|in|het|bij|der|[A-ZÀ-Þ][a-zß-ÿ'-]+))*$/;

export const place: Recognizer = {
  id: 'place',
  category: 'quasi-identifier',
  label: {
    nl: { one: 'woonplaats', other: 'woonplaatsen' },
    en: { one: 'place of residence', other: 'places of residence' },
  },
  headers: { nl: ['woonplaats', 'plaats', 'plaatsnaam', 'gemeente', 'woongemeente'], en: ['city', 'place of residence', 'residence', 'town'] },
  needsHeader: true,
  thresholds: { shareWithHeader: 0.6 },
  matches: (value: CellValue) => typeof value === 'string' && value.length <= 40 && PLACE.test(value.trim()),
  examples: {
    values: {
      positive: ['Amsterdam', 'Den Haag', "'s-Hertogenbosch", 'Alphen aan den Rijn', 'IJsselstein', 'Bergen op Zoom'],
      negative: [
        { value: '1234 AB', reason: 'a postcode' },
        { value: 'amsterdam centrum 12', reason: 'an address with a number' },
        { value: 'Sector 3', reason: 'a number in it' },
        { value: null, reason: 'empty' },
        { value: 7, reason: 'a number' },
      ],
    },
    headers: {
      positive: ['Woonplaats', 'Plaats', 'City'],
      negative: [
        { value: 'Plaatsingsdatum', reason: 'a date of placement' },
        { value: 'Werkplek', reason: 'a workplace' },
      ],
    },
  },
};
