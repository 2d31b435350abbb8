/// <reference types="chrome" />
// Four-eyes from the browser, end to end: the demo portal behind the real proxy (identity,
// approvals, SQLite store), a caseworker and an approver each in their own Chromium profile with
// the built extension. A bulk send waits in the caseworker's browser until the approver confirms
// it in the popup, and only then reaches the job seekers' inboxes; a rejection stops it; nobody
// approves their own send; and without the extension the proxy alone still refuses.
import type { Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HEADERS, ROUTES, type ApprovalView } from '../../shared/api.js';
import { fixtureBytes, fixturePath } from '../helpers/fixtures.js';
import { launchWithExtension, logIn, type ExtensionBrowser } from '../helpers/browser.js';
import { APPROVER, CASEWORKER, configureExtension, startFourEyesStack, type FourEyesStack } from '../helpers/four-eyes-stack.js';
import { ensureExtensionBuilt } from './setup.js';
import { screenshotPath } from '../helpers/screenshots.js';
import { waitForPanelText } from '../helpers/waiting-panel.js';

const RECIPIENTS = 215; // the average group message of BACKGROUND.md
const FLOW_TIMEOUT_MS = 90_000; // two browsers, a portal and a proxy on two shared cores

let stack: FourEyesStack | undefined;
let caseworker: ExtensionBrowser | undefined;
let approver: ExtensionBrowser | undefined;

beforeAll(async () => {
  await ensureExtensionBuilt();
  stack = await startFourEyesStack();
  [caseworker, approver] = await Promise.all([launchWithExtension(), launchWithExtension()]);
  await Promise.all([
    configureExtension(caseworker, { proxyUrl: stack.proxy.url, token: stack.tokens.caseworker }),
    configureThroughOptionsPage(approver, stack.proxy.url, stack.tokens.approver),
  ]);
});

/** The approver sets up their own browser in the options page, which checks the token with the proxy. */
async function configureThroughOptionsPage(chromium: ExtensionBrowser, proxyUrl: string, token: string): Promise<void> {
  await configureExtension(chromium, {});
  const options = await chromium.openExtensionPage('options/options.html');
  await options.waitForFunction(() => (document.getElementById('proxyUrl') as HTMLInputElement).value !== '');
  await options.$eval('#proxyUrl', (e, url) => ((e as HTMLInputElement).value = url), proxyUrl);
  await options.type('#token', token);
  await options.click('#save');
  await options.waitForFunction(
    (expected) => document.getElementById('status')?.textContent === expected,
    { timeout: 15_000 },
    `Opgeslagen. Verbonden als ${APPROVER.name} (team ${APPROVER.team}).`,
  );
  await options.close();
}

afterAll(async () => {
  await Promise.allSettled([caseworker?.close(), approver?.close()]);
  await stack?.close();
});

/** Logs the caseworker into the portal (through the proxy) and writes a group message. */
async function composeBulkSend(
  subject: string,
  { attach = true, site = stack!.proxy.url } = {},
): Promise<{ page: Page; recipientIds: string[] }> {
  const page = await caseworker!.browser.newPage();
  await logIn(page, site, CASEWORKER.name);
  await page.waitForSelector('input.recipient');
  const recipientIds = await page.$$eval('input.recipient', (boxes, count) => {
    const chosen = boxes.slice(0, count) as HTMLInputElement[];
    for (const box of chosen) box.click();
    return chosen.map((box) => box.value);
  }, RECIPIENTS);
  await page.waitForFunction((n) => document.getElementById('recipient-count')?.textContent === String(n), {}, RECIPIENTS);
  await page.type('#subject', subject);
  await page.type('#body', 'Beste werkzoekende,\n\nIn de bijlage vindt u de vacatures van deze week.\n\nMet vriendelijke groet');
  if (attach) {
    const input = await page.$('#file-input');
    await (input as unknown as { uploadFile(path: string): Promise<void> }).uploadFile(await fixturePath('vacancies.xlsx'));
    await page.waitForSelector('#attachments li', { timeout: 45_000 });
  }
  return { page, recipientIds };
}

async function inboxSubjects(jobSeekerId: string): Promise<string[]> {
  const response = await fetch(`${stack!.portal.url}/api/inbox/${encodeURIComponent(jobSeekerId)}`);
  const inbox = (await response.json()) as { messages: { subject: string }[] };
  return inbox.messages.map((m) => m.subject);
}

/** Opens the popup page in a tab of this profile and waits for the request with this subject. */
async function requestInPopup(chromium: ExtensionBrowser, subject: string, open?: Page): Promise<{ popup: Page; card: string }> {
  const popup = open ?? (await chromium.openExtensionPage('popup/popup.html'));
  const id = await popup.waitForFunction(
    (s) => [...document.querySelectorAll('article.request')].find((a) => a.querySelector('h2')?.textContent === s)?.getAttribute('data-id'),
    { timeout: 15_000 },
    subject,
  );
  return { popup, card: `article.request[data-id="${(await id.jsonValue()) as string}"]` };
}

/** The toolbar badge of this profile's extension, once it shows `expected` (or the last value). */
async function badgeText(chromium: ExtensionBrowser, expected: string): Promise<string> {
  const worker = await chromium.worker();
  let text = '';
  for (let tries = 0; tries < 40 && text !== expected; tries++) {
    if (tries > 0) await new Promise((r) => setTimeout(r, 250));
    text = await worker.evaluate(() => chrome.action.getBadgeText({}));
  }
  return text;
}

/** The names the portal gives the recipients are on the card, and the list finds one by name. */
async function seesRecipients(popup: Page, card: string, recipientIds: string[]): Promise<void> {
  const people = recipientIds.map((id) => stack!.portal.jobSeekers.find((p) => p.id === id)!);
  const nameOf = (p: (typeof people)[number]) => `${p.initials} ${p.surname}`;
  await popup.waitForFunction(
    (sel, name) => document.querySelector(`${sel} .recipients summary`)?.textContent?.includes(name),
    { timeout: 15_000 },
    card,
    nameOf(people[0]!),
  );
  expect(await popup.$eval(`${card} .recipients summary`, (e) => e.textContent)).toMatch(new RegExp(`^${RECIPIENTS} ontvangers: `));
  await popup.click(`${card} .recipients summary`);
  const last = people[RECIPIENTS - 1]!;
  await popup.type(`${card} .recipient-search`, last.id);
  const found = await popup.$$eval(`${card} .recipient-list li`, (items) => items.map((li) => li.textContent));
  expect(found).toEqual([`${nameOf(last)} ${last.id}`]);
  await popup.$eval(`${card} .recipient-search`, (e) => ((e as HTMLInputElement).value = ''));
  await popup.type(`${card} .recipient-search`, people[1]!.surname);
  expect(await popup.$$eval(`${card} .recipient-list li .name`, (items) => items.map((li) => li.textContent))).toContain(nameOf(people[1]!));
}

/** The attachment opens as a table: its first rows, and what the detector found per column. */
async function opensPreview(popup: Page, card: string): Promise<void> {
  await popup.click(`${card} button.open-preview`);
  await popup.waitForSelector(`${card} .table-preview table`, { timeout: 30_000 });
  const sheet = await popup.$eval(`${card} .table-preview`, (preview) => ({
    caption: preview.querySelector('h3')?.textContent ?? '',
    summary: preview.querySelector('.sheet-findings')?.textContent ?? '',
    letters: [...preview.querySelectorAll('thead tr:first-child th')].map((th) => th.textContent),
    found: [...preview.querySelectorAll('tr.findings td')].map((td) => td.textContent),
    rows: preview.querySelectorAll('tbody tr').length,
    firstCell: preview.querySelector('tbody tr td')?.textContent,
  }));
  expect(sheet.caption).toMatch(/^Vacatures: eerste 20 van \d+ rijen$/);
  expect(sheet.summary).toMatch(/^Gevonden per kolom: D 'Plaats': \d+ woonplaatsen$/);
  expect(sheet.letters.slice(0, 4)).toEqual(['', 'A', 'B', 'C']);
  expect(sheet.found.filter(Boolean).join(' ')).toMatch(/plaats/i);
  expect(sheet.rows).toBe(20);
  expect(sheet.firstCell).not.toBe('');
}

async function apiCall(token: string, method: string, path: string, body?: unknown): Promise<Response> {
  return fetch(stack!.proxy.url + path, {
    method,
    headers: { [HEADERS.token]: token, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

describe('four-eyes from the browser', { timeout: FLOW_TIMEOUT_MS }, () => {
  it('holds a bulk send until an approver confirms it in the popup; then it reaches the inboxes', async () => {
    const subject = 'Vacatures deze week';
    const { page, recipientIds } = await composeBulkSend(subject);
    await page.click('#send');

    const panel = await waitForPanelText(page, /Wacht al 0:0[1-9]/);
    expect(panel).toContain('Wacht op goedkeuring');
    expect(panel).toContain(`Kan goedkeuren: ${APPROVER.name}`);
    expect(panel).toContain(`aan ${RECIPIENTS} ontvangers met 1 bijlage`);
    await page.screenshot({ path: screenshotPath('waiting.png') });
    expect(await inboxSubjects(recipientIds[0]!)).not.toContain(subject);

    // The approver works in the portal too: the popup names the recipients with that session.
    const portal = await approver!.browser.newPage();
    await logIn(portal, stack!.proxy.url, APPROVER.name);
    await portal.close();
    const { popup, card } = await requestInPopup(approver!, subject);
    const text = await popup.$eval(card, (e) => e.textContent ?? '');
    expect(text).toContain(CASEWORKER.name);
    expect(text).toContain(`${RECIPIENTS} ontvangers`);
    expect(text).toContain('vacancies.xlsx');
    expect(await popup.$(`${card} button.approve`)).not.toBeNull();
    expect(await badgeText(approver!, '1')).toBe('1');

    await seesRecipients(popup, card, recipientIds);
    await opensPreview(popup, card);
    await popup.setViewport({ width: 560, height: 900 });
    await popup.screenshot({ path: screenshotPath('popup.png'), fullPage: true });
    await popup.click(`${card} button.approve`);
    await popup.waitForFunction((sel) => !document.querySelector(sel), {}, card);
    expect(await badgeText(approver!, '')).toBe('');

    await page.waitForFunction(() => /Verstuurd naar 215 ontvangers/.test(document.getElementById('status')?.textContent ?? ''), { timeout: 15_000 });
    expect(await inboxSubjects(recipientIds[0]!)).toContain(subject);
    expect(await inboxSubjects(recipientIds[RECIPIENTS - 1]!)).toContain(subject);
    await Promise.all([page.close(), popup.close()]);
  });

  it("stops a rejected send: the caseworker sees the approver's reason and nothing arrives", async () => {
    const subject = 'Overzicht met gegevens';
    // The approver's popup is already open, and empty, when the request comes in: it appears live.
    const early = await approver!.openExtensionPage('popup/popup.html');
    await early.waitForFunction(() => /Er wachten geen verzoeken/.test(document.getElementById('requests')?.textContent ?? ''));
    // The approver is not logged in to the portal (any more): no names, but still whom by id.
    const cdp = await early.createCDPSession();
    await cdp.send('Network.clearBrowserCookies');
    await cdp.detach();
    const { page, recipientIds } = await composeBulkSend(subject);
    await page.click('#send');
    await waitForPanelText(page, /Wacht op goedkeuring/);

    const { popup, card } = await requestInPopup(approver!, subject, early);
    await popup.waitForSelector(`${card} .recipients-note:not([hidden]) a`, { timeout: 15_000 });
    expect(await popup.$eval(`${card} .recipients-note`, (e) => e.textContent)).toMatch(/Meld u in deze browser aan bij het portaal/);
    await popup.click(`${card} .recipients summary`);
    expect(await popup.$eval(`${card} .recipients summary`, (e) => e.textContent)).toBe(`${RECIPIENTS} ontvangers`);
    expect(await popup.$$eval(`${card} .recipient-list .id`, (ids) => ids.map((e) => e.textContent))).toEqual(recipientIds.slice(0, 200));
    expect(await popup.$eval(`${card} .recipients .meta`, (e) => e.textContent)).toBe(`En nog ${RECIPIENTS - 200}: zoek om ze te vinden.`);
    await popup.click(`${card} button.reject`);
    // A rejection without a reason is not sent to the proxy.
    expect(await popup.$eval(`${card} .error`, (e) => e.textContent)).toMatch(/reden/i);
    await popup.type(`${card} textarea.reason`, 'Gebruik de selectie in het portaal');
    await popup.click(`${card} button.reject`);
    await popup.waitForFunction((sel) => !document.querySelector(sel), {}, card);

    expect(await waitForPanelText(page, /Afgewezen door/)).toMatch(
      new RegExp(`Afgewezen door ${APPROVER.name}[\\s\\S]*Reden: Gebruik de selectie in het portaal`),
    );
    await page.waitForFunction(() => /Gebruik de selectie in het portaal/.test(document.getElementById('status')?.textContent ?? ''));
    expect(await inboxSubjects(recipientIds[0]!)).not.toContain(subject);
    await Promise.all([page.close(), popup.close()]);
  });

  it('holds a send made with XMLHttpRequest the same way, and the XHR gets the real answer once approved', async () => {
    const subject = 'Via XHR zonder bijlage';
    const { page, recipientIds } = await composeBulkSend(subject, { attach: false });
    // More than 100 recipients needs approval even without an attachment.
    const status = page.evaluate(
      (body) =>
        new Promise<number>((resolve) => {
          const xhr = new XMLHttpRequest();
          xhr.open('POST', '/api/messages');
          xhr.setRequestHeader('content-type', 'application/json');
          xhr.onload = () => resolve(xhr.status);
          xhr.onerror = () => resolve(-1);
          xhr.send(body);
        }),
      JSON.stringify({ recipientIds, subject, body: 'Tekst', attachmentIds: [] }),
    );
    expect(await waitForPanelText(page, /Wacht op goedkeuring/)).toContain(`aan ${RECIPIENTS} ontvangers met 0 bijlage`);
    const { popup, card } = await requestInPopup(approver!, subject);
    await popup.click(`${card} button.approve`);
    expect(await status).toBe(200);
    expect(await inboxSubjects(recipientIds[0]!)).toContain(subject);
    await Promise.all([page.close(), popup.close()]);
  });

  it('shows a caseworker their own request without buttons, and the proxy refuses their decision', async () => {
    const subject = 'Mijn eigen verzoek';
    const { page } = await composeBulkSend(subject);
    await page.click('#send');
    await waitForPanelText(page, /Wacht op goedkeuring/);

    const { popup, card } = await requestInPopup(caseworker!, subject);
    expect(await popup.$(`${card} button`)).toBeNull();
    expect(await popup.$eval(`${card} .note`, (e) => e.textContent)).toMatch(/eigen verzoek/);

    const list = (await (await apiCall(stack!.tokens.caseworker, 'GET', `${ROUTES.approvals}?state=pending`)).json()) as { approvals: ApprovalView[] };
    const own = list.approvals.find((a) => a.subject === subject)!;
    const refused = await apiCall(stack!.tokens.caseworker, 'POST', ROUTES.decision(own.id), { decision: 'approve' });
    expect(refused.status).toBe(403);
    await Promise.all([page.close(), popup.close()]);
  });
});

describe('a request nobody decides', { timeout: FLOW_TIMEOUT_MS }, () => {
  let shortLived: FourEyesStack | undefined;

  afterAll(async () => {
    await shortLived?.close();
    // The caseworker's browser goes back to the main proxy for any test that follows.
    await configureExtension(caseworker!, { proxyUrl: stack!.proxy.url, token: stack!.tokens.caseworker });
  });

  it('expires: the caseworker is told, and nothing is sent', async () => {
    shortLived = await startFourEyesStack({ validMinutes: 0.1 });
    await configureExtension(caseworker!, { proxyUrl: shortLived.proxy.url, token: shortLived.tokens.caseworker });
    const subject = 'Niemand beslist';
    const { page, recipientIds } = await composeBulkSend(subject, { attach: false, site: shortLived.proxy.url });
    await page.click('#send');
    await waitForPanelText(page, /Wacht op goedkeuring/);
    expect(await waitForPanelText(page, /verlopen/)).toContain('De goedkeuring is verlopen; het bericht is niet verstuurd.');
    await page.waitForFunction(() => /verlopen/.test(document.getElementById('status')?.textContent ?? ''));
    const inbox = (await (await fetch(`${shortLived.portal.url}/api/inbox/${recipientIds[0]!}`)).json()) as { messages: unknown[] };
    expect(inbox.messages).toEqual([]);
    await page.close();
  });
});

describe('without the extension, the proxy alone', () => {
  async function portalSession(): Promise<string> {
    const login = await fetch(`${stack!.proxy.url}/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ name: CASEWORKER.name }),
      redirect: 'manual',
    });
    return (login.headers.get('set-cookie') ?? '').split(';')[0]!;
  }

  it('refuses the export upload (422) and the unapproved bulk send (428)', async () => {
    const cookie = await portalSession();
    const headers = { cookie, [HEADERS.token]: stack!.tokens.caseworker };

    const exportUpload = new FormData();
    exportUpload.append('file', new Blob([Buffer.from(await fixtureBytes('leak-4.xlsx'))]), 'leak-4.xlsx');
    const refusedUpload = await fetch(`${stack!.proxy.url}/api/attachments`, { method: 'POST', headers, body: exportUpload });
    expect(refusedUpload.status).toBe(422);

    const cleanUpload = new FormData();
    cleanUpload.append('file', new Blob([Buffer.from(await fixtureBytes('vacancies.xlsx'))]), 'vacancies.xlsx');
    const uploaded = await fetch(`${stack!.proxy.url}/api/attachments`, { method: 'POST', headers, body: cleanUpload });
    expect(uploaded.status, await uploaded.clone().text()).toBe(200);
    const { id } = (await uploaded.json()) as { id: string };

    const recipientIds = stack!.portal.jobSeekers.slice(0, RECIPIENTS).map((p) => p.id);
    const send = await fetch(`${stack!.proxy.url}/api/messages`, {
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/json' },
      body: JSON.stringify({ recipientIds, subject: 'Zonder goedkeuring', body: 'tekst', attachmentIds: [id] }),
    });
    expect(send.status).toBe(428);
    expect(((await send.json()) as { error: string }).error).toBe('approval-required');
    expect(await inboxSubjects(recipientIds[0]!)).not.toContain('Zonder goedkeuring');
  });
});
