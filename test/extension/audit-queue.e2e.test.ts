/// <reference types="chrome" />
// The extension's blocked uploads reach the proxy's audit log even when the proxy was down at the
// time: the event waits in storage.local with a retry alarm, and is delivered once the proxy can
// be reached, exactly once.
import { createServer } from 'node:net';
import type { Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BlockedUploadEvent } from '../../shared/api.js';
import { SqliteStore } from '../../proxy/store/sqlite.js';
import { launchWithExtension, logIn, type ExtensionBrowser } from '../helpers/browser.js';
import { fixturePath } from '../helpers/fixtures.js';
import { CASEWORKER, configureExtension, startFourEyesStack, type FourEyesStack } from '../helpers/four-eyes-stack.js';
import { ensureExtensionBuilt } from './setup.js';

let stack: FourEyesStack | undefined;
let chromium: ExtensionBrowser | undefined;

beforeAll(async () => {
  await ensureExtensionBuilt();
  stack = await startFourEyesStack();
  chromium = await launchWithExtension();
});

afterAll(async () => {
  await chromium?.close();
  await stack?.close();
});

/** A port on which nothing listens: the proxy "is down". */
async function deadPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as { port: number };
  await new Promise((done) => server.close(done));
  return port;
}

async function queued(): Promise<{ event: BlockedUploadEvent; attempts: number }[]> {
  const worker = await chromium!.worker();
  return worker.evaluate(async () => ((await chrome.storage.local.get('auditQueue')).auditQueue ?? []) as never);
}

async function waitFor<T>(read: () => Promise<T>, done: (value: T) => boolean, what: string): Promise<T> {
  let value = await read();
  for (let tries = 0; !done(value); tries++) {
    if (tries === 60) throw new Error(`${what}: still ${JSON.stringify(value)}`);
    await new Promise((r) => setTimeout(r, 250));
    value = await read();
  }
  return value;
}

async function openCompose(): Promise<Page> {
  const page = await chromium!.browser.newPage();
  await logIn(page, stack!.proxy.url, CASEWORKER.name);
  await page.waitForSelector('#file-input');
  return page;
}

describe('the audit queue', () => {
  it('keeps a block reported while the proxy is down, and delivers it once the proxy is back', async () => {
    await configureExtension(chromium!, { proxyUrl: `http://127.0.0.1:${await deadPort()}`, token: stack!.tokens.caseworker });
    const page = await openCompose();
    const input = await page.$('#file-input');
    await (input as unknown as { uploadFile(path: string): Promise<void> }).uploadFile(await fixturePath('leak-3-bsn-only.csv'));

    const waiting = await waitFor(queued, (q) => q.length === 1 && q[0]!.attempts >= 1, 'the queued event');
    const event = waiting[0]!.event;
    expect(event).toMatchObject({ source: 'extension', via: 'picker', fileName: 'leak-3-bsn-only.csv' });
    expect(event.reasonCodes.length).toBeGreaterThan(0);
    const worker = await chromium!.worker();
    expect(await worker.evaluate(() => chrome.alarms.get('audit-queue-retry').then((a) => a !== undefined))).toBe(true);

    // The proxy "comes back": the user (or IT's policy) points the extension at it.
    await configureExtension(chromium!, { proxyUrl: stack!.proxy.url });
    await waitFor(queued, (q) => q.length === 0, 'the queue after the proxy came back');

    const store = new SqliteStore(stack!.databasePath);
    try {
      const blocks = (await store.auditEntries()).filter((e) => e.type === 'upload-blocked' && e.facts.source === 'extension');
      expect(blocks).toHaveLength(1);
      expect(blocks[0]!.facts).toMatchObject({ user: CASEWORKER.id, sha256: [event.sha256], reasonCodes: event.reasonCodes });
      expect(blocks[0]!.at).toBe(event.at);
    } finally {
      await store.close();
    }
    await page.close();
  });
});
