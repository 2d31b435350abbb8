// Options: proxy URL, the user's token, language and extra protected sites. A field set by the
// organisation's policy (storage.managed) is shown disabled with a note, and the background
// refuses to change it. Below the form: every protected site in force, and a "Grant access" button
// for each one the browser has not granted yet (permissions.request needs this click).
import browser from 'webextension-polyfill';
import type { ProtectedSite, Settings } from '../../shared/messages.js';
import { SETTING_KEYS, type ResolvedSettings } from '../../shared/settings.js';
import { askBackground } from '../ask-background.js';
import { byId, h } from '../ui/element.js';
import { resolveLanguage, translator, type Translate } from '../ui/i18n.js';

type Field = HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement;

const form = byId<HTMLFormElement>('form');
const status = byId('status');
let t: Translate = translator('auto');

/** Lists are edited one item per line. */
function toField(value: Settings[keyof Settings]): string {
  return Array.isArray(value) ? value.join('\n') : value;
}

function fromField(key: keyof Settings, text: string): unknown {
  return key === 'protectedSites' ? text.split('\n').map((line) => line.trim()).filter(Boolean) : text.trim();
}

function show({ settings, locked }: ResolvedSettings): void {
  t = translator(settings.language);
  document.documentElement.lang = resolveLanguage(settings.language);
  document.title = t('options_title');
  byId('title').textContent = t('options_title');
  byId('save').textContent = t('options_save');
  byId('sites-title').textContent = t('options_sitesTitle');
  byId('sites-intro').textContent = t('options_sitesIntro');
  byId<HTMLOptionElement>('language').querySelector('option[value=auto]')!.textContent = t('options_languageAuto');
  for (const key of SETTING_KEYS) {
    const field = byId<Field>(key);
    field.value = toField(settings[key]);
    field.disabled = locked.includes(key);
    byId(`${key}-label`).textContent = t(`options_${key}`);
    const note = byId(`${key}-note`);
    note.textContent = field.disabled ? t('options_locked') : t(`options_${key}Help`);
    note.classList.toggle('locked', field.disabled);
  }
}

async function showSites(): Promise<void> {
  const { sites } = await askBackground({ type: 'protected-sites' });
  byId('sites').replaceChildren(...sites.map(siteItem));
}

function siteItem(site: ProtectedSite): HTMLElement {
  const sources = site.sources.map((source) => t(`options_source_${source}`)).join(', ');
  return h(
    'li',
    { 'data-pattern': site.pattern },
    h('code', {}, site.pattern),
    h('span', { class: 'site-source' }, sources),
    site.granted
      ? h('span', {}, t('options_siteGuarded'))
      : h('span', { class: 'site-missing' }, t('options_siteNeedsAccess')),
    !site.granted && grantButton(site.pattern),
  );
}

function grantButton(pattern: string): HTMLButtonElement {
  const button = h('button', { type: 'button', class: 'grant' }, t('options_grantAccess'));
  button.addEventListener('click', async () => {
    // Straight from the click: the browser accepts the request only within the user's gesture.
    const granted = await browser.permissions.request({ origins: [pattern] });
    byId('sites-status').textContent = granted ? '' : t('options_grantRefused', pattern);
    await showSites();
  });
  return button;
}

function report(text: string, isError: boolean): void {
  status.textContent = text;
  status.classList.toggle('error', isError);
}

form.addEventListener('submit', async (event) => {
  event.preventDefault();
  const changes: Record<string, unknown> = {};
  for (const key of SETTING_KEYS) {
    const field = byId<Field>(key);
    if (!field.disabled) changes[key] = fromField(key, field.value);
  }
  try {
    const resolved = await askBackground({ type: 'save-settings', settings: changes as Partial<Settings> });
    show(resolved);
    await showSites();
    try {
      const { me } = await askBackground({ type: 'whoami' });
      report(t('options_savedAs', me.name, me.team), false);
    } catch (error) {
      report(t('options_savedNotConnected', error instanceof Error ? error.message : String(error)), true);
    }
  } catch (error) {
    report(error instanceof Error ? error.message : String(error), true);
  }
});

// A grant or a policy change made elsewhere (another tab, IT) shows here too.
browser.permissions.onAdded.addListener(() => void showSites());
browser.permissions.onRemoved.addListener(() => void showSites());

show(await askBackground({ type: 'get-settings' }));
byId<HTMLFieldSetElement>('fields').disabled = false;
await showSites();
