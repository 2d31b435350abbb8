// Texts for the extension's own UI in the language the user chose (options: auto, nl, en).
// browser.i18n alone cannot honour that choice (it always follows the browser's language), so the
// same _locales files are bundled and looked up here; 'auto' follows the browser as i18n would.
import browser from 'webextension-polyfill';
import en from '../_locales/en/messages.json' with { type: 'json' };
import nl from '../_locales/nl/messages.json' with { type: 'json' };
import type { Settings } from '../../shared/messages.js';

type Catalogue = Record<string, { message: string }>;
const catalogues: Record<'nl' | 'en', Catalogue> = { nl, en };

export type Translate = (key: string, ...substitutions: (string | number)[]) => string;

export function resolveLanguage(language: Settings['language']): 'nl' | 'en' {
  if (language !== 'auto') return language;
  // Dutch is the default (default_locale); English where the browser speaks English.
  return browser.i18n.getUILanguage().toLowerCase().startsWith('en') ? 'en' : 'nl';
}

export function translator(language: Settings['language']): Translate {
  const catalogue = catalogues[resolveLanguage(language)];
  return (key, ...substitutions) => {
    const template = catalogue[key]?.message ?? catalogues.nl[key]?.message ?? key;
    return template.replace(/\$(\d)/g, (_, n: string) => String(substitutions[Number(n) - 1] ?? ''));
  };
}
