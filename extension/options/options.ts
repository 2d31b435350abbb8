// Options: proxy URL, the user's token, language. A field set by the organisation's policy
// (storage.managed) is shown disabled with a note, and the background refuses to change it.
import type { Settings } from '../../shared/messages.js';
import { SETTING_KEYS, type ResolvedSettings } from '../../shared/settings.js';
import { askBackground } from '../ask-background.js';
import { byId } from '../ui/element.js';
import { resolveLanguage, translator } from '../ui/i18n.js';

type Field = HTMLInputElement | HTMLSelectElement;

const form = byId<HTMLFormElement>('form');
const status = byId('status');

function show({ settings, locked }: ResolvedSettings): void {
  const t = translator(settings.language);
  document.documentElement.lang = resolveLanguage(settings.language);
  document.title = t('options_title');
  byId('title').textContent = t('options_title');
  byId('save').textContent = t('options_save');
  byId<HTMLOptionElement>('language').querySelector('option[value=auto]')!.textContent = t('options_languageAuto');
  for (const key of SETTING_KEYS) {
    const field = byId<Field>(key);
    field.value = settings[key];
    field.disabled = locked.includes(key);
    byId(`${key}-label`).textContent = t(`options_${key}`);
    const note = byId(`${key}-note`);
    note.textContent = field.disabled ? t('options_locked') : t(`options_${key}Help`);
    note.classList.toggle('locked', field.disabled);
  }
}

function report(text: string, isError: boolean): void {
  status.textContent = text;
  status.classList.toggle('error', isError);
}

form.addEventListener('submit', async (event) => {
  event.preventDefault();
  const changes: Partial<Record<keyof Settings, string>> = {};
  for (const key of SETTING_KEYS) {
    const field = byId<Field>(key);
    if (!field.disabled) changes[key] = field.value.trim();
  }
  try {
    const resolved = await askBackground({ type: 'save-settings', settings: changes as Partial<Settings> });
    show(resolved);
    const t = translator(resolved.settings.language);
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

show(await askBackground({ type: 'get-settings' }));
