// Tells the proxy who is sending: every request the browser makes to a protected site carries the
// user's token header, added by declarativeNetRequest so that page scripts never see the token
// and every kind of request (fetch, XHR, form posts, navigations) carries it alike. Except the
// proxy's own API: a page of the protected site must never call it in the user's name (the
// extension's background sets the token itself on its API calls).
import browser from 'webextension-polyfill';
import { API_PREFIX, HEADERS } from '../../shared/api.js';
import { escapeRegex, matchPatternToRegex } from '../../shared/match-pattern.js';
import { grantedSites, onGrantedSitesChanged } from './protected-sites.js';
import { loadSettings, onSettingsChanged } from '../settings-storage.js';

type Rule = browser.DeclarativeNetRequest.Rule;

/**
 * Every kind of request, navigations included: without a list a rule skips main_frame, and a form
 * posted by navigation would reach the proxy anonymously. Only types both Chromium and Firefox know.
 */
const ALL_REQUEST_TYPES: browser.DeclarativeNetRequest.ResourceType[] = [
  'main_frame', 'sub_frame', 'stylesheet', 'script', 'image', 'font', 'object',
  'xmlhttprequest', 'ping', 'csp_report', 'media', 'websocket', 'other',
];

/** Keeps the rules in step with the token (settings) and the protected sites granted to us. */
export function startTokenHeader(): void {
  onSettingsChanged(({ settings }) => void grantedSites().then((sites) => applyTokenHeader(settings.token, sites)));
  onGrantedSitesChanged(async (sites) => applyTokenHeader((await loadSettings()).settings.token, sites));
}

/** Replaces our dynamic rules with one rule per protected-site pattern (none without a token). */
export async function applyTokenHeader(token: string, protectedSites: readonly string[]): Promise<void> {
  const rules = token === '' ? [] : tokenRules(token, protectedSites);
  const existing = await browser.declarativeNetRequest.getDynamicRules();
  // Removing the new ids too makes two overlapping updates both succeed (each one is atomic).
  await browser.declarativeNetRequest.updateDynamicRules({
    removeRuleIds: [...existing.map((rule) => rule.id), ...rules.map((rule) => rule.id)],
    addRules: rules,
  });
}

function tokenRules(token: string, protectedSites: readonly string[]): Rule[] {
  const setToken: Rule[] = protectedSites.map((pattern, index) => ({
    id: index + 1,
    priority: 1,
    action: {
      type: 'modifyHeaders',
      requestHeaders: [{ header: HEADERS.token, operation: 'set', value: token }],
    },
    condition: { regexFilter: matchPatternToRegex(pattern), resourceTypes: ALL_REQUEST_TYPES },
  }));
  // An allow rule of higher priority keeps the lower-priority header rules off these requests.
  const notTheApi: Rule = {
    id: setToken.length + 1,
    priority: 2,
    action: { type: 'allow' },
    condition: { regexFilter: `^https?://[^/]+${escapeRegex(API_PREFIX)}(?:[/?#]|$)`, resourceTypes: ALL_REQUEST_TYPES },
  };
  return [...setToken, notTheApi];
}
