// Settings as the extension sees them: the user's choices in storage.local, overridden by IT's
// enterprise policy in storage.managed (see extension/managed-schema.json and docs/extension.md).
// Outside background/: the content scripts read them too, and must not bundle the service worker.
import browser from 'webextension-polyfill';
import { parseSettingsPatch, resolveSettings, SETTING_KEYS, type ResolvedSettings } from '../shared/settings.js';

export async function loadSettings(): Promise<ResolvedSettings> {
  const [local, managed] = await Promise.all([browser.storage.local.get([...SETTING_KEYS]), readManaged()]);
  return resolveSettings(local, managed);
}

/** Saves the user's changes; throws (with the reason) on an invalid value or a locked key. */
export async function saveSettings(patch: Record<string, unknown>): Promise<ResolvedSettings> {
  const { locked } = await loadSettings();
  await browser.storage.local.set(parseSettingsPatch(patch, locked));
  return loadSettings();
}

/** Calls back with the new settings whenever the user or the policy changes one. */
export function onSettingsChanged(listener: (resolved: ResolvedSettings) => void): void {
  browser.storage.onChanged.addListener((changes, area) => {
    if (area !== 'local' && area !== 'managed') return;
    if (!SETTING_KEYS.some((key) => key in changes)) return;
    void loadSettings().then(listener);
  });
}

async function readManaged(): Promise<Record<string, unknown>> {
  try {
    return await browser.storage.managed.get([...SETTING_KEYS]);
  } catch {
    // Firefox rejects when no policy is installed for the extension: that simply means "no policy".
    return {};
  }
}

