/// <reference types="chrome" />
// The office gateway shape with the extension: Chromium with the built extension goes through a
// real Squid (ssl_bump, the test CA trusted) to the demo portal over HTTPS as portal.test, Squid
// hands every request for it to `export-guard icap`. The extension's proxyUrl is the portal's
// own address: its API calls go through the gateway and are answered by the ICAP service.
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ElementHandle, Page } from 'puppeteer-core';
import { ProxyAgent, request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPortal, type Portal } from '../../demo-portal/server.js';
import { EXTENSION_ORIGIN } from '../../extension/extension-id.js';
import { parseConfig } from '../../proxy/config.js';
import { startIcap, type RunningIcap } from '../../proxy/icap/server.js';
import { hashToken, newToken } from '../../proxy/identity/tokens.js';
import { writeUsersFile } from '../../proxy/identity/users-file.js';
import { createLogger } from '../../proxy/log.js';
import { HEADERS, ROUTES } from '../../shared/api.js';
import { DEFAULT_POLICY } from '../../shared/policy/defaults.js';
import { CHROMIUM_EXTENSION_DIR, openCompose } from '../helpers/browser.js';
import { APPROVER, CASEWORKER } from '../helpers/four-eyes-stack.js';
import { fixturePath } from '../helpers/fixtures.js';
import { createTestCa, launchThroughGateway, startSquid, type GatewayBrowser, type RunningSquid, type TestCa } from '../helpers/squid.js';
import { waitForPanelText } from '../helpers/waiting-panel.js';
import { ensureExtensionBuilt } from '../extension/setup.js';

const PORTAL_SITE = 'https://portal.test/*';

let dir: string;
let ca: TestCa;
let portal: Portal;
let icap: RunningIcap;
let squid: RunningSquid;
let gateway: GatewayBrowser;
let page: Page;
let site: string;
const tokens = { caseworker: newToken(), approver: newToken() };

beforeAll(async () => {
  await ensureExtensionBuilt();
  dir = await mkdtemp(join(tmpdir(), 'export-guard-icap-extension-'));
  writeUsersFile(join(dir, 'users.json'), {
    users: [
      { ...CASEWORKER, tokenSha256: hashToken(tokens.caseworker) },
      { ...APPROVER, tokenSha256: hashToken(tokens.approver) },
    ],
  });
  // The office's policy names the portal, so the extension guards it too.
  await writeFile(join(dir, 'policy.json'), JSON.stringify({ version: 1, protectedSites: [...DEFAULT_POLICY.protectedSites, PORTAL_SITE] }));
  ca = await createTestCa();
  portal = await startPortal({ tls: await ca.issue('portal.test') });
  site = `https://portal.test:${new URL(portal.url).port}`;
  const config = parseConfig({
    target: 'http://127.0.0.1:1',
    listen: '127.0.0.1:0',
    scan: { workers: 1 },
    policy: join(dir, 'policy.json'),
    identity: { usersFile: join(dir, 'users.json'), extensionOrigins: [EXTENSION_ORIGIN] },
    store: { sqlite: join(dir, 'state.db') },
  }, process.cwd());
  icap = await startIcap(config, { host: '127.0.0.1', port: 0 }, { log: createLogger('error', () => undefined) });
  squid = await startSquid({ ca, icapUrl: icap.url, hosts: { 'portal.test': '127.0.0.1' } });
  gateway = await launchThroughGateway(squid.url, ca, await buildGrantingPortal());
  const worker = await gateway.worker();
  await worker.evaluate((values) => chrome.storage.local.set(values), { language: 'nl', proxyUrl: site, token: tokens.caseworker });
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
  await squid?.close();
  await icap?.close();
  await portal?.close();
  await ca?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** A copy of the build with host access to the portal granted at install, as an office's build for its portal has. */
async function buildGrantingPortal(): Promise<string> {
  const copy = join(dir, 'chromium');
  await cp(CHROMIUM_EXTENSION_DIR, copy, { recursive: true });
  const manifest = JSON.parse(await readFile(join(copy, 'manifest.json'), 'utf8')) as { host_permissions: string[] };
  manifest.host_permissions.push(PORTAL_SITE);
  await writeFile(join(copy, 'manifest.json'), JSON.stringify(manifest));
  return copy;
}

/** The approver's side, through the gateway as their extension calls the API. */
async function api(token: string, method: 'GET' | 'POST', path: string, body?: unknown): Promise<any> {
  const dispatcher = new ProxyAgent({ uri: squid.url, requestTls: { ca: ca.certPem } });
  try {
    const response = await request(`${site}${path}`, {
      method,
      dispatcher,
      headers: { origin: EXTENSION_ORIGIN, [HEADERS.token]: token, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    expect(response.statusCode, `${method} ${path}`).toBeLessThan(300);
    return await response.body.json();
  } finally {
    await dispatcher.close();
  }
}

async function pick(name: 'leak-4.xlsx' | 'letter.pdf'): Promise<void> {
  const input = (await page.$('#file-input')) as ElementHandle<HTMLInputElement>;
  await input.uploadFile(await fixturePath(name));
}

const uploadsSent = async () => (await squid.accessLog()).filter((line) => line.includes(` POST ${site}/api/attachments `));

describe('through Squid and the ICAP service, with the extension', () => {
  it('the extension holds an export in the browser: its dialog, and no upload leaves', async () => {
    const before = (await uploadsSent()).length;
    await pick('leak-4.xlsx');
    await page.waitForSelector('export-guard-dialog', { timeout: 30_000 });
    expect(await uploadsSent()).toHaveLength(before);
    expect(portal.mailbox.attachmentCount).toBe(0);
    // Its API calls (the policy, who the token belongs to) went through the gateway with the token, answered by the service.
    const apiCalls = (await squid.accessLog()).filter((line) => line.includes(`${site}/__export-guard/api/`));
    expect(apiCalls.length).toBeGreaterThan(0);
    for (const line of apiCalls) expect(line).toMatch(new RegExp(` HIER_NONE .* token-in=${tokens.caseworker} `));
    await page.reload();
    await page.waitForFunction(() => document.querySelectorAll('#recipients li').length > 0, { timeout: 30_000 });
  }, 60_000);

  it('a bulk send waits in the browser until the approver approves through the gateway, then goes out once without the token', async () => {
    await pick('letter.pdf');
    await page.waitForSelector('#attachments li', { timeout: 30_000 });
    const recipients = portal.jobSeekers.slice(0, 3).map((person) => person.id);
    for (const id of recipients) await page.click(`input.recipient[value="${id}"]`);
    await page.type('#subject', 'Uitnodiging banenmarkt');
    const sentBefore = portal.mailbox.sent().length;
    await page.click('#send');
    expect(await waitForPanelText(page, /Wacht op goedkeuring/)).toContain(`Kan goedkeuren: ${APPROVER.name}`);
    expect(portal.mailbox.sent().length).toBe(sentBefore);

    const pending = (await api(tokens.approver, 'GET', `${ROUTES.approvals}?state=pending`)) as { approvals: { id: string; subject: string; attachments: { name: string; verdict: string }[] }[] };
    const request = pending.approvals.find((approval) => approval.subject === 'Uitnodiging banenmarkt')!;
    // Uploaded through the gateway, and shown to the approver as checked (the portal's answer came back through RESPMOD).
    expect(request.attachments).toEqual([expect.objectContaining({ name: 'letter.pdf', verdict: 'allow' })]);
    await api(tokens.approver, 'POST', ROUTES.decision(request.id), { decision: 'approve' });

    await page.waitForFunction(() => /Verstuurd naar 3 ontvangers/.test(document.getElementById('status')?.textContent ?? ''), { timeout: 30_000 });
    expect(portal.mailbox.sent().length).toBe(sentBefore + 1);
    for (const id of recipients) expect(portal.mailbox.inbox(id).map((message) => message.subject)).toEqual(['Uitnodiging banenmarkt']);
    // Every request of the page carried the token to the gateway; the one send that reached the portal went without it.
    const sends = (await squid.accessLog()).filter((line) => line.includes(` POST ${site}/api/messages `) && line.includes(' HIER_DIRECT '));
    expect(sends).toHaveLength(1);
    expect(sends[0]).toMatch(new RegExp(` token-in=${tokens.caseworker} token-out=-$`));
  }, 60_000);
});
