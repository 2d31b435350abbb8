/// <reference types="chrome" />
// The forward-proxy shape with the extension: Chromium uses the forward proxy (--proxy-server) and
// trusts the office's test CA (NSS database), the extension's proxyUrl is the proxy's own address.
// The extension reads the proxy's policy there (which names https://portal.test/*), guards the
// HTTPS portal behind the proxy, and its token header reaches the proxy inside the intercepted
// connection. The build is a copy with host access to portal.test granted at install, as IT's
// deployment does (headless Chromium cannot answer the permission prompt; see
// test/extension/protected-sites.e2e.test.ts).
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { execFile } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXTENSION_ID } from '../../extension/extension-id.js';
import { DEFAULT_POLICY } from '../../shared/policy/defaults.js';
import { CHROMIUM_EXTENSION_DIR, CHROMIUM_PATH, openCompose } from '../helpers/browser.js';
import { CASEWORKER } from '../helpers/four-eyes-stack.js';
import { fixturePath } from '../helpers/fixtures.js';
import { ensureExtensionBuilt } from '../extension/setup.js';
import { startForwardStack, type ForwardStack } from './stack.js';

const run = promisify(execFile);
const PORTAL_SITE = 'https://portal.test/*';

let dir: string;
let stack: ForwardStack;
let browser: Browser | undefined;
let page: Page;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'export-guard-forward-extension-'));
  await ensureExtensionBuilt();
  const extension = join(dir, 'chromium');
  await cp(CHROMIUM_EXTENSION_DIR, extension, { recursive: true });
  const manifest = JSON.parse(await readFile(join(extension, 'manifest.json'), 'utf8')) as { host_permissions: string[] };
  manifest.host_permissions.push(PORTAL_SITE);
  await writeFile(join(extension, 'manifest.json'), JSON.stringify(manifest));
  const policy = join(dir, 'policy.json');
  await writeFile(policy, JSON.stringify({ version: 1, protectedSites: [...DEFAULT_POLICY.protectedSites, PORTAL_SITE] }));
  stack = await startForwardStack({ config: { policy } });

  const nssdb = join(dir, 'home', '.pki', 'nssdb');
  await mkdir(nssdb, { recursive: true });
  await run('certutil', ['-N', '-d', `sql:${nssdb}`, '--empty-password']);
  await run('certutil', ['-A', '-d', `sql:${nssdb}`, '-n', 'export-guard test office CA', '-t', 'C,,', '-i', stack.office.certPath]);
  browser = await puppeteer.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    userDataDir: join(dir, 'home', 'profile'),
    env: { ...process.env, HOME: join(dir, 'home') },
    ignoreDefaultArgs: ['--disable-extensions'],
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync',
      `--load-extension=${extension}`, `--disable-extensions-except=${extension}`, `--proxy-server=${stack.proxy.url}`],
  });
  const target = await browser.waitForTarget((t) => t.type() === 'service_worker' && t.url().startsWith(`chrome-extension://${EXTENSION_ID}/`), { timeout: 15_000 });
  const worker = (await target.worker())!;
  await waitFor(() => worker.evaluate(() => typeof chrome === 'object' && typeof chrome.storage?.local === 'object'), (ready) => ready, 'the service worker never started');
  await worker.evaluate((values) => chrome.storage.local.set(values), { language: 'nl', proxyUrl: stack.proxy.url, token: stack.tokens.caseworker });
  // The proxy's policy names the portal: the extension registers its scripts there.
  await waitFor(() => worker.evaluate(async () => (await chrome.scripting.getRegisteredContentScripts()).flatMap((script) => script.matches ?? [])),
    (matches) => matches.includes(PORTAL_SITE), 'content scripts never registered for the portal');
  page = await browser.newPage();
  await openCompose(page, stack.site, CASEWORKER.name);
}, 120_000);

afterAll(async () => {
  await browser?.close().catch(() => undefined);
  await stack?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

async function waitFor<T>(read: () => Promise<T>, done: (value: T) => boolean, what: string): Promise<T> {
  let value = await read();
  for (let tries = 0; !done(value); tries++) {
    if (tries === 120) throw new Error(`${what}: still ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
    value = await read();
  }
  return value;
}

/** The proxy's debug log lines for requests to the portal's attachments, with the user the proxy saw. */
const attachmentRequests = () => stack.logLines.map((line) => JSON.parse(line) as Record<string, unknown>)
  .filter((entry) => entry.event === 'request' && entry.method === 'POST' && entry.path === '/api/attachments');

describe('Chromium with the extension through the forward proxy', () => {
  it('the extension stops an export on the HTTPS portal before it is sent', async () => {
    const before = { attachments: stack.portal.mailbox.attachmentCount, requests: attachmentRequests().length };
    await (await page.$('input#file-input'))!.uploadFile(await fixturePath('leak-4.xlsx'));
    await page.waitForSelector('export-guard-dialog', { timeout: 45_000 });
    expect(await page.$$eval('#attachments li', (items) => items.length)).toBe(0);
    expect(stack.portal.mailbox.attachmentCount).toBe(before.attachments);
    expect(attachmentRequests()).toHaveLength(before.requests);
  }, 60_000);

  it('a clean file goes through, with the token header read by the proxy inside the intercepted connection', async () => {
    await page.goto(`${stack.site}/compose`);
    await page.waitForFunction(() => document.querySelectorAll('#recipients li').length > 0, { timeout: 30_000 });
    const before = stack.portal.mailbox.attachmentCount;
    await (await page.$('input#file-input'))!.uploadFile(await fixturePath('letter.pdf'));
    await page.waitForFunction(() => document.querySelectorAll('#attachments li').length === 1, { timeout: 45_000 });
    expect(stack.portal.mailbox.attachmentCount).toBe(before + 1);
    expect(attachmentRequests().at(-1)).toMatchObject({ status: 200, user: CASEWORKER.id });
  }, 60_000);
});
