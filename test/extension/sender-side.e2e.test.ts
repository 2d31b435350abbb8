// The sender's side of four-eyes in a real Chromium with the built extension: the caseworker
// withdraws a waiting send from the panel (nothing goes out, the proxy records it), a bulk send
// split into single sends is held from the second one (the proxy tells the extension), and a
// caseworker whose token is wrong reads what to do and gets to the settings page in one click,
// never a header name.
import type { Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HEADERS, ROUTES } from '../../shared/api.js';
import { launchWithExtension, logIn, type ExtensionBrowser } from '../helpers/browser.js';
import { fixturePath } from '../helpers/fixtures.js';
import { APPROVER, CASEWORKER, configureExtension, startFourEyesStack, type FourEyesStack } from '../helpers/four-eyes-stack.js';
import { clickPanelButton, waitForPanelText } from '../helpers/waiting-panel.js';
import { ensureExtensionBuilt } from './setup.js';

/** More than the 100 a send without attachment may go to unapproved: no upload to wait for. */
const RECIPIENTS = 101;
const FLOW_TIMEOUT_MS = 150_000; // a browser, a portal and a proxy on two shared cores: 40 s per test measured

let stack: FourEyesStack | undefined;
let caseworker: ExtensionBrowser | undefined;

beforeAll(async () => {
  await ensureExtensionBuilt();
  stack = await startFourEyesStack();
  caseworker = await launchWithExtension();
});

afterAll(async () => {
  await caseworker?.close();
  await stack?.close();
});

/** Logs the caseworker in and sends a message to `count` job seekers from `first` on, with a file when asked. */
async function sendTo(subject: string, { first = 0, count = RECIPIENTS, attach = false } = {}): Promise<{ page: Page; firstRecipient: string }> {
  const page = await caseworker!.browser.newPage();
  await logIn(page, stack!.proxy.url, CASEWORKER.name);
  await page.waitForSelector('input.recipient');
  const firstRecipient = await page.$$eval('input.recipient', (boxes, [from, n]) => {
    for (const box of boxes.slice(from, from + n)) (box as HTMLInputElement).click();
    return (boxes[from] as HTMLInputElement).value;
  }, [first, count] as const);
  if (attach) {
    const input = await page.$('#file-input');
    await (input as unknown as { uploadFile(path: string): Promise<void> }).uploadFile(await fixturePath('vacancies.xlsx'));
    await page.waitForSelector('#attachments li', { timeout: 45_000 });
  }
  await page.type('#subject', subject);
  await page.type('#body', 'Beste werkzoekende, tot ziens op de banenmarkt.');
  await page.click('#send');
  return { page, firstRecipient };
}

async function inboxSubjects(jobSeekerId: string): Promise<string[]> {
  const inbox = (await (await fetch(`${stack!.portal.url}/api/inbox/${encodeURIComponent(jobSeekerId)}`)).json()) as { messages: { subject: string }[] };
  return inbox.messages.map((m) => m.subject);
}

describe("the sender's side", { timeout: FLOW_TIMEOUT_MS }, () => {
  it('the caseworker withdraws a waiting send: nothing goes out and the proxy has it withdrawn', async () => {
    await configureExtension(caseworker!, { proxyUrl: stack!.proxy.url, token: stack!.tokens.caseworker });
    const subject = 'Banenmarkt, toch niet';
    const { page, firstRecipient } = await sendTo(subject);
    const waiting = await waitForPanelText(page, /Wacht op goedkeuring/);
    expect(waiting).toContain(`Kan goedkeuren: ${APPROVER.name}`);
    expect(waiting).toContain('Export Guard-knop in de werkbalk');

    await clickPanelButton(page, 'Intrekken');
    expect(await waitForPanelText(page, /Verzoek ingetrokken/)).toContain('Het bericht is niet verstuurd.');
    await page.waitForFunction(() => /niet verstuurd/.test(document.getElementById('status')?.textContent ?? ''), { timeout: 15_000 });
    const listed = await fetch(`${stack!.proxy.url}${ROUTES.approvals}?state=withdrawn`, { headers: { [HEADERS.token]: stack!.tokens.approver } });
    expect(((await listed.json()) as { approvals: { subject: string }[] }).approvals.map((a) => a.subject)).toContain(subject);
    expect(await inboxSubjects(firstRecipient)).not.toContain(subject);
    await page.close();
  });

  it('holds the second single-recipient send of the same file: split sends are one bulk send', async () => {
    await configureExtension(caseworker!, { proxyUrl: stack!.proxy.url, token: stack!.tokens.caseworker });
    const first = await sendTo('Vacatures voor u', { first: 10, count: 1, attach: true });
    await first.page.waitForFunction(() => /Verstuurd naar 1 ontvangers/.test(document.getElementById('status')?.textContent ?? ''), { timeout: 30_000 });
    // The same file uploaded again (a new attachment id) to someone else: the proxy counts two recipients.
    const second = await sendTo('Vacatures voor u', { first: 11, count: 1, attach: true });
    expect(await waitForPanelText(second.page, /Wacht op goedkeuring/)).toContain('aan 1 ontvangers met 1 bijlage');
    await clickPanelButton(second.page, 'Intrekken');
    await waitForPanelText(second.page, /Verzoek ingetrokken/);
    expect(await inboxSubjects(second.firstRecipient)).not.toContain('Vacatures voor u');
    await Promise.all([first.page.close(), second.page.close()]);
  });

  it('a wrong token: a plain message and a button to the settings page, no header name', async () => {
    await configureExtension(caseworker!, { proxyUrl: stack!.proxy.url, token: 'not-the-token-IT-gave' });
    const { page } = await sendTo('Met een verkeerd token');
    const panel = await waitForPanelText(page, /herkent u niet/);
    expect(panel).toContain('Vul bij Instellingen het token in dat u van IT kreeg');
    expect(panel).not.toMatch(/x-export-guard|header/i);

    const optionsOpened = caseworker!.browser.waitForTarget((target) => target.url().endsWith('/options/options.html'), { timeout: 15_000 });
    await clickPanelButton(page, 'Instellingen openen');
    expect((await optionsOpened).url()).toBe(`chrome-extension://${caseworker!.extensionId}/options/options.html`);
    await page.close();
  });
});
