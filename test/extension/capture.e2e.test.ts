/// <reference types="chrome" />
// The extension in real headless Chromium against the demo portal behind the real proxy (whose
// policy the extension scans with): an export never reaches the page (picker, drop, paste, script
// upload, file system handles, shadow roots, iframes), a clean file reaches the portal byte for
// byte, and the block dialog says what was found in the user's language.
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ElementHandle, Page } from 'puppeteer-core';
import { launchWithExtension, openCompose, type ExtensionBrowser } from '../helpers/browser.js';
import { fixturePath, type FixtureName } from '../helpers/fixtures.js';
import { ensureExtensionBuilt } from './setup.js';
import { EXTENSION_ID } from '../../extension/extension-id.js';
import { configureExtension, startFourEyesStack, type FourEyesStack } from '../helpers/four-eyes-stack.js';
import { screenshotPath } from '../helpers/screenshots.js';

const EXPORT: FixtureName = 'leak-4.xlsx';
const CLEAN: FixtureName = 'vacancies.xlsx';
const DIALOG_NL = `aria/Bijlage tegengehouden: ${EXPORT}[role="alertdialog"]`;
const DIALOG_HOST = 'export-guard-dialog';

let chromium: ExtensionBrowser | undefined;
let stack: FourEyesStack | undefined;
let page: Page;
/** POSTs to the portal's upload endpoint that left the browser. */
let uploads: string[];

beforeAll(async () => {
  await ensureExtensionBuilt();
  stack = await startFourEyesStack();
  chromium = await launchWithExtension();
  // Dutch is chosen explicitly: the test browser's UI is English whatever --lang says.
  await configureExtension(chromium, { proxyUrl: stack.proxy.url, token: stack.tokens.caseworker, language: 'nl' });
});

afterAll(async () => {
  await chromium?.close();
  await stack?.close();
});

beforeEach(async () => {
  page = await chromium!.browser.newPage();
  await page.setViewport({ width: 1280, height: 860 });
  uploads = [];
  page.on('request', (request) => {
    if (request.method() === 'POST' && new URL(request.url()).pathname === '/api/attachments') uploads.push(request.url());
  });
  await openCompose(page, stack!.proxy.url);
  return () => page.close();
});

function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

async function attachmentIds(): Promise<string[]> {
  return page.$$eval('#attachments li', (items) => items.map((li) => (li as HTMLElement).dataset.attachmentId ?? ''));
}

/** Puts the fixture into the page as a File, kept in window.__file, for the synthetic-event tests. */
async function fileInPage(name: FixtureName): Promise<void> {
  const base64 = (await readFile(await fixturePath(name))).toString('base64');
  await page.evaluate(
    (data, fileName) => {
      const bytes = Uint8Array.from(atob(data), (c) => c.charCodeAt(0));
      (window as unknown as { __file: File }).__file = new File([bytes], fileName);
    },
    base64,
    name,
  );
}

/**
 * Waits for the block dialog: its host element in the page's DOM first (cheap to watch), then the
 * dialog itself through the accessibility tree, which sees into the closed shadow root. Querying
 * that tree costs a lot on a page with hundreds of recipients, so it is asked only a few times a second.
 */
async function dialogShown(selector = DIALOG_NL): Promise<ElementHandle> {
  await page.waitForSelector(DIALOG_HOST, { timeout: 15_000 });
  for (const deadline = Date.now() + 10_000; Date.now() < deadline; await new Promise((done) => setTimeout(done, 250))) {
    const dialog = await page.$(selector);
    if (dialog) return dialog;
  }
  throw new Error(`the dialog is there, but not as ${selector}: ${JSON.stringify(await page.accessibility.snapshot()).slice(0, 600)}`);
}

async function expectDialogThenClose(selector = DIALOG_NL): Promise<void> {
  await dialogShown(selector);
  await page.keyboard.press('Escape');
  await page.waitForSelector(DIALOG_HOST, { hidden: true });
}

describe('the built extension', () => {
  it('loads in Chromium with the ID pinned by its manifest key', async () => {
    const worker = await chromium!.worker();
    expect(await worker.evaluate(() => chrome.runtime.id)).toBe(EXTENSION_ID);
  });
});

describe('an export chosen with the file picker', () => {
  // A dozen accessibility snapshots of a page with 3,000 recipients: over a minute on a loaded two-core machine.
  it('is blocked: the dialog says what was found, and the page never receives the file', { timeout: 120_000 }, async () => {
    await page.focus('#subject');
    const input = (await page.$('input#file-input'))!;
    await input.uploadFile(await fixturePath(EXPORT));

    const dialog = await dialogShown();
    const tree = await page.accessibility.snapshot({ root: dialog });
    expect({ role: tree?.role, description: tree?.description }).toEqual({
      role: 'alertdialog',
      description: 'Dit bestand bevat gegevens van 11.062 mensen (BSN, namen, e-mailadressen en meer) en mag niet als bijlage mee.',
    });
    const text = JSON.stringify(tree);
    expect(text).toMatch(/Vraag het aan de functionaris gegevensbescherming/);
    // The details are folded: the columns are not read out until asked for.
    expect(text).not.toMatch(/kolom E/);
    // Focus is in the dialog, on its close button.
    const focused = await page.$('aria/Sluiten[role="button"]');
    expect((await page.accessibility.snapshot({ root: focused! }))?.focused).toBe(true);
    await page.screenshot({ path: screenshotPath('block-dialog.png') });

    // Tab goes round the details and the two buttons and never leaves the dialog; Enter unfolds
    // the details, where each column is named once.
    const details = await page.$('aria/Details: wat is gevonden en waarom');
    const report = await page.$('aria/Dit is geen export: melden[role="button"]');
    await page.keyboard.press('Tab');
    expect((await page.accessibility.snapshot({ root: details! }))?.focused).toBe(true);
    await page.keyboard.press('Enter');
    const unfolded = JSON.stringify(await page.accessibility.snapshot({ root: dialog }));
    expect(unfolded.match(/'BSN' \(kolom E\): 11\.062 geldige burgerservicenummers/g)).toHaveLength(1);
    await page.keyboard.press('Tab');
    expect((await page.accessibility.snapshot({ root: report! }))?.focused).toBe(true);
    await page.keyboard.press('Tab');
    expect((await page.accessibility.snapshot({ root: focused! }))?.focused).toBe(true);
    await page.keyboard.press('Escape');
    await page.waitForSelector(DIALOG_HOST, { hidden: true });
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('subject');

    expect(await page.$eval('#file-input', (el) => (el as HTMLInputElement).files?.length)).toBe(0);
    expect(await attachmentIds()).toEqual([]);
    expect(uploads).toEqual([]);
  });
});

describe('several exports chosen at once', () => {
  it('are explained one dialog after the other, never stacked', async () => {
    await page.evaluate(() => {
      const w = window as unknown as { __dialogs: number };
      w.__dialogs = 0;
      new MutationObserver((records) => {
        for (const record of records) for (const node of record.addedNodes) if (node.nodeName === 'EXPORT-GUARD-DIALOG') w.__dialogs++;
      }).observe(document.documentElement, { childList: true });
    });
    const input = (await page.$('input#file-input'))!;
    await input.uploadFile(await fixturePath(EXPORT), await fixturePath('leak-3-bsn-only.csv'));
    const titles: string[] = [];
    for (const shown of [1, 2]) {
      await page.waitForFunction((n) => (window as unknown as { __dialogs: number }).__dialogs === n, { timeout: 15_000 }, shown);
      expect(await page.$$eval(DIALOG_HOST, (hosts) => hosts.length)).toBe(1);
      const dialog = await dialogShown('aria/[role="alertdialog"]');
      titles.push((await page.accessibility.snapshot({ root: dialog }))?.name ?? '');
      await page.keyboard.press('Escape');
    }
    await page.waitForSelector(DIALOG_HOST, { hidden: true });
    expect(titles.sort()).toEqual(['Bijlage tegengehouden: leak-3-bsn-only.csv', `Bijlage tegengehouden: ${EXPORT}`]);
    expect(await attachmentIds()).toEqual([]);
    expect(uploads).toEqual([]);
  });
});

describe('a dialog the page takes away', () => {
  it('counts as closed: the next export is explained too', async () => {
    const input = (await page.$('input#file-input'))!;
    await input.uploadFile(await fixturePath(EXPORT));
    await dialogShown();
    // As a page that re-renders its document would: our host goes with the page's own nodes.
    await page.evaluate(() => document.querySelector('export-guard-dialog')!.remove());
    await input.uploadFile(await fixturePath('leak-3-bsn-only.csv'));
    await expectDialogThenClose('aria/Bijlage tegengehouden: leak-3-bsn-only.csv[role="alertdialog"]');
    expect(await attachmentIds()).toEqual([]);
  });
});

describe('a file that cannot be read', () => {
  it('is blocked too, and the dialog says it could not be checked', async () => {
    const input = (await page.$('input#file-input'))!;
    await input.uploadFile(await fixturePath('encrypted.xlsx'));
    const dialog = await dialogShown('aria/Bijlage tegengehouden: encrypted.xlsx[role="alertdialog"]');
    // The lead sentence is the reader's own reason: why this file could not be checked.
    expect((await page.accessibility.snapshot({ root: dialog }))?.description).toMatch(/^Het bestand is met een wachtwoord beveiligd .* kan niet worden gecontroleerd/);
    expect(await attachmentIds()).toEqual([]);
    expect(uploads).toEqual([]);
  });
});

describe('a clean file chosen with the file picker', () => {
  it('reaches the portal unchanged, without a dialog', async () => {
    const input = (await page.$('input#file-input'))!;
    await input.uploadFile(await fixturePath(CLEAN));
    await page.waitForSelector('#attachments li', { timeout: 15_000 });
    const [id] = await attachmentIds();
    const stored = new Uint8Array(await (await fetch(`${stack!.portal.url}/api/attachments/${id}`)).arrayBuffer());
    expect(sha256(stored)).toBe(sha256(await readFile(await fixturePath(CLEAN))));
    expect(uploads).toHaveLength(1);
    expect(await page.$(DIALOG_HOST)).toBeNull();
  });
});

describe('drag and drop', () => {
  async function drop(): Promise<void> {
    await page.evaluate(() => {
      const transfer = new DataTransfer();
      transfer.items.add((window as unknown as { __file: File }).__file);
      const zone = document.getElementById('drop-zone')!;
      for (const type of ['dragenter', 'dragover', 'drop']) {
        zone.dispatchEvent(new DragEvent(type, { bubbles: true, cancelable: true, composed: true, dataTransfer: transfer }));
      }
    });
  }

  it('of an export is blocked before the page sees it', async () => {
    await fileInPage(EXPORT);
    await drop();
    await expectDialogThenClose();
    expect(await attachmentIds()).toEqual([]);
    expect(uploads).toEqual([]);
  });

  it('of a clean file reaches the page and the portal', async () => {
    await fileInPage(CLEAN);
    await drop();
    await page.waitForSelector('#attachments li', { timeout: 15_000 });
    expect(uploads).toHaveLength(1);
  });
});

describe('a script upload', () => {
  it('of an export with fetch and FormData fails before a request is made', async () => {
    await fileInPage(EXPORT);
    const outcome = await page.evaluate(async () => {
      const form = new FormData();
      form.append('file', (window as unknown as { __file: File }).__file);
      try {
        const response = await fetch('/api/attachments', { method: 'POST', body: form });
        return `sent: ${response.status}`;
      } catch (error) {
        return `refused: ${(error as Error).message}`;
      }
    });
    expect(outcome).toMatch(/^refused: export-guard/);
    await expectDialogThenClose();
    expect(uploads).toEqual([]);
  });

  it('of an export with XMLHttpRequest fails as a network error', async () => {
    await fileInPage(EXPORT);
    const outcome = await page.evaluate(
      () =>
        new Promise<string>((done) => {
          const xhr = new XMLHttpRequest();
          xhr.open('POST', '/api/attachments');
          xhr.onload = () => done(`sent: ${xhr.status}`);
          xhr.onerror = () => done('error');
          const form = new FormData();
          form.append('file', (window as unknown as { __file: File }).__file);
          xhr.send(form);
        }),
    );
    expect(outcome).toBe('error');
    await expectDialogThenClose();
    expect(uploads).toEqual([]);
  });

  it('of a clean file goes out unchanged', async () => {
    await fileInPage(CLEAN);
    const id = await page.evaluate(async () => {
      const form = new FormData();
      form.append('file', (window as unknown as { __file: File }).__file);
      return ((await (await fetch('/api/attachments', { method: 'POST', body: form })).json()) as { id: string }).id;
    });
    const stored = new Uint8Array(await (await fetch(`${stack!.portal.url}/api/attachments/${id}`)).arrayBuffer());
    expect(sha256(stored)).toBe(sha256(await readFile(await fixturePath(CLEAN))));
  });
});

describe('a file read through a file system handle', () => {
  /** Writes the fixture into the page's private file system, then reads it back through its handle. */
  const readThroughHandle = (name: FixtureName) =>
    page.evaluate(async (fileName) => {
      const directory = await navigator.storage.getDirectory();
      const handle = await directory.getFileHandle(fileName, { create: true });
      const writable = await handle.createWritable();
      await writable.write((window as unknown as { __file: File }).__file);
      await writable.close();
      try {
        const file = await handle.getFile();
        return `read: ${file.size}`;
      } catch (error) {
        return `refused: ${(error as DOMException).name}: ${(error as Error).message}`;
      } finally {
        await directory.removeEntry(fileName);
      }
    }, name);

  // The pickers (showOpenFilePicker) need a person's click on a native dialog; every handle,
  // whichever picker or drop it came from, gives its file through the same getFile.
  it('of an export is refused, with the dialog', async () => {
    await fileInPage(EXPORT);
    expect(await readThroughHandle(EXPORT)).toMatch(/^refused: NotAllowedError: export-guard/);
    await expectDialogThenClose();
  });

  it('of a clean file is given to the page', async () => {
    await fileInPage(CLEAN);
    expect(await readThroughHandle(CLEAN)).toBe(`read: ${(await readFile(await fixturePath(CLEAN))).length}`);
    expect(await page.$(DIALOG_HOST)).toBeNull();
  });
});

describe('files in other places of the page', () => {
  it('a paste of an export never reaches the page', async () => {
    await fileInPage(EXPORT);
    const seen = await page.evaluate(() => {
      const pasted: number[] = [];
      const body = document.getElementById('body')!;
      body.addEventListener('paste', (event) => pasted.push(event.clipboardData?.files.length ?? 0));
      const transfer = new DataTransfer();
      transfer.items.add((window as unknown as { __file: File }).__file);
      body.dispatchEvent(new ClipboardEvent('paste', { bubbles: true, cancelable: true, composed: true, clipboardData: transfer }));
      return pasted;
    });
    expect(seen).toEqual([]);
    await expectDialogThenClose();
  });

  it('a file input inside a shadow root, added after load, is guarded too', async () => {
    const input = await page.evaluateHandle(() => {
      const host = document.createElement('upload-widget');
      document.body.append(host);
      const root = host.attachShadow({ mode: 'open' });
      const field = document.createElement('input');
      field.type = 'file';
      (window as unknown as { __changes: number[] }).__changes = [];
      field.addEventListener('change', () => (window as unknown as { __changes: number[] }).__changes.push(field.files?.length ?? 0));
      root.append(field);
      return field;
    });
    await input.uploadFile(await fixturePath(EXPORT));
    await expectDialogThenClose();
    expect(await page.evaluate(() => (window as unknown as { __changes: number[] }).__changes)).toEqual([]);

    await input.uploadFile(await fixturePath(CLEAN));
    await page.waitForFunction(() => (window as unknown as { __changes: number[] }).__changes.length > 0, { timeout: 15_000 });
    expect(await page.evaluate(() => (window as unknown as { __changes: number[] }).__changes)).toEqual([1]);
  });

  it('a file input in a same-origin iframe is guarded too', async () => {
    await page.evaluate(() => {
      const frame = document.createElement('iframe');
      frame.name = 'upload-frame';
      frame.src = '/login';
      document.body.append(frame);
      return new Promise((done) => frame.addEventListener('load', done));
    });
    const frame = page.frames().find((f) => f.name() === 'upload-frame')!;
    const input = await frame.evaluateHandle(() => {
      const field = document.createElement('input');
      field.type = 'file';
      (window as unknown as { __changes: number }).__changes = 0;
      field.addEventListener('change', () => (window as unknown as { __changes: number }).__changes++);
      document.body.append(field);
      return field;
    });
    await input.uploadFile(await fixturePath(EXPORT));
    // The dialog opens over the whole page, not inside the small frame.
    await expectDialogThenClose();
    expect(await frame.evaluate(() => (window as unknown as { __changes: number }).__changes)).toBe(0);
  });
});

describe('the dialog language', () => {
  it('is English when the browser speaks English and the setting is automatic', async () => {
    const worker = await chromium!.worker();
    await worker.evaluate(() => chrome.storage.local.set({ language: 'auto' }));
    try {
      const input = (await page.$('input#file-input'))!;
      await input.uploadFile(await fixturePath(EXPORT));
      await expectDialogThenClose(`aria/Attachment blocked: ${EXPORT}[role="alertdialog"]`);
    } finally {
      await worker.evaluate(() => chrome.storage.local.set({ language: 'nl' }));
    }
  });
});
