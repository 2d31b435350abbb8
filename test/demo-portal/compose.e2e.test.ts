// The compose page in real Chromium (no extension), behind the real proxy: recipients, live
// count, picker and drop-zone uploads, the proxy's refusals shown to the caseworker, and the
// message arriving in a job seeker's inbox.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import puppeteer, { type Browser, type ElementHandle, type Page } from 'puppeteer-core';
import { startPortal, type Portal } from '../../demo-portal/server.js';
import { fixtureBytes, fixturePath, type FixtureName } from '../helpers/fixtures.js';
import { CHROMIUM_PATH, logIn } from '../helpers/browser.js';
import { startTestProxy, type TestProxy } from '../proxy/start.js';

let portal: Portal;
let proxy: TestProxy;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  portal = await startPortal();
  proxy = await startTestProxy(portal.url);
  browser = await puppeteer.launch({ executablePath: CHROMIUM_PATH, headless: true, args: ['--no-sandbox', '--disable-gpu', '--no-first-run'] });
  page = await browser.newPage();
  await logIn(page, proxy.url, 'Chantal Bakker');
  await page.waitForSelector('input.recipient');
});
afterAll(async () => {
  await browser?.close();
  await proxy?.close();
  await portal?.close();
});

const text = (selector: string) => page.$eval(selector, (element) => element.textContent ?? '');

async function pick(name: FixtureName): Promise<void> {
  const input = (await page.$('#file-input')) as ElementHandle<HTMLInputElement>;
  await input.uploadFile(await fixturePath(name));
}

/** Drops a file on the drop zone the way a browser does: a drop event carrying a DataTransfer. */
async function drop(name: string, bytes: Uint8Array): Promise<void> {
  await page.evaluate(
    (fileName, base64) => {
      const data = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
      const transfer = new DataTransfer();
      transfer.items.add(new File([data], fileName));
      document.getElementById('drop-zone')!.dispatchEvent(new DragEvent('drop', { dataTransfer: transfer, bubbles: true, cancelable: true }));
    },
    name,
    Buffer.from(bytes).toString('base64'),
  );
}

describe('compose page', () => {
  it('selects a filtered group with select-all and counts it live', async () => {
    await page.select('#filter-place', 'Utrecht');
    await page.click('#select-all');
    const expected = portal.jobSeekers.filter((p) => p.place === 'Utrecht').length;
    expect(await text('#recipient-count')).toBe(String(expected));
    await page.click('#select-all');
    expect(await text('#recipient-count')).toBe('0');
  });

  it('shows the proxy\'s refusal when an export is dropped, and attaches nothing', async () => {
    await drop('deelnemers.xlsx', await fixtureBytes('leak-1.xlsx'));
    await page.waitForFunction(() => document.getElementById('status')!.className === 'error');
    expect(await text('#status')).toContain('tegengehouden');
    expect(await page.$$eval('#attachments li', (items) => items.length)).toBe(0);
  });

  it('uploads a harmless file from the picker and sends it into the inbox', async () => {
    await pick('letter.pdf');
    await page.waitForSelector('#attachments li');
    expect(await text('#attachments')).toContain('letter.pdf');

    const recipient = portal.jobSeekers.find((p) => p.place === 'Utrecht')!;
    await page.click(`input.recipient[value="${recipient.id}"]`);
    expect(await text('#recipient-count')).toBe('1');
    await page.type('#subject', 'Uitnodiging workshop');
    await page.type('#body', 'Graag tot donderdag.');
    await page.click('#send');
    await page.waitForFunction(() => document.getElementById('status')!.className === 'ok' && document.getElementById('status')!.textContent!.startsWith('Verstuurd'));
    expect(await text('#status')).toBe('Verstuurd naar 1 ontvangers.');

    const inbox = await browser.newPage();
    await inbox.goto(`${proxy.url}/inbox/${recipient.id}`);
    await inbox.waitForSelector('.message a.attachment');
    expect(await inbox.$eval('.message h3', (h) => h.textContent)).toBe('Uitnodiging workshop');
    expect(await inbox.$eval('.message a.attachment', (a) => a.textContent)).toContain('letter.pdf');
    await inbox.close();
  });

  it('shows the proxy\'s answer when a group send needs a second person (428) and delivers nothing', async () => {
    await pick('letter.pdf');
    await page.waitForSelector('#attachments li');
    await page.click('#select-all');
    const before = portal.mailbox.sent().length;
    await page.click('#send');
    await page.waitForFunction(() => document.getElementById('status')!.className === 'error');
    expect(await text('#status')).toContain('goedkeuring');
    expect(portal.mailbox.sent().length).toBe(before);
  });
});

describe('logging in', () => {
  it('waits for the list of caseworkers, which the login page fetches after it has loaded', async () => {
    const slow = await browser.newPage();
    try {
      // On a busy machine that list arrived after the test had already chosen a name from it.
      await slow.setRequestInterception(true);
      slow.on('request', (request) => {
        const delay = request.url().endsWith('/api/caseworkers') ? 1500 : 0;
        setTimeout(() => void request.continue(), delay);
      });
      await logIn(slow, proxy.url, 'Chantal Bakker');
      expect(new URL(slow.url()).pathname).toBe('/compose');
      await slow.waitForSelector('input.recipient');
    } finally {
      await slow.close();
    }
  });
});
