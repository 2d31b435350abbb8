// A bare site on 127.0.0.1 (one of the extension's built-in protected sites) for the extension's
// upload tests: it serves the test's own pages and records every upload request it receives, so a
// test drives a page script as a widget would and sees exactly the bytes that left the browser.
// It is no proxy: /__export-guard/api/* answers 404, so the extension scans with its built-in policy.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Page } from 'puppeteer-core';
import { afterAll, beforeAll, beforeEach } from 'vitest';
import { launchFirefoxWithExtension, launchWithExtension, type ExtensionBrowser, type FirefoxWithExtension } from './browser.js';
import { configureExtension } from './four-eyes-stack.js';
import { ensureExtensionBuilt } from '../extension/setup.js';

export interface Received {
  method: string;
  /** Path and query. */
  path: string;
  contentType: string;
  body: Buffer;
}

export interface UploadPages {
  url: string;
  /** Requests under /upload/, in the order they arrived. */
  received: Received[];
  close(): Promise<void>;
}

/** `pages`: path -> HTML. Anything under /upload/ is recorded and answered 201. */
export async function startUploadPages(pages: Record<string, string>): Promise<UploadPages> {
  const received: Received[] = [];
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const path = request.url ?? '/';
      if (path.startsWith('/upload/')) {
        received.push({ method: request.method ?? '', path, contentType: request.headers['content-type'] ?? '', body: Buffer.concat(chunks) });
        response.writeHead(201, { 'content-type': 'application/json' }).end('{"ok":true}');
        return;
      }
      const page = pages[path];
      if (page === undefined) response.writeHead(404).end();
      else response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(page);
    });
  });
  await new Promise<void>((listening) => server.listen(0, '127.0.0.1', listening));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    received,
    close: () => new Promise((closed) => server.close(() => closed())),
  };
}

/** For a test file: the extension built and the site serving `pages`, from before its first test to after its last. */
export function siteForTests(pages: Record<string, string>): () => UploadPages {
  let site: UploadPages | undefined;
  beforeAll(async () => {
    await ensureExtensionBuilt();
    site = await startUploadPages(pages);
  }, 180_000);
  afterAll(async () => {
    await site?.close();
  });
  return () => site!;
}

/** The file part of a multipart body, as the server reads it. */
export async function multipartFile(request: Received, field: string): Promise<Buffer> {
  const form = await new Response(new Uint8Array(request.body), { headers: { 'content-type': request.contentType } }).formData();
  const value = form.get(field);
  if (!(value instanceof Blob)) throw new Error(`${request.path}: no file in field ${field}`);
  return Buffer.from(await value.arrayBuffer());
}

type Launched<B extends 'chromium' | 'firefox'> = B extends 'chromium' ? ExtensionBrowser : FirefoxWithExtension;

/**
 * For a describe block: the browser with the built extension, started once, and a fresh tab at
 * `url()` for each test, handed to `onTab` with the browser. Chromium's extension takes the site
 * as its proxy, whose API answers 404, so the built-in policy is in force whatever else listens on
 * this machine, and the audit events stay in the extension's queue for a test to read.
 */
export function tabPerTest<B extends 'chromium' | 'firefox'>(browser: B, url: () => string, onTab: (page: Page, launched: Launched<B>) => void): void {
  let launched: Launched<B> | undefined;

  beforeAll(async () => {
    if (browser === 'firefox') {
      launched = (await launchFirefoxWithExtension()) as Launched<B>;
      return;
    }
    const chromium = await launchWithExtension();
    launched = chromium as Launched<B>;
    await configureExtension(chromium, { proxyUrl: new URL(url()).origin });
  }, 120_000);

  afterAll(async () => {
    await launched?.close();
  });

  beforeEach(async () => {
    const page = await launched!.browser.newPage();
    await page.goto(url());
    onTab(page, launched!);
    return () => page.close();
  });
}
