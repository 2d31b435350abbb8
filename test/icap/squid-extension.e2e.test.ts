/// <reference types="chrome" />
// The office gateway shape with the extension: Chromium with the built extension goes through a
// real Squid (ssl_bump, the test CA trusted) to the demo portal over HTTPS as portal.test, Squid
// hands every request for it to `export-guard icap`. The extension's proxyUrl is the portal's
// own address: its API calls go through the gateway and are answered by the ICAP service.
import { cp, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ElementHandle, Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROUTES } from '../../shared/api.js';
import { DEFAULT_POLICY } from '../../shared/policy/defaults.js';
import { CHROMIUM_EXTENSION_DIR, openCompose } from '../helpers/browser.js';
import { APPROVER, CASEWORKER } from '../helpers/four-eyes-stack.js';
import { fixturePath } from '../helpers/fixtures.js';
import { launchThroughGateway, type GatewayBrowser } from '../helpers/squid.js';
import { waitForPanelText } from '../helpers/waiting-panel.js';
import { ensureExtensionBuilt } from '../extension/setup.js';
import { startGatewayStack, type GatewayStack } from './gateway-stack.js';

const PORTAL_SITE = 'https://portal.test/*';

let stack: GatewayStack;
let gateway: GatewayBrowser;
let page: Page;
let site: string;

beforeAll(async () => {
  await ensureExtensionBuilt();
  // The office's policy names the portal, so the extension guards it too.
  stack = await startGatewayStack({ policy: { version: 1, protectedSites: [...DEFAULT_POLICY.protectedSites, PORTAL_SITE] } });
  site = stack.site;
  gateway = await launchThroughGateway(stack.squid.url, stack.ca, await buildGrantingPortal());
  const worker = await gateway.worker();
  await worker.evaluate((values) => chrome.storage.local.set(values), { language: 'nl', proxyUrl: site, token: stack.tokens.caseworker });
  // The extension learns of the portal from the service's policy (fetched through the gateway), then guards its pages.
  for (let tries = 0; !(await worker.evaluate(async () => (await chrome.scripting.getRegisteredContentScripts()).some((script) => script.matches?.includes('https://portal.test/*')))); tries++) {
    if (tries === 80) throw new Error('the extension never started guarding portal.test');
    await new Promise((done) => setTimeout(done, 250));
  }
  page = await gateway.browser.newPage();
  await openCompose(page, site, CASEWORKER.name);
}, 60_000);

afterAll(async () => {
  await gateway?.close();
  await stack?.close();
});

/** A copy of the build with host access to the portal granted at install, as an office's build for its portal has. */
async function buildGrantingPortal(): Promise<string> {
  const copy = join(stack.dir, 'chromium');
  await cp(CHROMIUM_EXTENSION_DIR, copy, { recursive: true });
  const manifest = JSON.parse(await readFile(join(copy, 'manifest.json'), 'utf8')) as { host_permissions: string[] };
  manifest.host_permissions.push(PORTAL_SITE);
  await writeFile(join(copy, 'manifest.json'), JSON.stringify(manifest));
  return copy;
}

/** The approver's side, through the gateway as their extension calls the API. */
async function api(token: string, method: 'GET' | 'POST', path: string, body?: unknown): Promise<any> {
  const response = await stack.api(token, method, path, body);
  expect(response.status, `${method} ${path}`).toBeLessThan(300);
  return response.json;
}

async function pick(name: 'leak-4.xlsx' | 'letter.pdf'): Promise<void> {
  const input = (await page.$('#file-input')) as ElementHandle<HTMLInputElement>;
  await input.uploadFile(await fixturePath(name));
}

const uploadsSent = async () => (await stack.squid.accessLog()).filter((line) => line.includes(` POST ${site}/api/attachments `));

describe('through Squid and the ICAP service, with the extension', () => {
  it('the extension holds an export in the browser: its dialog, and no upload leaves', async () => {
    const before = (await uploadsSent()).length;
    await pick('leak-4.xlsx');
    await page.waitForSelector('export-guard-dialog', { timeout: 30_000 });
    expect(await uploadsSent()).toHaveLength(before);
    expect(stack.portal.mailbox.attachmentCount).toBe(0);
    // Its API calls (the policy, who the token belongs to) went through the gateway with the token, answered by the service.
    const apiCalls = (await stack.squid.accessLog()).filter((line) => line.includes(`${site}/__export-guard/api/`));
    expect(apiCalls.length).toBeGreaterThan(0);
    for (const line of apiCalls) expect(line).toMatch(new RegExp(` HIER_NONE .* token-in=${stack.tokens.caseworker} `));
    await page.reload();
    await page.waitForFunction(() => document.querySelectorAll('#recipients li').length > 0, { timeout: 30_000 });
  }, 60_000);

  it('a bulk send waits in the browser until the approver approves through the gateway, then goes out once without the token', async () => {
    await pick('letter.pdf');
    await page.waitForSelector('#attachments li', { timeout: 30_000 });
    const recipients = stack.portal.jobSeekers.slice(0, 3).map((person) => person.id);
    for (const id of recipients) await page.click(`input.recipient[value="${id}"]`);
    await page.type('#subject', 'Uitnodiging banenmarkt');
    const sentBefore = stack.portal.mailbox.sent().length;
    await page.click('#send');
    expect(await waitForPanelText(page, /Wacht op goedkeuring/)).toContain(`Kan goedkeuren: ${APPROVER.name}`);
    expect(stack.portal.mailbox.sent().length).toBe(sentBefore);

    const pending = (await api(stack.tokens.approver, 'GET', `${ROUTES.approvals}?state=pending`)) as { approvals: { id: string; subject: string; attachments: { name: string; verdict: string }[] }[] };
    const request = pending.approvals.find((approval) => approval.subject === 'Uitnodiging banenmarkt')!;
    // Uploaded through the gateway, and shown to the approver as checked (the portal's answer came back through RESPMOD).
    expect(request.attachments).toEqual([expect.objectContaining({ name: 'letter.pdf', verdict: 'allow' })]);
    await api(stack.tokens.approver, 'POST', ROUTES.decision(request.id), { decision: 'approve' });

    await page.waitForFunction(() => /Verstuurd naar 3 ontvangers/.test(document.getElementById('status')?.textContent ?? ''), { timeout: 30_000 });
    expect(stack.portal.mailbox.sent().length).toBe(sentBefore + 1);
    for (const id of recipients) expect(stack.portal.mailbox.inbox(id).map((message) => message.subject)).toEqual(['Uitnodiging banenmarkt']);
    // Every request of the page carried the token to the gateway; the one send that reached the portal went without it.
    const sends = (await stack.squid.accessLog()).filter((line) => line.includes(` POST ${site}/api/messages `) && line.includes(' HIER_DIRECT '));
    expect(sends).toHaveLength(1);
    expect(sends[0]).toMatch(new RegExp(` token-in=${stack.tokens.caseworker} token-out=-$`));
  }, 60_000);
});
