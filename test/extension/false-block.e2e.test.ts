/// <reference types="chrome" />
// "This is not an export" in real Chromium with the built extension, against the demo portal behind
// the real proxy: the block dialog's report reaches the proxy's audit log with the file's hash,
// kind and reason codes (never its name or content), and a file the privacy officer allowed in the
// proxy's policy is let through by the extension as well as by the proxy.
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'puppeteer-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { AuditEntry } from '../../proxy/audit/entry.js';
import { SqliteStore } from '../../proxy/store/sqlite.js';
import { launchWithExtension, openCompose, type ExtensionBrowser } from '../helpers/browser.js';
import { fixturePath, type FixtureName } from '../helpers/fixtures.js';
import { CASEWORKER, configureExtension, startFourEyesStack, type FourEyesStack } from '../helpers/four-eyes-stack.js';
import { ensureExtensionBuilt } from './setup.js';

const REPORTED: FixtureName = 'leak-3-bsn-only.csv';
const ALLOWED: FixtureName = 'leak-7.csv';
const DIALOG_HOST = 'export-guard-dialog';
const REPORT_BUTTON = 'aria/Dit is geen export: melden[role="button"]';

let dir: string;
let stack: FourEyesStack | undefined;
let chromium: ExtensionBrowser | undefined;
let page: Page;

async function sha256Of(name: FixtureName): Promise<string> {
  return createHash('sha256').update(await readFile(await fixturePath(name))).digest('hex');
}

beforeAll(async () => {
  await ensureExtensionBuilt();
  dir = await mkdtemp(join(tmpdir(), 'eg-false-block-e2e-'));
  const policy = join(dir, 'policy.json');
  const exception = { sha256: await sha256Of(ALLOWED), allowedBy: 'Fatima (FG)', allowedAt: new Date().toISOString(), reason: 'checked', expiresAt: '2099-01-01T00:00:00Z' };
  await writeFile(policy, JSON.stringify({ exceptions: [exception] }));
  stack = await startFourEyesStack({ policy });
  chromium = await launchWithExtension();
  await configureExtension(chromium, { proxyUrl: stack.proxy.url, token: stack.tokens.caseworker, language: 'nl' });
});

afterAll(async () => {
  await chromium?.close();
  await stack?.close();
  await rm(dir, { recursive: true, force: true });
});

beforeEach(async () => {
  page = await chromium!.browser.newPage();
  await openCompose(page, stack!.proxy.url);
  return () => page.close();
});

async function audit(): Promise<AuditEntry[]> {
  const store = new SqliteStore(stack!.databasePath);
  try {
    return await store.auditEntries();
  } finally {
    await store.close();
  }
}

async function attach(name: FixtureName): Promise<void> {
  const input = await page.$('input#file-input');
  await (input as unknown as { uploadFile(path: string): Promise<void> }).uploadFile(await fixturePath(name));
}

/** Reads the dialog through the accessibility tree, which sees into its closed shadow root. */
async function dialogText(): Promise<string> {
  const dialog = await page.$('aria/Bijlage tegengehouden: ' + REPORTED + '[role="alertdialog"]');
  return dialog ? JSON.stringify(await page.accessibility.snapshot({ root: dialog })) : '';
}

async function waitFor<T>(read: () => Promise<T>, done: (value: T) => boolean, what: string): Promise<T> {
  let value = await read();
  for (let tries = 0; !done(value); tries++) {
    if (tries === 80) throw new Error(`${what}: still ${JSON.stringify(value).slice(0, 600)}`);
    await new Promise((r) => setTimeout(r, 250));
    value = await read();
  }
  return value;
}

describe('reporting a false block from the block dialog', () => {
  it('records the report in the proxy audit log: hash, kind and reason codes, no name, no content', async () => {
    await attach(REPORTED);
    await page.waitForSelector(DIALOG_HOST, { timeout: 15_000 });
    const text = await waitFor(dialogText, (t) => t.includes('melden'), 'the block dialog');
    expect(text).toContain('Twijfelt u? Vraag het aan de functionaris gegevensbescherming.');
    expect(text).toContain('Meld het dan: de functionaris gegevensbescherming bekijkt het');

    const button = (await page.waitForSelector(REPORT_BUTTON, { timeout: 10_000 }))!;
    await button.click();
    await waitFor(dialogText, (t) => t.includes('Gemeld. Tot de functionaris gegevensbescherming het bestand toestaat, blijft het tegengehouden.'), 'the report status');
    // One report per dialog; the button keeps the focus, so a keyboard user stays in the dialog.
    await button.click();
    expect((await page.accessibility.snapshot({ root: button }))?.focused).toBe(true);

    const entries = await audit();
    const block = entries.find((e) => e.type === 'upload-blocked' && e.facts.source === 'extension');
    const reports = entries.filter((e) => e.type === 'false-block-reported');
    expect(reports).toHaveLength(1);
    expect(reports[0]!.facts).toEqual({
      user: CASEWORKER.id,
      team: CASEWORKER.team,
      source: 'extension',
      sha256: [await sha256Of(REPORTED)],
      fileKind: block?.facts.fileKind,
      reasonCodes: block?.facts.reasonCodes,
      size: (await readFile(await fixturePath(REPORTED))).byteLength,
    });
    expect(reports[0]!.facts.reasonCodes?.length).toBeGreaterThan(0);
    const recorded = JSON.stringify(reports[0]);
    expect(recorded).not.toContain('leak');
    const firstBsn = (await readFile(await fixturePath(REPORTED), 'utf8')).split(/\r?\n/)[0]!.trim();
    expect(recorded).not.toContain(firstBsn);

    // Reported, but still blocked: the page never got the file.
    expect(await page.$$eval('#attachments li', (items) => items.length)).toBe(0);
    await page.keyboard.press('Escape');
    await page.waitForSelector(DIALOG_HOST, { hidden: true });
  }, 90_000);
});

describe('a file the privacy officer allowed', () => {
  it('passes the extension and the proxy, and the grant is in the audit log', async () => {
    await attach(ALLOWED);
    await page.waitForFunction(() => document.querySelectorAll('#attachments li').length === 1, { timeout: 20_000 });
    expect(await page.$(DIALOG_HOST)).toBeNull();
    const granted = (await audit()).filter((e) => e.type === 'exception-granted');
    expect(granted.map((e) => e.facts.sha256)).toEqual([[await sha256Of(ALLOWED)]]);
  }, 60_000);
});
