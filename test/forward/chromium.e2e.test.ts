// The forward-proxy shape end to end, without the extension: Chromium told to use
// `export-guard proxy --mode forward` (--proxy-server) and trusting the office's test CA (its NSS
// database, as a managed browser trusts the office CA) reaches the demo portal, served over HTTPS
// as portal.test with a certificate only the proxy trusts, on a leaf the proxy minted. And a
// Chromium given only the proxy's PAC file (--proxy-pac-url) sends the protected hosts through it
// and goes DIRECT for the rest.
import { mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXTENSION_ORIGIN } from '../../extension/extension-id.js';
import { HEADERS } from '../../shared/api.js';
import { CHROMIUM_PATH, openCompose } from '../helpers/browser.js';
import { CASEWORKER } from '../helpers/four-eyes-stack.js';
import { expectBulkSendHeldUntilApproved, expectCleanFileArrives, pickFile } from '../helpers/compose-flows.js';
import { fixturePath } from '../helpers/fixtures.js';
import { launchThroughGateway, type GatewayBrowser } from '../helpers/squid.js';
import { startUpstream, type Upstream } from '../proxy/upstream.js';
import { startForwardStack, type ForwardStack } from './stack.js';

let stack: ForwardStack;
let chromium: GatewayBrowser;
let page: Page;
/** A plain-HTTP site the proxy protects (plain.test) and one it does not (other.test). */
let plain: Upstream;

beforeAll(async () => {
  plain = await startUpstream();
  stack = await startForwardStack({ protectedHosts: ['plain.test'] });
  chromium = await launchThroughGateway(stack.proxy.url, stack.office);
  page = await chromium.browser.newPage();
  await openCompose(page, stack.site, CASEWORKER.name);
}, 90_000);

afterAll(async () => {
  await chromium?.close();
  await stack?.close();
  await plain?.close();
});

const statusText = () => page.$eval('#status', (element) => element.textContent ?? '');

const pick = (path: string) => pickFile(page, stack.site, path);

/** The approval API on the proxy's own address, as an extension configured with the proxy's URL calls it. */
async function api(token: string, path: string, body: unknown): Promise<{ status: number; json: any }> {
  const response = await fetch(`${stack.proxy.url}${path}`, {
    method: 'POST',
    headers: { origin: EXTENSION_ORIGIN, [HEADERS.token]: token, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: response.status, json: await response.json() };
}

describe('Chromium through the forward proxy, without the extension', () => {
  it('reaches the HTTPS portal on a leaf the proxy minted from the office CA', async () => {
    const response = await page.goto(`${stack.site}/compose`);
    expect(response?.status()).toBe(200);
    expect(response?.securityDetails()?.issuer()).toBe('export-guard test office CA');
    expect(response?.securityDetails()?.subjectAlternativeNames()).toEqual(['portal.test']);
    await page.waitForFunction(() => document.querySelectorAll('#recipients li').length > 0, { timeout: 30_000 });
  });

  it('refuses an export (leak-4.xlsx) with the 422 answer; the portal gets nothing', async () => {
    const before = stack.portal.mailbox.attachmentCount;
    const answer = await pick(await fixturePath('leak-4.xlsx'));
    expect(answer.status).toBe(422);
    expect(answer.json).toMatchObject({ error: 'upload-blocked', nl: expect.any(String), en: expect.any(String) });
    await page.waitForFunction(() => document.getElementById('status')!.className === 'error');
    expect(await statusText()).toContain('tegengehouden');
    expect(stack.portal.mailbox.attachmentCount).toBe(before);
  }, 60_000);

  it('lets a clean 9 MB file through, arriving at the portal with the same SHA-256', async () => {
    await expectCleanFileArrives(page, stack.site, stack.portal, stack.dir);
  }, 60_000);

  it('holds a bulk send for approval (428), then lets it out once after a colleague approved', async () => {
    await expectBulkSendHeldUntilApproved(page, stack.site, stack.portal, stack.tokens, api);
  }, 60_000);

  it('logged no error, and intercepted only the portal', () => {
    expect(stack.logLines.filter((line) => line.includes('"level":"error"'))).toEqual([]);
    expect(stack.proxy.metrics.render()).toMatch(/^export_guard_forward_connects_total\{outcome="intercepted"\} [1-9]/m);
  });
});

describe('Chromium given only the PAC file', () => {
  let profile: string;
  let browser: Browser | undefined;
  beforeAll(async () => {
    profile = await mkdtemp(join(tmpdir(), 'export-guard-pac-browser-'));
    browser = await puppeteer.launch({
      executablePath: CHROMIUM_PATH,
      headless: true,
      userDataDir: profile,
      args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', `--proxy-pac-url=${stack.proxy.url}/proxy.pac`],
    });
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    if (profile) await rm(profile, { recursive: true, force: true });
  });

  it('sends a protected host through the proxy, and another host DIRECT', async () => {
    const tab = await browser!.newPage();
    const port = new URL(plain.url).port;
    // plain.test exists only for the proxy (its resolver): the page loads because the PAC sent it there.
    const hellos = () => plain.received.filter((request) => request.url === '/hello');
    const response = await tab.goto(`http://plain.test:${port}/hello`);
    expect(response?.status()).toBe(200);
    expect(await tab.evaluate(() => document.body.textContent)).toBe('hello /hello');
    expect(hellos().map((request) => request.headers.host)).toEqual([`plain.test:${port}`]);
    // other.test is DIRECT: the browser resolves it itself, and no resolver knows it.
    await expect(tab.goto(`http://other.test:${port}/hello`)).rejects.toThrow(/ERR_NAME_NOT_RESOLVED/);
    expect(hellos()).toHaveLength(1);
  }, 30_000);
});
