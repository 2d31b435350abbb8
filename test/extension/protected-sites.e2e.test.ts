/// <reference types="chrome" />
// Protected sites at run time: the proxy's policy names another office host (127.0.0.2, which
// the built-in sites do not cover). Until the browser grants access to it, the options page offers
// "Grant access" and the host is not guarded; with access granted, the extension guards it
// (content scripts registered, exports blocked, the token header sent), and a policy without the
// host takes it all back. The portal on 127.0.0.2 has no proxy in front, so what passes there shows
// what the extension alone does.
//
// Headless Chromium cannot answer the browser's own permission prompt that "Grant access" opens
// (no automation API reaches it), so the granted case runs on a copy of the build whose manifest
// also lists the host among its host permissions: access granted at install, as IT's deployment
// can do, while the content scripts still cover only the built-in sites.
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPortal, type Portal } from '../../demo-portal/server.js';
import { HEADERS } from '../../shared/api.js';
import { DEFAULT_POLICY } from '../../shared/policy/defaults.js';
import { CHROMIUM_EXTENSION_DIR, launchWithExtension, openCompose, type ExtensionBrowser } from '../helpers/browser.js';
import { fixturePath } from '../helpers/fixtures.js';
import { configureExtension, startFourEyesStack, type FourEyesStack } from '../helpers/four-eyes-stack.js';
import { ensureExtensionBuilt } from './setup.js';

const OTHER_HOST = '127.0.0.2';
const OTHER_SITE = `http://${OTHER_HOST}/*`;
const EXPORT = 'leak-4.xlsx';

let dir: string;
/** The proxy whose policy names the other host, and one whose policy does not. */
let stack: FourEyesStack | undefined;
let stackWithout: FourEyesStack | undefined;
let otherPortal: Portal | undefined;
let recorder: Server | undefined;
let recorderUrl: string;
const recorded: IncomingHttpHeaders[] = [];
let chromium: ExtensionBrowser | undefined;

/** The proxy's policy file: the built-in sites, and the other office host when `withOtherHost`. */
async function policyFile(name: string, withOtherHost: boolean): Promise<string> {
  const path = join(dir, name);
  const sites = withOtherHost ? [...DEFAULT_POLICY.protectedSites, OTHER_SITE] : DEFAULT_POLICY.protectedSites;
  await writeFile(path, JSON.stringify({ version: 1, protectedSites: sites }));
  return path;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'export-guard-sites-'));
  await ensureExtensionBuilt();
  stack = await startFourEyesStack({ policy: await policyFile('with-other-host.json', true) });
  stackWithout = await startFourEyesStack({ policy: await policyFile('without-other-host.json', false) });
  otherPortal = await startPortal({ host: OTHER_HOST, port: 0 });
  // A plain page on the other host that records the headers it gets (the token header).
  recorder = createServer((req, res) => {
    recorded.push(req.headers);
    res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>recorder</title>');
  });
  await new Promise<void>((done) => recorder!.listen(0, OTHER_HOST, done));
  recorderUrl = `http://${OTHER_HOST}:${(recorder.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await chromium?.close();
  await stack?.close();
  await stackWithout?.close();
  await otherPortal?.close();
  await new Promise((done) => (recorder ? recorder.close(done) : done(undefined)));
  await rm(dir, { recursive: true, force: true });
});

/** The extension's proxy: the one whose policy names the other host, or the one whose does not. */
async function usePolicy(namingOtherHost: boolean): Promise<void> {
  const proxy = namingOtherHost ? stack! : stackWithout!;
  await configureExtension(chromium!, { proxyUrl: proxy.proxy.url, token: proxy.tokens.caseworker });
}

/** A copy of the build with host access to the other host granted at install. */
async function buildWithOtherHostGranted(): Promise<string> {
  const copy = join(dir, 'chromium-granted');
  await cp(CHROMIUM_EXTENSION_DIR, copy, { recursive: true });
  const manifestPath = join(copy, 'manifest.json');
  const manifest = JSON.parse(await readFile(manifestPath, 'utf8')) as { host_permissions: string[] };
  manifest.host_permissions.push(OTHER_SITE);
  await writeFile(manifestPath, JSON.stringify(manifest));
  return copy;
}

async function waitFor<T>(read: () => Promise<T>, done: (value: T) => boolean, what: string): Promise<T> {
  let value = await read();
  for (let tries = 0; !done(value); tries++) {
    if (tries === 80) throw new Error(`${what}: still ${JSON.stringify(value)}`);
    await new Promise((r) => setTimeout(r, 250));
    value = await read();
  }
  return value;
}

/** The sites in force as the options page lists them. */
async function listedSites(options: Page): Promise<{ pattern: string; text: string; grantButton: boolean }[]> {
  return options.$$eval('#sites li', (items) =>
    items.map((li) => ({
      pattern: (li as HTMLElement).dataset.pattern ?? '',
      text: li.textContent ?? '',
      grantButton: li.querySelector('button.grant') !== null,
    })),
  );
}

async function registeredScripts(): Promise<{ id: string; matches?: string[]; world?: string }[]> {
  const worker = await chromium!.worker();
  return worker.evaluate(async () => (await chrome.scripting.getRegisteredContentScripts()).map(({ id, matches, world }) => ({ id, matches, world })));
}

/** Attaches the export with the file picker on the other host; tells whether the portal got it. */
async function attachExportOnOtherHost(): Promise<{ dialog: boolean; attached: number }> {
  const page = await chromium!.browser.newPage();
  try {
    await openCompose(page, otherPortal!.url);
    const input = (await page.$('input#file-input'))!;
    await input.uploadFile(await fixturePath(EXPORT));
    // Either the extension's dialog appears or the portal lists the uploaded attachment.
    await page.waitForFunction(() => document.querySelector('export-guard-dialog') || document.querySelector('#attachments li'), { timeout: 20_000 });
    return {
      dialog: (await page.$('export-guard-dialog')) !== null,
      attached: await page.$$eval('#attachments li', (items) => items.length),
    };
  } finally {
    await page.close();
  }
}

/** Opens a page on the other host and returns the token header its request carried. */
async function tokenHeaderOnOtherHost(attempt: string): Promise<string | undefined> {
  const page = await chromium!.browser.newPage();
  await page.goto(`${recorderUrl}/?${attempt}`);
  await page.close();
  return recorded.at(-1)?.[HEADERS.token] as string | undefined;
}

async function openOptions(): Promise<Page> {
  const options = await chromium!.openExtensionPage('options/options.html');
  await options.waitForSelector('#sites li');
  return options;
}

/** Reloads the options page until `done` holds for its list of sites. */
async function sitesShown(options: Page, done: (list: Awaited<ReturnType<typeof listedSites>>) => boolean, what: string) {
  return waitFor(
    async () => {
      await options.reload();
      await options.waitForSelector('#sites li');
      return listedSites(options);
    },
    done,
    what,
  );
}

describe('a site the proxy policy names, without host access to it', { timeout: 60_000 }, () => {
  beforeAll(async () => {
    chromium = await launchWithExtension();
    await usePolicy(true);
  });

  afterAll(async () => {
    await chromium?.close();
    chromium = undefined;
  });

  it('the options page cannot be saved before it shows the stored settings', async () => {
    // Without its script the page stays as it is before the settings arrive.
    const loading = await chromium!.browser.newPage();
    await loading.setJavaScriptEnabled(false);
    await loading.goto(`chrome-extension://${chromium!.extensionId}/options/options.html`);
    expect(await loading.$eval('#save', (button) => (button as HTMLButtonElement).matches(':disabled'))).toBe(true);
    await loading.close();
    const options = await openOptions();
    expect(await options.$eval('#save', (button) => (button as HTMLButtonElement).matches(':disabled'))).toBe(false);
    await options.close();
  });

  it('is listed as not checked, with a Grant access button, and is not guarded', async () => {
    const options = await openOptions();
    const sites = await sitesShown(options, (list) => list.some((site) => site.pattern === OTHER_SITE), 'the proxy policy site is not listed');
    expect(sites.find((site) => site.pattern === OTHER_SITE)).toMatchObject({ grantButton: true, text: expect.stringMatching(/beleid van de proxy/) });
    expect(sites.find((site) => site.pattern === 'http://127.0.0.1/*')).toMatchObject({ grantButton: false });
    expect(await registeredScripts()).toEqual([]);
    const popup = await chromium!.openExtensionPage('popup/popup.html');
    await popup.waitForSelector('#sites-note:not([hidden])');
    expect(await popup.$eval('#sites-link', (link) => link.textContent)).toMatch(/^1 beschermde site/);
    await popup.close();

    // Without the extension's check the export reaches the portal (only a proxy would stop it).
    expect(await attachExportOnOtherHost()).toEqual({ dialog: false, attached: 1 });
    expect(await tokenHeaderOnOtherHost('not-granted')).toBeUndefined();
  });
});

describe('a site with host access granted, named by the proxy policy or not', { timeout: 60_000 }, () => {
  beforeAll(async () => {
    chromium = await launchWithExtension({ extensionDir: await buildWithOtherHostGranted() });
    await usePolicy(false);
  });

  afterAll(async () => {
    await chromium?.close();
    chromium = undefined;
  });

  it('is not guarded while no policy names it', async () => {
    const options = await openOptions();
    const sites = await sitesShown(options, (list) => list.length > 0, 'no sites listed');
    expect(sites.map((site) => site.pattern)).not.toContain(OTHER_SITE);
    expect(await registeredScripts()).toEqual([]);
    expect(await attachExportOnOtherHost()).toEqual({ dialog: false, attached: 1 });
    expect(await tokenHeaderOnOtherHost('not-named')).toBeUndefined();
  });

  it('is guarded once the policy names it: content scripts registered, export blocked, token header sent', async () => {
    await usePolicy(true);
    const scripts = await waitFor(registeredScripts, (list) => list.length === 2, 'content scripts never registered');
    expect(scripts.map((s) => [s.world, s.matches])).toEqual([
      ['ISOLATED', [OTHER_SITE]],
      ['MAIN', [OTHER_SITE]],
    ]);
    const options = await openOptions();
    expect((await listedSites(options)).find((site) => site.pattern === OTHER_SITE)).toMatchObject({ grantButton: false, text: expect.stringMatching(/beleid van de proxy/) });
    await options.close();

    expect(await attachExportOnOtherHost()).toEqual({ dialog: true, attached: 0 });
    const token = await waitFor(() => tokenHeaderOnOtherHost('named'), (value) => value !== undefined, 'no token header');
    expect(token).toBe(stack!.tokens.caseworker);
  });

  it('is no longer guarded when the policy drops it', async () => {
    await usePolicy(false);
    await waitFor(registeredScripts, (list) => list.length === 0, 'content scripts still registered');
    expect(await attachExportOnOtherHost()).toEqual({ dialog: false, attached: 1 });
    expect(await waitFor(() => tokenHeaderOnOtherHost('dropped'), (value) => value === undefined, 'token header still sent')).toBeUndefined();
  });

  it('is guarded while the settings name it (the field IT locks through managed storage), and not after', async () => {
    await usePolicy(false);
    const options = await openOptions();
    await options.$eval('#protectedSites', (field, site) => ((field as HTMLTextAreaElement).value = site), OTHER_SITE);
    await options.click('#save');
    await waitFor(registeredScripts, (list) => list.length === 2, 'content scripts never registered');
    expect((await listedSites(options)).find((site) => site.pattern === OTHER_SITE)).toMatchObject({ text: expect.stringMatching(/instellingen/) });
    expect(await attachExportOnOtherHost()).toEqual({ dialog: true, attached: 0 });

    await options.$eval('#protectedSites', (field) => ((field as HTMLTextAreaElement).value = ''));
    await options.click('#save');
    await waitFor(registeredScripts, (list) => list.length === 0, 'content scripts still registered');
    expect(await attachExportOnOtherHost()).toEqual({ dialog: false, attached: 1 });
    await options.close();
  });
});
