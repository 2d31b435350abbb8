// E-mail addresses (leaks 4 and 5).
import type { CellValue } from '../types.js';
import type { Recognizer } from './types.js';

const EMAIL = /^[^\s@]+@[^\s@]+\.[a-z]{2,}$/i;

export const email: Recognizer = {
  id: 'email',
  category: 'direct-identifier',
  headers: { nl: ['e mail', 'email', 'e mailadres', 'emailadres', 'mailadres'], en: ['e mail address', 'email address', 'mail'] },
  needsHeader: false,
  matches: (value: CellValue) =>
    typeof value === 'string' && value.length <= 254 && value.includes('@') && EMAIL.test(value.trim()),
  examples: {
    values: {
      positive: ['j.jansen@example.nl', 'piet+werk@mail.example.com', ' a@b.co '],
      negative: ['jansen@', '@example.nl', 'j jansen@example.nl', 'example.nl', 'a@b', null, 42],
    },
    headers: { positive: ['E-mail', 'Emailadres', 'E-mailadres', 'Email address'], negative: ['Mailing', 'Maildatum'] },
  },
};
