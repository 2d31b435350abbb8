// The extension's settings: what the user chose (storage.local) overridden by what IT set through
// enterprise policy (storage.managed). Pure, so the rule "policy wins and shows as locked" is
// tested without a browser.
import { isSupportedSitePattern } from './match-pattern.js';
import type { Settings } from './messages.js';

export const SETTING_KEYS = ['proxyUrl', 'token', 'language', 'protectedSites'] as const satisfies readonly (keyof Settings)[];

export const DEFAULT_SETTINGS: Settings = {
  proxyUrl: 'http://127.0.0.1:8080',
  token: '',
  language: 'auto',
  protectedSites: [],
};

export interface ResolvedSettings {
  settings: Settings;
  /** Keys set by policy: shown disabled, refused on save. */
  locked: (keyof Settings)[];
}

/**
 * Merges defaults, the user's values and the policy's values, in that order of precedence.
 * A stored value that is not valid is ignored (the next source decides), so a broken policy or a
 * hand-edited storage cannot leave the extension without a working proxy URL.
 */
export function resolveSettings(local: Record<string, unknown>, managed: Record<string, unknown>): ResolvedSettings {
  const settings: Settings = { ...DEFAULT_SETTINGS };
  const locked: (keyof Settings)[] = [];
  for (const key of SETTING_KEYS) {
    const fromUser = checkSetting(key, local[key]);
    const fromPolicy = checkSetting(key, managed[key]);
    if (fromPolicy.ok) {
      assign(settings, key, fromPolicy.value);
      locked.push(key);
    } else if (fromUser.ok) {
      assign(settings, key, fromUser.value);
    }
  }
  return { settings, locked };
}

/**
 * Validates what the options page wants to save. Throws an Error that says which field is wrong
 * and why; unknown keys are refused rather than silently dropped.
 */
export function parseSettingsPatch(patch: Record<string, unknown>, locked: readonly (keyof Settings)[]): Partial<Settings> {
  const parsed: Partial<Settings> = {};
  for (const [key, value] of Object.entries(patch)) {
    if (!isSettingKey(key)) throw new Error(`Unknown setting "${key}"`);
    if (locked.includes(key)) throw new Error(`"${key}" is set by your organisation's policy and cannot be changed`);
    const checked = checkSetting(key, value);
    if (!checked.ok) throw new Error(`"${key}": ${checked.problem}`);
    assign(parsed, key, checked.value);
  }
  return parsed;
}

type Checked<K extends keyof Settings> = { ok: true; value: Settings[K] } | { ok: false; problem: string };

function checkSetting<K extends keyof Settings>(key: K, value: unknown): Checked<K> {
  if (value === undefined) return { ok: false, problem: 'missing' };
  if (key === 'protectedSites') return checkSites(value) as Checked<K>;
  if (typeof value !== 'string') return { ok: false, problem: 'must be text' };
  switch (key) {
    case 'proxyUrl':
      return isHttpUrl(value)
        ? { ok: true, value: value.replace(/\/+$/, '') as Settings[K] }
        : { ok: false, problem: 'must be an http:// or https:// URL, e.g. https://proxy.office.example' };
    case 'token':
      return /^[\x21-\x7e]*$/.test(value)
        ? { ok: true, value: value as Settings[K] }
        : { ok: false, problem: 'must be printable ASCII without spaces (it travels in an HTTP header)' };
    case 'language':
      return value === 'auto' || value === 'nl' || value === 'en'
        ? { ok: true, value: value as Settings[K] }
        : { ok: false, problem: 'must be auto, nl or en' };
  }
  return { ok: false, problem: 'unknown setting' };
}

function checkSites(value: unknown): Checked<'protectedSites'> {
  if (!Array.isArray(value)) return { ok: false, problem: 'must be a list of match patterns' };
  const wrong = value.find((site) => typeof site !== 'string' || !isSupportedSitePattern(site));
  return wrong === undefined
    ? { ok: true, value: [...new Set(value as string[])] }
    : { ok: false, problem: `${JSON.stringify(wrong)} is not an http(s) match pattern like https://werkmap.example.nl/*` };
}

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.search === '' && url.hash === '';
  } catch {
    return false;
  }
}

function isSettingKey(key: string): key is keyof Settings {
  return (SETTING_KEYS as readonly string[]).includes(key);
}

function assign<K extends keyof Settings>(target: Partial<Settings>, key: K, value: Settings[K]): void {
  target[key] = value;
}
