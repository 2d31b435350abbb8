// The built-in policy: what blocks when no policy file is given. Default stance (issue 2): a
// table that holds data about people is blocked; vacancy lists, schedules, statistics and
// catalogues pass. Each rule is evaluated per sheet.
import type { Category, Policy } from './types.js';

const MB = 1024 * 1024;
const PERSONAL: Category[] = ['direct-identifier', 'quasi-identifier', 'special-category', 'personal'];

export const DEFAULT_POLICY: Policy = {
  version: 1,
  limits: {
    maxFileBytes: 50 * MB,
    maxScanMs: 20_000,
    archive: { maxDepth: 3, maxEntries: 1000, maxInflatedBytes: 200 * MB, maxRatio: 100 },
  },
  // An archive the detector cannot open may hold anything: blocked, like any file it cannot read.
  archives: { uninspectable: 'block' },
  thresholds: {
    // Three values: a couple of chance hits (1 in 11 random numbers passes the elfproef) decide nothing.
    // Under a header that names them, one BSN is enough (the BSN recognizer's own threshold).
    minMatchesWithHeader: 3,
    minMatchesWithoutHeader: 3,
    // A header that names the entity lowers the bar: a 'BSN' column with typos is still one.
    shareWithHeader: 0.3,
    // Without a header the values alone must be convincing, far above the 1-in-11 chance rate.
    shareWithoutHeader: 0.8,
    entities: {},
  },
  rules: [
    // Leaks 1-8: one BSN column is enough, whatever else is in the file (leak 3 had nothing else).
    { id: 'bsn-column', when: { entity: 'bsn' } },
    { id: 'education-number-column', when: { entity: 'onderwijsnummer' } },
    // Health and other special categories about identifiable people (leak 5).
    {
      id: 'special-category-with-identifier',
      when: { all: [{ category: 'special-category' }, { category: ['direct-identifier', 'quasi-identifier'] }] },
    },
    // A name, e-mail, phone, IBAN or client number together with anything else about the person
    // (leak 9: surnames and row-IDs).
    {
      id: 'direct-identifier-with-personal-data',
      when: { all: [{ category: 'direct-identifier' }, { category: PERSONAL, minColumns: 2 }] },
    },
    // Singles out a person without a name: birth date or postcode with another quasi-identifier.
    // Place and postcode together are only an address, so they do not combine on their own.
    {
      id: 'quasi-identifier-combination',
      when: {
        any: [
          { all: [{ entity: 'birth-date' }, { category: 'quasi-identifier', minColumns: 2 }] },
          { all: [{ entity: 'postcode' }, { any: [{ entity: 'gender' }, { entity: 'age' }] }] },
        ],
      },
    },
    // A long list of names is a list of people even with nothing else in it; a team's schedule
    // (a few dozen first names) stays below this.
    { id: 'people-list', when: { entity: 'person-name', minMatches: 50 } },
  ],
  // Chrome match patterns ignore the port, so these cover the demo portal and the local proxy.
  protectedSites: ['http://localhost/*', 'http://127.0.0.1/*'],
  exceptions: [],
  privacyContact: { nl: 'de functionaris gegevensbescherming', en: 'the data protection officer' },
};
