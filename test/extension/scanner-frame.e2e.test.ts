// The scanner frame (extension/scanner/): the content script puts it into the protected page, hands
// it the page's File by handle, and it judges the file with the shared detector. It lives in the
// page's DOM, so a page script can take it away: then the file it was to judge is blocked, never
// let through unchecked, and the next file gets a new scanner. A frame navigated away is replaced
// the same way. The page cannot find the frame to post to or navigate: it is in a closed shadow
// root and not among window.frames. And what the detector needs SheetJS for (xlsb) is judged there
// too, with SheetJS loaded on demand, not refused as unreadable.
/// <reference types="chrome" />
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Page } from 'puppeteer-core';
import { describe, expect, it, vi } from 'vitest';
import type { BlockedUploadEvent } from '../../shared/api.js';
import { failureReason } from '../../shared/detector/analyse/index.js';
import type { ExtensionBrowser } from '../helpers/browser.js';
import { fixturePath, type FixtureName } from '../helpers/fixtures.js';
import { siteForTests, tabPerTest } from '../helpers/upload-pages.js';
import { EXTENSION_ID } from '../../extension/extension-id.js';
import { SCANNER_CONNECT, SCANNER_PAGE } from '../../extension/scanner/protocol.js';

const DIALOG_HOST = 'export-guard-dialog';
const SCANNER_HOST = 'export-guard-scanner';
/** A host on no protected site's list (the built-in ones are localhost and 127.0.0.1). */
const ELSEWHERE = '127.0.0.2';

/** A file input that counts the files it was given, and a page script that can remove our scanner. */
const PAGE = `<!doctype html><meta charset="utf-8"><title>scanner frame</title>
<input type="file" id="file">
<script>
  window.changes = 0;
  document.getElementById('file').addEventListener('change', () => window.changes++);
  window.removeScanner = false;
  new MutationObserver((records) => {
    for (const record of records) {
      for (const node of record.addedNodes) if (window.removeScanner && node.localName === '${SCANNER_HOST}') node.remove();
    }
  }).observe(document.documentElement, { childList: true });
</script>`;

type ScannerPage = Window & { changes: number; removeScanner: boolean };

// A scan waits its turn behind everything else a loaded two-core machine runs.
vi.setConfig({ testTimeout: 90_000 });

const site = siteForTests({ '/scanner.html': PAGE, '/elsewhere.html': '<!doctype html><title>elsewhere</title>' });

describe('in Chromium', () => {
  let page: Page;
  let chromium: ExtensionBrowser;
  tabPerTest('chromium', () => `${site().url}/scanner.html`, (tab, launched) => {
    page = tab;
    chromium = launched;
  });

  /** The audit events waiting in the extension's queue (the test site is no proxy to take them), once `found` holds for one. */
  async function queuedEvent(found: (event: BlockedUploadEvent) => boolean): Promise<BlockedUploadEvent> {
    const worker = await chromium.worker();
    for (let tries = 0; ; tries++) {
      const queue = await worker.evaluate(async () => ((await chrome.storage.local.get('auditQueue')).auditQueue ?? []) as { event: BlockedUploadEvent }[]);
      const event = queue.map((queued) => queued.event).find(found);
      if (event) return event;
      if (tries === 120) throw new Error(`no such audit event among ${JSON.stringify(queue)}`);
      await new Promise((done) => setTimeout(done, 250));
    }
  }

  async function choose(name: FixtureName): Promise<void> {
    await (await page.$('input#file'))!.uploadFile(await fixturePath(name));
  }

  async function passed(count: number): Promise<void> {
    await page.waitForFunction((n) => (window as unknown as ScannerPage).changes === n, { timeout: 45_000 }, count);
  }

  /** The block dialog, read through the accessibility tree (it sees into the closed shadow root), then closed. */
  async function blockedSaying(): Promise<string> {
    await page.waitForSelector(DIALOG_HOST, { timeout: 45_000 });
    let description: string | undefined;
    for (let tries = 0; !description && tries < 40; tries++) {
      const dialog = await page.$('aria/[role="alertdialog"]');
      description = dialog ? (await page.accessibility.snapshot({ root: dialog }))?.description : undefined;
      if (!description) await new Promise((done) => setTimeout(done, 250));
    }
    await page.keyboard.press('Escape');
    await page.waitForSelector(DIALOG_HOST, { hidden: true });
    return description ?? '';
  }

  it('blocks the file when the page removes the scanner frame made for it, and judges the next file in a new one', async () => {
    await page.evaluate(() => ((window as unknown as ScannerPage).removeScanner = true));
    await choose('vacancies.xlsx');
    expect(await blockedSaying()).toMatch(/could not be checked|kon niet worden gecontroleerd/i);
    expect(await page.evaluate(() => (window as unknown as ScannerPage).changes)).toBe(0);
    // The unchecked block is evidence too: recorded by the file's hash, with the detector's code
    // for a scan that went wrong.
    const bytes = await readFile(await fixturePath('vacancies.xlsx'));
    const event = await queuedEvent((queued) => queued.fileName === 'vacancies.xlsx');
    expect(event).toMatchObject({
      sha256: createHash('sha256').update(bytes).digest('hex'),
      size: bytes.length,
      kind: 'unknown',
      reasonCodes: [failureReason({ code: 'internal-error', path: '', detail: '' }).code],
      columns: [],
      via: 'picker',
    });

    await page.evaluate(() => ((window as unknown as ScannerPage).removeScanner = false));
    await choose('schedule.csv');
    await passed(1);
  });

  it('replaces a scanner frame that was navigated away, and the page never finds it to do so', async () => {
    await choose('vacancies.xlsx');
    await passed(1);
    // Not in window.frames and behind a closed shadow root: a page script has no handle on it.
    expect(await page.evaluate((host) => [window.length, document.querySelector(host)?.shadowRoot ?? null], SCANNER_HOST)).toEqual([0, null]);

    const scanner = page.frames().find((frame) => frame.url().endsWith('/scanner/scanner.html'));
    expect(scanner).toBeDefined();
    // So the frame navigates itself (a page script cannot reach it to).
    await scanner!.evaluate((url) => void (location.href = url), `${site().url}/elsewhere.html`);
    // The content script sees the second load and drops that frame with its host.
    await page.waitForFunction((host) => document.querySelector(host) === null, { timeout: 15_000 }, SCANNER_HOST);

    await choose('schedule.csv');
    await passed(2);
    await choose('leak-3-bsn-only.csv');
    expect(await blockedSaying()).not.toMatch(/could not be checked|kon niet worden gecontroleerd/i);
    expect(await page.evaluate(() => (window as unknown as ScannerPage).changes)).toBe(2);
  });

  it('judges nothing for a page elsewhere that loads the scanner frame itself', async () => {
    // Any web page may load the frame (sites are also named at run time, after the build), so the
    // background must refuse it the policy unless its tab is on a protected site.
    const server = createServer((_, response) => response.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>elsewhere</title>'));
    await new Promise<void>((listening) => server.listen(0, ELSEWHERE, listening));
    try {
      await page.goto(`http://${ELSEWHERE}:${(server.address() as AddressInfo).port}/`);
      const replies = await page.evaluate(
        async (scanner, connect) => {
          const frame = document.createElement('iframe');
          frame.src = scanner;
          const loaded = new Promise((done) => frame.addEventListener('load', done, { once: true }));
          document.body.append(frame);
          await loaded;
          const channel = new MessageChannel();
          const received: { type: string }[] = [];
          const answered = new Promise<void>((done) => {
            channel.port1.onmessage = (event: MessageEvent<{ type: string }>) => {
              received.push(event.data);
              if (event.data.type !== 'ready') done();
            };
          });
          frame.contentWindow!.postMessage({ channel: connect }, '*', [channel.port2]);
          channel.port1.postMessage({ id: 1, file: new File(['BSN;Naam\n111222333;Jansen\n'], 'people.csv') });
          await Promise.race([answered, new Promise((timeUp) => setTimeout(timeUp, 30_000))]);
          return received;
        },
        `chrome-extension://${EXTENSION_ID}/${SCANNER_PAGE}`,
        SCANNER_CONNECT,
      );
      expect(replies.map((reply) => reply.type)).toEqual(['ready', 'failed']);
    } finally {
      server.close();
    }
  });

  it('judges a file only SheetJS reads (xlsb) in the frame: blocked for what it holds, not as unreadable', async () => {
    await choose('leak-8.xlsb');
    expect(await blockedSaying()).toMatch(/2[.,]503/);
    expect(await page.evaluate(() => (window as unknown as ScannerPage).changes)).toBe(0);
  });
});
