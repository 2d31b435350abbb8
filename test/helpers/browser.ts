/// <reference types="chrome" />
// Headless Chromium with the built extension loaded, for the extension's end-to-end tests.
// Each launch gets a fresh profile; close() ends the browser and removes the profile, and is safe
// to call twice or on a launch that half failed (tests call it in afterAll).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import puppeteer, { type Browser, type Page, type WebWorker } from 'puppeteer-core';
import { EXTENSION_ID } from '../../extension/extension-id.js';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const CHROMIUM_EXTENSION_DIR = resolve(import.meta.dirname, '../../dist/chromium');

export interface LaunchOptions {
  /** Browser UI language, which decides the extension's language ('nl' by default). */
  language?: 'nl' | 'en';
  extensionDir?: string;
}

export interface ExtensionBrowser {
  browser: Browser;
  extensionId: string;
  /** The extension's background service worker. */
  worker(): Promise<WebWorker>;
  /** Opens a page of the extension, e.g. 'popup/index.html'. */
  openExtensionPage(path: string): Promise<Page>;
  close(): Promise<void>;
}

interface ProfileSession {
  profile: string;
  /** Remembers the browser started on the profile, so close() can end it. */
  started(browser: Browser): Browser;
  /** Ends the browser (if any) and removes the profile; safe twice and after a half-failed start. */
  close(): Promise<void>;
}

async function freshProfile(prefix: string): Promise<ProfileSession> {
  const profile = await mkdtemp(join(tmpdir(), prefix));
  let browser: Browser | undefined;
  return {
    profile,
    started(launched) {
      browser = launched;
      return launched;
    },
    async close() {
      await browser?.close().catch(() => undefined);
      browser = undefined;
      await rm(profile, { recursive: true, force: true });
    },
  };
}

export async function launchWithExtension(options: LaunchOptions = {}): Promise<ExtensionBrowser> {
  const language = options.language ?? 'nl';
  const extensionDir = options.extensionDir ?? CHROMIUM_EXTENSION_DIR;
  const session = await freshProfile('export-guard-chromium-');
  try {
    const launched = session.started(await puppeteer.launch({
      executablePath: CHROMIUM_PATH,
      headless: true,
      userDataDir: session.profile,
      ignoreDefaultArgs: ['--disable-extensions'],
      env: { ...process.env, LANGUAGE: language, LANG: language === 'en' ? 'en_US.UTF-8' : 'nl_NL.UTF-8' },
      args: [
        '--no-sandbox',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
        '--disable-gpu',
        `--lang=${language}`,
        `--load-extension=${extensionDir}`,
        `--disable-extensions-except=${extensionDir}`,
      ],
    }));
    const workerTarget = () =>
      launched.waitForTarget((t) => t.type() === 'service_worker' && t.url().startsWith(`chrome-extension://${EXTENSION_ID}/`), {
        timeout: 15_000,
      });
    await workerTarget();
    return {
      browser: launched,
      extensionId: EXTENSION_ID,
      async worker() {
        const worker = await (await workerTarget()).worker();
        if (!worker) throw new Error('the extension service worker target has no worker');
        // The target appears before the worker's script has run; until then it has no chrome.*.
        for (let tries = 0; !(await worker.evaluate(() => typeof chrome === 'object' && typeof chrome.runtime?.id === 'string')); tries++) {
          if (tries === 100) throw new Error('the extension service worker never started');
          await new Promise((done) => setTimeout(done, 50));
        }
        return worker;
      },
      async openExtensionPage(path) {
        const page = await launched.newPage();
        await page.goto(`chrome-extension://${EXTENSION_ID}/${path}`);
        return page;
      },
      close: session.close,
    };
  } catch (error) {
    await session.close();
    throw new Error(`could not start Chromium with the extension from ${extensionDir}: ${String(error)}`);
  }
}

export const FIREFOX_PATH = process.env.FIREFOX_PATH ?? '/usr/bin/firefox-esr';
export const FIREFOX_EXTENSION_DIR = resolve(import.meta.dirname, '../../dist/firefox');

export interface FirefoxWithExtension {
  browser: Browser;
  /** The add-on's gecko ID, as Firefox reports it after installing. */
  extensionId: string;
  close(): Promise<void>;
}

/**
 * Headless Firefox ESR over WebDriver BiDi, with dist/firefox installed as a temporary add-on
 * (BiDi webExtension.install: unsigned add-ons are accepted as temporary ones, as in about:debugging).
 */
export async function launchFirefoxWithExtension(extensionDir = FIREFOX_EXTENSION_DIR): Promise<FirefoxWithExtension> {
  const session = await freshProfile('export-guard-firefox-');
  try {
    const browser = session.started(await puppeteer.launch({ browser: 'firefox', executablePath: FIREFOX_PATH, headless: true, userDataDir: session.profile }));
    const extensionId = await browser.installExtension(extensionDir);
    return { browser, extensionId, close: session.close };
  } catch (error) {
    await session.close();
    throw new Error(`could not start Firefox with the add-on from ${extensionDir}: ${String(error)}`);
  }
}

/**
 * Waits for what a page script fills in after load. Twice in clean-clone CI runs (1,667 tests) a
 * demo-portal page's list never came within 30 s while every other test's did; the cause is not
 * known. So: what the page said and which of its requests failed are printed, then the page is
 * loaded once more, as a user would (both waits within the 60 s a hook may take).
 */
async function waitForPageData(page: Page, what: string, shown: (timeout: number) => Promise<unknown>): Promise<void> {
  const seen: string[] = [];
  const onConsole = (message: { type(): string; text(): string }) => message.type() === 'error' && seen.push(`console: ${message.text()}`);
  const onFailed = (request: { url(): string; failure(): { errorText: string } | null }) => seen.push(`failed: ${request.url()} ${request.failure()?.errorText ?? ''}`);
  page.on('console', onConsole).on('requestfailed', onFailed);
  try {
    await shown(20_000);
  } catch {
    console.warn(`${what} not shown after 20 s on ${page.url()}; reloading once. ${seen.join('; ') || 'No console error, no failed request.'}`);
    await page.reload();
    await shown(30_000);
  } finally {
    page.off('console', onConsole).off('requestfailed', onFailed);
  }
}

/**
 * Logs a caseworker in to the demo portal. The login page fills its list of caseworkers by script
 * after it has loaded: selecting before the list is there selects nothing, and the empty login is
 * refused (this made tests fail on a busy machine).
 */
export async function logIn(page: Page, siteUrl: string, caseworker: string): Promise<void> {
  await page.goto(`${siteUrl}/login`);
  await waitForPageData(page, 'login: the list of caseworkers', (timeout) => page.waitForSelector(`#name option[value="${caseworker}"]`, { timeout }));
  await page.select('#name', caseworker);
  await Promise.all([page.waitForNavigation(), page.click('#login')]);
}

/** Logs a caseworker in to the demo portal and waits until the compose page has its recipients. */
export async function openCompose(page: Page, portalUrl: string, caseworker = 'Anna de Vries'): Promise<void> {
  await logIn(page, portalUrl, caseworker);
  await waitForPageData(page, 'compose: the recipients', (timeout) =>
    page.waitForFunction(() => document.querySelectorAll('#recipients li').length > 0, { timeout }));
}
