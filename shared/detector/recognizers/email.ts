// E-mail addresses (leaks 4 and 5). An address is personal when it belongs to a person
// ('j.jansen@', 'fatima.yilmaz12@'); a team's, a desk's or a company's ('team.tilburg@',
// 'info@', 'acces-reseau@') is contact data of an organisation, and so is one address repeated
// down a column.
import type { CellValue } from '../types.js';
import type { Recognizer } from './types.js';
import { dominantShare } from './lib/repetition.js';

const EMAIL = /^[^\s@]+@[^\s@]+\.[a-z]{2,}$/i;

/** Words of a local part that name a function, not a person. */
const FUNCTIONAL = new Set([
  'info', 'informatie', 'team', 'teams', 'contact', 'service', 'services', 'support', 'helpdesk', 'servicedesk',
  'klantenservice', 'admin', 'administratie', 'administration', 'office', 'kantoor', 'secretariaat', 'secretariat',
  'receptie', 'reception', 'balie', 'post', 'postbus', 'mail', 'noreply', 'no', 'reply', 'sales', 'verkoop',
  'inkoop', 'hr', 'pz', 'personeelszaken', 'facturen', 'factuur', 'invoice', 'invoices', 'finance', 'financien',
  'webmaster', 'postmaster', 'afdeling', 'bureau', 'vestiging', 'algemeen', 'general', 'enquiries', 'accounts',
  'billing', 'marketing', 'communicatie', 'pers', 'press', 'jobs', 'vacatures', 'werkgeversservicepunt', 'wsp',
  'planning', 'acces', 'access', 'reseau', 'accueil', 'distribution', 'servicepunt', 'loket', 'meldpunt',
  'privacy', 'security', 'it', 'ict', 'facilitair', 'bestellingen', 'orders', 'order',
]);

function isEmail(value: CellValue): boolean {
  return typeof value === 'string' && value.length <= 254 && value.includes('@') && EMAIL.test(value.trim());
}

/**
 * A word of FUNCTIONAL between separators, trailing digits allowed ('team2'): one native test per
 * address, where splitting it and looking each word up cost a tenth of the leak-4 analysis.
 */
const FUNCTIONAL_WORD = new RegExp(`(?:^|[._+-])(?:${[...FUNCTIONAL].join('|')})\\d*(?:[._+-]|$)`);

/** Whether the part before '@' names a function ('team.tilburg', 'info', 'acces-reseau-accueil'). */
export function isFunctional(address: string): boolean {
  const trimmed = address.trim();
  return FUNCTIONAL_WORD.test(trimmed.slice(0, trimmed.indexOf('@')).toLowerCase());
}

/** A column of mostly functional addresses is an organisation's contact list. */
const FUNCTIONAL_SHARE = 0.5;
/** A column mostly of one address is one contact, not a list of people. */
const DOMINANT_SHARE = 0.5;
const REPEATS_FROM = 5;

export const email: Recognizer = {
  id: 'email',
  category: 'direct-identifier',
  label: { nl: { one: 'e-mailadres', other: 'e-mailadressen' }, en: { one: 'e-mail address', other: 'e-mail addresses' } },
  headers: { nl: ['e mail', 'email', 'e mailadres', 'emailadres', 'mailadres'], en: ['e mail address', 'email address', 'mail'] },
  needsHeader: false,
  valueProvesItself: true,
  matches: isEmail,
  columnCheck(column) {
    let addresses = 0;
    let functional = 0;
    column.values.forEach((value, index) => {
      if (!isEmail(value)) return;
      const times = column.times(index);
      addresses += times;
      if (isFunctional(value as string)) functional += times;
    });
    if (functional > FUNCTIONAL_SHARE * addresses) return false;
    return column.total < REPEATS_FROM || dominantShare(column) <= DOMINANT_SHARE;
  },
  examples: {
    values: {
      positive: ['j.jansen@example.nl', 'piet+werk@mail.example.com', ' a@b.co ', 'team.tilburg@organisatie.nl'],
      negative: [
        { value: 'jansen@', reason: 'no domain' },
        { value: '@example.nl', reason: 'no local part' },
        { value: 'j jansen@example.nl', reason: 'a space inside' },
        { value: 'example.nl', reason: 'a domain only' },
        { value: 'a@b', reason: 'no top-level domain' },
        { value: null, reason: 'empty' },
        { value: 42, reason: 'a number' },
      ],
    },
    headers: {
      positive: ['E-mail', 'Emailadres', 'E-mailadres', 'Email address'],
      negative: [
        { value: 'Mailing', reason: 'a mailing, not an address' },
        { value: 'Maildatum', reason: 'a date' },
      ],
    },
    columns: {
      positive: [
        { values: ['j.jansen@example.nl', 'fatima.yilmaz12@gmail.com', 'kees@bakker.nl', 'info@bakker.nl'], byHeader: true },
        { values: ['sanne.devries@hotmail.com', 'daan.mulder3@ziggo.nl', 'jacquesliaubet@example.fr'], byHeader: false },
        { values: ['steam.jansen@example.nl', 'martin.hrabal@example.nl', 'itzel.ortiz@example.nl', 'noah.bakker@example.nl'], byHeader: false },
      ],
      negative: [
        { values: ['team.tilburg@organisatie.nl', 'team.breda@organisatie.nl', 'info@organisatie.nl', 'helpdesk@organisatie.nl'], byHeader: true, reason: "teams and desks ('team.place@', 'info@'): an organisation's contact data" },
        { values: ['team2.breda@organisatie.nl', 'info3@organisatie.nl', 'no-reply@organisatie.nl', 'Orders_NL@organisatie.nl'], byHeader: true, reason: 'function words with digits, hyphens, underscores or capitals are still function words' },
        { values: Array.from({ length: 9 }, (_, i) => (i === 4 ? 'marc.bouillant@example.fr' : 'dispatch@gazdefrance.example')), byHeader: false, reason: "one company's address repeated down the column" },
      ],
    },
  },
};
