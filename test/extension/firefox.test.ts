// The Firefox build: Mozilla's own linter passes it, and in Firefox ESR (WebDriver BiDi, the add-on
// installed as a temporary one) its content scripts stop an export chosen with the picker, dropped,
// or sent by a page script, and let a clean file through unchanged. The block dialog lives in a
// closed shadow root that BiDi cannot read into; its host element and Escape are checked here, its
// text and accessibility in the Chromium suite.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Page } from 'puppeteer-core';
import { FIREFOX_EXTENSION_DIR, launchFirefoxWithExtension, openCompose, type FirefoxWithExtension } from '../helpers/browser.js';
import { fixturePath } from '../helpers/fixtures.js';
import { ensureExtensionBuilt } from './setup.js';
import { GECKO_ID } from '../../extension/extension-id.js';
import { startPortal, type Portal } from '../../demo-portal/server.js';

const ROOT = resolve(import.meta.dirname, '../..');

interface LintReport {
  summary: { errors: number; warnings: number };
  errors: { code: string; message: string }[];
}

describe('web-ext lint', () => {
  beforeAll(ensureExtensionBuilt);

  it('finds no errors in dist/firefox', async () => {
    const run = promisify(execFile);
    const { stdout } = await run('npx', ['web-ext', 'lint', '--source-dir', FIREFOX_EXTENSION_DIR, '--output', 'json', '--no-input'], {
      cwd: ROOT,
      maxBuffer: 16 * 1024 * 1024,
    }).catch((failure: { stdout?: string }) => ({ stdout: failure.stdout ?? '' }));
    const report = JSON.parse(stdout) as LintReport;
    expect(report.errors).toEqual([]);
  }, 120_000);
});

describe('in Firefox ESR', () => {
  let firefox: FirefoxWithExtension | undefined;
  let portal: Portal | undefined;
  let page: Page;

  beforeAll(async () => {
    await ensureExtensionBuilt();
    portal = await startPortal({ jobSeekers: 100 });
    firefox = await launchFirefoxWithExtension();
  }, 120_000);

  afterAll(async () => {
    await firefox?.close();
    await portal?.close();
  });

  beforeEach(async () => {
    page = await firefox!.browser.newPage();
    await openCompose(page, portal!.url);
    return () => page.close();
  });

  it('installs as a temporary add-on under its gecko ID', () => {
    expect(firefox!.extensionId).toBe(GECKO_ID);
  });

  it('blocks an export chosen with the file picker: the page never gets it, the dialog shows and Escape closes it', async () => {
    await page.evaluate(() => {
      (window as unknown as { __changes: number }).__changes = 0;
      document.getElementById('file-input')!.addEventListener('change', () => (window as unknown as { __changes: number }).__changes++);
    });
    const input = (await page.$('input#file-input'))!;
    await input.uploadFile(await fixturePath('leak-4.xlsx'));
    await page.waitForSelector('export-guard-dialog', { timeout: 30_000 });
    expect(await page.evaluate(() => (window as unknown as { __changes: number }).__changes)).toBe(0);
    expect(await page.$$eval('#attachments li', (items) => items.length)).toBe(0);
    await page.keyboard.press('Escape');
    await page.waitForSelector('export-guard-dialog', { hidden: true, timeout: 5_000 });
  });

  it('lets a clean file through: the portal stores identical bytes', async () => {
    const input = (await page.$('input#file-input'))!;
    await input.uploadFile(await fixturePath('vacancies.xlsx'));
    await page.waitForSelector('#attachments li', { timeout: 30_000 });
    const id = await page.$eval('#attachments li', (li) => (li as HTMLElement).dataset.attachmentId);
    const stored = new Uint8Array(await (await fetch(`${portal!.url}/api/attachments/${id}`)).arrayBuffer());
    const original = await readFile(await fixturePath('vacancies.xlsx'));
    expect(createHash('sha256').update(stored).digest('hex')).toBe(createHash('sha256').update(original).digest('hex'));
  });

  it('holds a dropped file: an export never reaches the drop zone, a clean one does', async () => {
    const drop = async (name: 'leak-3-bsn-only.csv' | 'schedule.csv') => {
      const base64 = (await readFile(await fixturePath(name))).toString('base64');
      await page.evaluate(
        (data, fileName) => {
          const transfer = new DataTransfer();
          transfer.items.add(new File([Uint8Array.from(atob(data), (c) => c.charCodeAt(0))], fileName));
          const zone = document.getElementById('drop-zone')!;
          zone.dispatchEvent(new DragEvent('drop', { bubbles: true, cancelable: true, dataTransfer: transfer }));
        },
        base64,
        name,
      );
    };
    await drop('leak-3-bsn-only.csv');
    await page.waitForSelector('export-guard-dialog', { timeout: 30_000 });
    expect(await page.$$eval('#attachments li', (items) => items.length)).toBe(0);
    await page.keyboard.press('Escape');
    await drop('schedule.csv');
    await page.waitForSelector('#attachments li', { timeout: 30_000 });
    expect(await page.$$eval('#attachments li', (items) => items.map((li) => li.textContent))).toEqual([expect.stringContaining('schedule.csv')]);
  });

  it('refuses to give the page an export through a file system handle', async () => {
    const base64 = (await readFile(await fixturePath('leak-3-bsn-only.csv'))).toString('base64');
    const outcome = await page.evaluate(async (data) => {
      const directory = await navigator.storage.getDirectory();
      const handle = await directory.getFileHandle('selectie.csv', { create: true });
      const writable = await handle.createWritable();
      await writable.write(Uint8Array.from(atob(data), (c) => c.charCodeAt(0)));
      await writable.close();
      try {
        return `read: ${(await handle.getFile()).size}`;
      } catch (error) {
        return `refused: ${(error as DOMException).name}`;
      } finally {
        await directory.removeEntry('selectie.csv');
      }
    }, base64);
    expect(outcome).toBe('refused: NotAllowedError');
    await page.waitForSelector('export-guard-dialog', { timeout: 30_000 });
  });

  it('refuses a script upload of an export before a request is made', async () => {
    const base64 = (await readFile(await fixturePath('leak-3-bsn-only.csv'))).toString('base64');
    const outcome = await page.evaluate(async (data) => {
      const form = new FormData();
      form.append('file', new File([Uint8Array.from(atob(data), (c) => c.charCodeAt(0))], 'selectie.csv'));
      try {
        return `sent: ${(await fetch('/api/attachments', { method: 'POST', body: form })).status}`;
      } catch (error) {
        return `refused: ${(error as Error).message}`;
      }
    }, base64);
    expect(outcome).toMatch(/^refused: export-guard/);
    await page.waitForSelector('export-guard-dialog', { timeout: 30_000 });
  });
});
