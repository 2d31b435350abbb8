// Settings: the user's choices, IT's policy winning over them, and the token header that tells
// the proxy who is sending. The merge rule is pure and tested directly; the options page and the
// header are tested in real Chromium against real HTTP servers.
import { accessSync, constants, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_PREFIX, HEADERS } from '../../shared/api.js';
import { DEFAULT_SETTINGS, parseSettingsPatch, resolveSettings } from '../../shared/settings.js';
import { EXTENSION_ID } from '../../extension/extension-id.js';
import { launchWithExtension, type ExtensionBrowser } from '../helpers/browser.js';
import { ensureExtensionBuilt } from './setup.js';

describe('resolveSettings', () => {
  it('uses the defaults when nothing is stored', () => {
    expect(resolveSettings({}, {})).toEqual({ settings: DEFAULT_SETTINGS, locked: [] });
  });

  it("takes the user's values, and the policy's over them, locking what the policy set", () => {
    const resolved = resolveSettings(
      { proxyUrl: 'http://user.example:8080/', token: 'user-token', language: 'en' },
      { proxyUrl: 'https://proxy.office.example' },
    );
    expect(resolved.settings).toEqual({ proxyUrl: 'https://proxy.office.example', token: 'user-token', language: 'en', protectedSites: [] });
    expect(resolved.locked).toEqual(['proxyUrl']);
  });

  it('takes protected sites from the policy over the user, locked, without duplicates', () => {
    const resolved = resolveSettings(
      { protectedSites: ['https://mine.example/*'] },
      { protectedSites: ['https://werkmap.example.nl/*', 'https://werkmap.example.nl/*', '*://*.intranet.example/*'] },
    );
    expect(resolved.settings.protectedSites).toEqual(['https://werkmap.example.nl/*', '*://*.intranet.example/*']);
    expect(resolved.locked).toEqual(['protectedSites']);
  });

  it('ignores a policy list of protected sites with a pattern the extension never asks for', () => {
    for (const protectedSites of [['<all_urls>'], ['file:///*'], 'https://werkmap.example.nl/*', [42]]) {
      expect(resolveSettings({ protectedSites: ['https://mine.example/*'] }, { protectedSites })).toEqual({
        settings: { ...DEFAULT_SETTINGS, protectedSites: ['https://mine.example/*'] },
        locked: [],
      });
    }
  });

  it('ignores an invalid value from either source instead of breaking the extension', () => {
    const resolved = resolveSettings({ proxyUrl: 'not a url', language: 'fr' }, { language: 42, token: 'has space' });
    expect(resolved).toEqual({ settings: DEFAULT_SETTINGS, locked: [] });
  });
});

describe('parseSettingsPatch', () => {
  it('accepts valid values and trims a trailing slash from the proxy URL', () => {
    expect(parseSettingsPatch({ proxyUrl: 'https://p.example/', token: 'abc_-1', language: 'nl' }, [])).toEqual({
      proxyUrl: 'https://p.example',
      token: 'abc_-1',
      language: 'nl',
    });
  });

  it.each([
    [{ proxyUrl: 'ftp://p.example' }, /proxyUrl.*http/],
    [{ language: 'de' }, /language.*auto, nl or en/],
    [{ token: 'two words' }, /token.*printable/],
    [{ colour: 'red' }, /Unknown setting "colour"/],
    [{ protectedSites: ['werkmap.example.nl'] }, /protectedSites.*"werkmap.example.nl" is not an http\(s\) match pattern/],
    [{ protectedSites: ['<all_urls>'] }, /protectedSites.*<all_urls>/],
  ])('refuses %j with a reason', (patch, reason) => {
    expect(() => parseSettingsPatch(patch, [])).toThrow(reason);
  });

  it('refuses to change a value the policy set', () => {
    expect(() => parseSettingsPatch({ proxyUrl: 'https://mine.example' }, ['proxyUrl'])).toThrow(/policy/);
  });
});

describe('in Chromium: the options page and the token header', () => {
  let chromium: ExtensionBrowser | undefined;
  const seen: { host: string; url: string; headers: IncomingHttpHeaders }[] = [];
  const servers: Server[] = [];

  /** A plain site that records every request it gets. */
  async function site(host: string): Promise<string> {
    const server = createServer((req, res) => {
      seen.push({ host, url: req.url ?? '', headers: req.headers });
      res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>site</title><p>site</p>');
    });
    servers.push(server);
    await new Promise<void>((done) => server.listen(0, host, done));
    return `http://${host}:${(server.address() as AddressInfo).port}`;
  }

  beforeAll(async () => {
    await ensureExtensionBuilt();
    chromium = await launchWithExtension();
  });

  afterAll(async () => {
    await chromium?.close();
    await Promise.all(servers.map((s) => new Promise((done) => s.close(done))));
  });

  it('shows the defaults, refuses an invalid proxy URL with a reason, and saves valid settings', async () => {
    const options = await chromium!.openExtensionPage('options/options.html');
    await options.waitForFunction(() => (document.getElementById('proxyUrl') as HTMLInputElement).value !== '');
    expect(await options.$eval('#proxyUrl', (e) => (e as HTMLInputElement).value)).toBe(DEFAULT_SETTINGS.proxyUrl);
    expect(await options.$eval('#proxyUrl', (e) => (e as HTMLInputElement).disabled)).toBe(false);

    await options.$eval('#proxyUrl', (e) => ((e as HTMLInputElement).value = 'ftp://nowhere'));
    await options.click('#save');
    await options.waitForFunction(() => document.getElementById('status')!.classList.contains('error'));
    expect(await options.$eval('#status', (e) => e.textContent)).toMatch(/proxyUrl.*http/);

    await options.$eval('#proxyUrl', (e) => ((e as HTMLInputElement).value = 'http://127.0.0.1:9'));
    await options.type('#token', 'token-for-test');
    await options.select('#language', 'en');
    await options.click('#save');
    // Nothing listens on port 9: saved, and the page says the proxy does not answer.
    await options.waitForFunction(() => /Saved/.test(document.getElementById('status')!.textContent ?? ''));
    await options.reload();
    await options.waitForFunction(() => document.documentElement.lang === 'en');
    expect(await options.$eval('#token', (e) => (e as HTMLInputElement).value)).toBe('token-for-test');
    expect(await options.$eval('h1', (e) => e.textContent)).toBe('Export Guard: settings');
    await options.close();
  });

  it('adds the token header to requests for protected sites only, never to the proxy API', async () => {
    const protectedSite = await site('127.0.0.1');
    const otherSite = await site('127.0.0.2');
    const page = await chromium!.browser.newPage();
    // The rule is installed asynchronously after saving: poll with fresh navigations.
    const navigatedWithToken = () => seen.some((r) => r.url.startsWith('/page') && r.headers[HEADERS.token]);
    for (let tries = 0; tries < 50 && !navigatedWithToken(); tries++) {
      await page.goto(`${protectedSite}/page?try=${tries}`);
    }
    await page.evaluate(async (url) => void (await fetch(`${url}/data`)), protectedSite);
    await page.evaluate(async (url) => void (await fetch(url)), `${protectedSite}${API_PREFIX}/api/me`);
    await page.goto(`${otherSite}/elsewhere`);
    await page.close();

    const navigation = seen.filter((r) => r.host === '127.0.0.1' && r.url.startsWith('/page')).at(-1);
    expect(navigation?.headers[HEADERS.token]).toBe('token-for-test');
    expect(seen.find((r) => r.url === '/data')?.headers[HEADERS.token]).toBe('token-for-test');
    // The proxy's own API is never called in the user's name by a page.
    const apiCall = seen.find((r) => r.url.startsWith(API_PREFIX));
    expect(apiCall).toBeDefined();
    expect(apiCall?.headers[HEADERS.token]).toBeUndefined();
    const elsewhere = seen.filter((r) => r.host === '127.0.0.2');
    expect(elsewhere.length).toBeGreaterThan(0);
    expect(elsewhere.every((r) => r.headers[HEADERS.token] === undefined)).toBe(true);
  });
});

// Chromium reads enterprise policy only from a system directory. Where the tests may write it
// (root in a CI container) the policy is installed for a few seconds: it locks only the language,
// which no other suite running at the same time depends on.
const POLICY_DIR = '/etc/chromium/policies/managed';
const mayWritePolicy = (() => {
  try {
    mkdirSync(POLICY_DIR, { recursive: true });
    accessSync(POLICY_DIR, constants.W_OK);
  } catch {
    return false;
  }
  removeStalePolicies();
  return true;
})();

/**
 * A run killed in the middle of this suite leaves its policy behind, and Chromium then locks the
 * language of every later run's extension (two English-language tests failed so): the files of
 * test processes that are gone are removed first.
 */
function removeStalePolicies(): void {
  for (const name of readdirSync(POLICY_DIR)) {
    const pid = Number(/^export-guard-test-(\d+)\.json$/.exec(name)?.[1]);
    if (pid && !processAlive(pid)) rmSync(`${POLICY_DIR}/${name}`, { force: true });
  }
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

describe.skipIf(!mayWritePolicy)('in Chromium: a value set by enterprise policy', () => {
  const policyFile = `${POLICY_DIR}/export-guard-test-${process.pid}.json`;
  let chromium: ExtensionBrowser | undefined;

  afterAll(async () => {
    rmSync(policyFile, { force: true });
    await chromium?.close();
  });

  it('wins over the user, shows as locked on the options page, and cannot be changed', async () => {
    writeFileSync(policyFile, JSON.stringify({ '3rdparty': { extensions: { [EXTENSION_ID]: { language: 'nl' } } } }));
    try {
      await ensureExtensionBuilt();
      chromium = await launchWithExtension();
      const worker = await chromium.worker();
      await worker.evaluate(() => chrome.storage.local.set({ language: 'en', token: 'mine' }));
      for (let tries = 0; !(await worker.evaluate(async () => (await chrome.storage.managed.get('language')).language)); tries++) {
        if (tries === 40) throw new Error('Chromium never loaded the test policy');
        await new Promise((r) => setTimeout(r, 250));
      }

      const options = await chromium.openExtensionPage('options/options.html');
      await options.waitForFunction(() => (document.getElementById('language') as HTMLSelectElement).disabled);
      expect(await options.$eval('#language', (e) => (e as HTMLSelectElement).value)).toBe('nl');
      expect(await options.$eval('#language-note', (e) => e.textContent)).toMatch(/organisatie/);
      expect(await options.$eval('#token', (e) => (e as HTMLInputElement).disabled)).toBe(false);
      expect(await options.$eval('#token', (e) => (e as HTMLInputElement).value)).toBe('mine');
      const refused = await options.evaluate(() => chrome.runtime.sendMessage({ type: 'save-settings', settings: { language: 'en' } }));
      expect(refused).toMatchObject({ error: 'failed', message: expect.stringMatching(/policy/) });
    } finally {
      rmSync(policyFile, { force: true });
    }
  });
});
