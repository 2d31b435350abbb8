// The protected sites in force: the built-in policy's and the extension build's (both in the
// manifest, guarded from install), the proxy's policy's, and the list IT sets in managed storage.
// A site named after install is guarded only once the browser grants host access to it (optional
// host permissions): permissions.request needs a user gesture, so the options page asks; an
// enterprise install may have granted it already. Listeners (the content-script registration and
// the token header) get the granted patterns whenever that set changes.
import browser from 'webextension-polyfill';
import { isSupportedSitePattern } from '../../shared/match-pattern.js';
import type { ProtectedSite } from '../../shared/messages.js';
import { DEFAULT_POLICY } from '../../shared/policy/defaults.js';
import { onPolicyChanged, policyInForce } from './policy.js';
import { onExtensionPageMessage } from './router.js';
import { loadSettings, onSettingsChanged } from '../settings-storage.js';

type Source = ProtectedSite['sources'][number];
type Listener = (granted: readonly string[]) => Promise<void>;

const RECHECK_ALARM = 'protected-sites';
/** As often as the policy is refreshed from the proxy. */
const RECHECK_MINUTES = 5;

const listeners: Listener[] = [];

/** The sites of the manifest's own content scripts, guarded from install (static scripts). */
export function installedSites(): string[] {
  return [...new Set((browser.runtime.getManifest().content_scripts ?? []).flatMap((script) => script.matches))];
}

export async function protectedSites(): Promise<ProtectedSite[]> {
  const [{ policy, source }, { settings }] = await Promise.all([policyInForce(), loadSettings()]);
  const sourcesOf = new Map<string, Source[]>();
  const add = (patterns: readonly string[], from: Source) => {
    for (const pattern of patterns) {
      // The policy format also allows <all_urls> and file://; the extension never asks for those.
      if (!isSupportedSitePattern(pattern)) console.warn('export-guard: protected site ignored, not an http(s) pattern:', pattern);
      else sourcesOf.set(pattern, [...(sourcesOf.get(pattern) ?? []), from]);
    }
  };
  add(DEFAULT_POLICY.protectedSites, 'default');
  add(installedSites().filter((site) => !DEFAULT_POLICY.protectedSites.includes(site)), 'extension');
  if (source === 'proxy') add(policy.protectedSites, 'proxy');
  add(settings.protectedSites, 'settings');
  return Promise.all(
    [...sourcesOf].map(async ([pattern, sources]) => ({
      pattern,
      sources,
      granted: await browser.permissions.contains({ origins: [pattern] }),
    })),
  );
}

export async function grantedSites(): Promise<string[]> {
  return (await protectedSites()).filter((site) => site.granted).map((site) => site.pattern);
}

export function onGrantedSitesChanged(listener: Listener): void {
  listeners.push(listener);
}

// Empty at every start of the worker, so the first check re-applies everything.
let lastGranted: string | undefined;
let checking: Promise<void> = Promise.resolve();

/** Tells the listeners when the granted sites changed; one check at a time, in order. */
function recheck(): Promise<void> {
  checking = checking.then(async () => {
    const granted = await grantedSites();
    const key = JSON.stringify(granted);
    if (key === lastGranted) return;
    lastGranted = key;
    for (const listener of listeners) {
      await listener(granted).catch((error) => console.error('export-guard: protected sites not applied:', error));
    }
  });
  return checking;
}

export function startProtectedSites(): void {
  onExtensionPageMessage('protected-sites', async () => ({ sites: await protectedSites() }));
  browser.permissions.onAdded.addListener(() => void recheck());
  browser.permissions.onRemoved.addListener(() => void recheck());
  onSettingsChanged(() => void recheck());
  onPolicyChanged(() => void recheck());
  browser.alarms.onAlarm.addListener((alarm) => {
    if (alarm.name === RECHECK_ALARM) void recheck();
  });
  browser.alarms.create(RECHECK_ALARM, { periodInMinutes: RECHECK_MINUTES });
  void recheck();
}
