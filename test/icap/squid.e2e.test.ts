// The office gateway shape end to end, without the extension: Chromium trusts the office's test CA
// and goes through a real Squid, which decrypts HTTPS (ssl_bump) and hands every request for the
// demo portal, served over HTTPS as portal.test, to `export-guard icap` (REQMOD, bypass=off).
import type { Page } from 'puppeteer-core';
import { fetch as undiciFetch, FormData, ProxyAgent } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openCompose } from '../helpers/browser.js';
import { CASEWORKER } from '../helpers/four-eyes-stack.js';
import { expectBulkSendHeldUntilApproved, expectCleanFileArrives, pickFile } from '../helpers/compose-flows.js';
import { fixtureBytes, fixturePath } from '../helpers/fixtures.js';
import { launchThroughGateway, startSquid, type GatewayBrowser } from '../helpers/squid.js';
import { startGatewayStack, type GatewayStack } from './gateway-stack.js';

let stack: GatewayStack;
let gateway: GatewayBrowser;
let page: Page;
let site: string;

beforeAll(async () => {
  stack = await startGatewayStack();
  site = stack.site;
  gateway = await launchThroughGateway(stack.squid.url, stack.ca);
  page = await gateway.browser.newPage();
  await openCompose(page, site, CASEWORKER.name);
}, 60_000);

afterAll(async () => {
  await gateway?.close();
  await stack?.close();
});

const statusText = () => page.$eval('#status', (element) => element.textContent ?? '');

const pick = (path: string) => pickFile(page, site, path);

describe('through Squid (ssl_bump) and the ICAP service, without the extension', () => {
  it('reaches the HTTPS portal on a certificate Squid minted from the office CA', async () => {
    const response = await page.goto(`${site}/compose`);
    expect(response?.status()).toBe(200);
    expect(response?.securityDetails()?.issuer()).toBe('export-guard test office CA');
    await page.waitForFunction(() => document.querySelectorAll('#recipients li').length > 0, { timeout: 30_000 });
  });

  it('refuses an export (leak-4.xlsx) with the 422 answer; the portal gets nothing', async () => {
    const before = stack.portal.mailbox.attachmentCount;
    const answer = await pick(await fixturePath('leak-4.xlsx'));
    expect(answer.status).toBe(422);
    expect(answer.json).toMatchObject({ nl: expect.any(String), en: expect.any(String) });
    await page.waitForFunction(() => document.getElementById('status')!.className === 'error');
    expect(await statusText()).toContain('tegengehouden');
    expect(stack.portal.mailbox.attachmentCount).toBe(before);
  }, 60_000);

  it('refuses the same export posted by a plain form with the refusal page', async () => {
    const before = stack.portal.mailbox.attachmentCount;
    const xlsx = Buffer.from(await fixtureBytes('leak-4.xlsx')).toString('base64');
    const navigation = page.waitForNavigation({ timeout: 45_000 });
    await page.evaluate((base64) => {
      const form = document.createElement('form');
      form.method = 'POST';
      form.action = '/api/attachments';
      form.enctype = 'multipart/form-data';
      const input = document.createElement('input');
      input.type = 'file';
      input.name = 'file';
      const transfer = new DataTransfer();
      transfer.items.add(new File([Uint8Array.from(atob(base64), (c) => c.charCodeAt(0))], 'clienten.xlsx'));
      input.files = transfer.files;
      form.append(input);
      document.body.append(form);
      form.submit();
    }, xlsx);
    const response = await navigation;
    expect(response?.status()).toBe(422);
    expect(await page.$eval('h1', (h) => h.textContent)).toBe('Tegengehouden door export-guard');
    expect(stack.portal.mailbox.attachmentCount).toBe(before);
    await openCompose(page, site, CASEWORKER.name);
  }, 60_000);

  it('lets a clean 9 MB file through, arriving at the portal with the same SHA-256', async () => {
    await expectCleanFileArrives(page, site, stack.portal, stack.dir);
  }, 60_000);

  it('holds a bulk send for approval (428), then lets it out once after a colleague approved', async () => {
    const { filed } = await expectBulkSendHeldUntilApproved(page, site, stack.portal, stack.tokens, (token, path, body) => stack.api(token, 'POST', path, body));
    // The approver saw the attachment as checked: the portal's answer to its upload came back through RESPMOD.
    expect(filed.json.approval.attachments).toEqual([expect.objectContaining({ name: 'letter.pdf', verdict: 'allow' })]);

    // The token reached ICAP (Squid received it); the send that went to the portal went without it.
    const sends = (await stack.squid.accessLog()).filter((line) => line.includes(` POST ${site}/api/messages `) && !line.includes('token-in=-'));
    expect(sends.map((line) => /\/(\d{3}) (HIER_\w+) .* (token-out=.*)$/.exec(line)!.slice(1)), await stack.squid.logs()).toEqual([
      ['200', 'HIER_DIRECT', 'token-out=-'],
      ['428', 'HIER_NONE', `token-out=${stack.tokens.caseworker}`],
    ]);
  }, 60_000);

  it('passed nothing unchecked: each request Squid sent to the portal is one the pipeline let through', async () => {
    const toPortal = (await stack.squid.accessLog()).filter((line) => / HIER_DIRECT .* (GET|POST) https:\/\/portal\.test:/.test(line));
    const metrics = stack.icap.proxy.metrics.render();
    const passed = [...metrics.matchAll(/^export_guard_requests_total\{outcome="forwarded",[^}]*\} (\d+)$/gm)].reduce((sum, match) => sum + Number(match[1]), 0);
    expect(toPortal.length).toBeGreaterThan(5);
    // At most: a request the pipeline passed may still be cut off by the browser before Squid sends it on.
    expect(toPortal.length).toBeLessThanOrEqual(passed);
    expect(stack.icapLog.filter((line) => line.includes('"level":"error"'))).toEqual([]);
  });
});

describe('when the ICAP service is down', () => {
  it('Squid (bypass=off) refuses the request; nothing reaches the portal unchecked', async () => {
    const closed = await startSquid({ ca: stack.ca, icapUrl: 'icap://127.0.0.1:9/reqmod', hosts: { 'portal.test': '127.0.0.1' } });
    const dispatcher = new ProxyAgent({ uri: closed.url, requestTls: { ca: stack.ca.certPem } });
    try {
      const before = stack.portal.mailbox.attachmentCount;
      const form = new FormData();
      form.append('file', new Blob(['Beste collega, de agenda voor dinsdag.']), 'agenda.txt');
      const response = await undiciFetch(`${site}/api/attachments`, { method: 'POST', body: form, dispatcher });
      await response.arrayBuffer();
      expect(response.status).toBeGreaterThanOrEqual(500);
      expect(stack.portal.mailbox.attachmentCount).toBe(before);
      expect((await closed.accessLog()).filter((line) => line.includes(' HIER_DIRECT ') && !line.includes(' CONNECT '))).toEqual([]);
    } finally {
      await dispatcher.close();
      await closed.close();
    }
  }, 60_000);
});

