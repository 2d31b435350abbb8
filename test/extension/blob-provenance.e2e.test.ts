// Chunked uploads with the built extension (issue 12): a page script that slices a file, as
// Uppy/tus, FilePond, Dropzone, resumable.js, flow.js and jQuery File Upload do, uploads the chunks
// of a file the extension passed without a dialog and byte for byte; a slice of a blob nobody
// judged is scanned as a file of its own; a slice of a blocked file is blocked; and a page script
// cannot pass its own blob off as a slice of a clean file. Chromium, and Firefox for the main case.
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { describe, expect, it, vi } from 'vitest';
import type { Page } from 'puppeteer-core';
import { fixturePath, type FixtureName } from '../helpers/fixtures.js';
import { multipartFile, siteForTests, tabPerTest } from '../helpers/upload-pages.js';

const CLEAN: FixtureName = 'vacancies.xlsx';
const EXPORT: FixtureName = 'leak-3-bsn-only.csv';
const CHUNK = 1024;
const DIALOG_HOST = 'export-guard-dialog';

/** The test page: a file input, and the slicing uploader a chunked widget is. */
const CHUNKED_PAGE = `<!doctype html><meta charset="utf-8"><title>chunked upload</title>
<input type="file" id="file">
<script>
  window.chosen = new Promise((resolve) => document.getElementById('file').addEventListener('change', (event) => resolve(event.target.files[0])));

  /** One chunk, as raw XHR body or as a FormData file part sent with fetch. */
  function sendChunk(chunk, session, index, how) {
    const url = '/upload/' + session + '/' + index;
    if (how === 'form') {
      const form = new FormData();
      form.append('chunk', chunk, 'blob');
      return fetch(url, { method: 'POST', body: form }).then((response) => 'sent ' + response.status, () => 'refused');
    }
    return new Promise((done) => {
      const xhr = new XMLHttpRequest();
      xhr.open('POST', url);
      xhr.onload = () => done('sent ' + xhr.status);
      xhr.onerror = () => done('refused');
      xhr.send(chunk);
    });
  }

  /** Slices and uploads in order, and stops at the first refusal, as the widgets do after their retries. */
  window.uploadInChunks = async (blob, session, size, how) => {
    const outcomes = [];
    for (let start = 0, index = 0; start < blob.size; start += size, index++) {
      outcomes.push(await sendChunk(blob.slice(start, start + size), session, index, how));
      if (outcomes.at(-1) === 'refused') break;
    }
    return outcomes;
  };

  window.blobOf = (base64) => new Blob([Uint8Array.from(atob(base64), (c) => c.charCodeAt(0))]);
</script>`;

type ChunkPage = Window & {
  chosen: Promise<File>;
  uploadInChunks(blob: Blob, session: string, size: number, how: 'xhr' | 'form'): Promise<string[]>;
  blobOf(base64: string): Blob;
};

function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

const base64Of = async (name: FixtureName) => (await readFile(await fixturePath(name))).toString('base64');

function chunkCount(size: number): number {
  return Math.ceil(size / CHUNK);
}

// A scan waits its turn behind everything else a loaded two-core machine runs.
vi.setConfig({ testTimeout: 90_000 });

const site = siteForTests({ '/chunked.html': CHUNKED_PAGE });

/** The bytes that arrived for a session, chunk after chunk. */
async function arrived(session: string, how: 'xhr' | 'form'): Promise<Buffer> {
  const requests = site().received.filter((request) => request.path.startsWith(`/upload/${session}/`));
  const bodies = await Promise.all(requests.map((request) => (how === 'form' ? multipartFile(request, 'chunk') : request.body)));
  return Buffer.concat(bodies);
}

/** Chooses the fixture in the page's file input and waits until the page has it (it was judged clean). */
async function choose(page: Page, name: FixtureName): Promise<void> {
  const input = (await page.$('input#file'))!;
  await input.uploadFile(await fixturePath(name));
  await page.waitForFunction(() => (window as unknown as ChunkPage).chosen.then(() => true), { timeout: 45_000 });
}

describe('in Chromium', () => {
  let page: Page;
  tabPerTest('chromium', () => `${site().url}/chunked.html`, (tab) => (page = tab));

  async function closeDialog(): Promise<void> {
    await page.waitForSelector(DIALOG_HOST, { timeout: 45_000 });
    await page.keyboard.press('Escape');
    await page.waitForSelector(DIALOG_HOST, { hidden: true });
  }

  it.each(['xhr', 'form'] as const)('uploads a clean chosen file in 1 KB slices (%s) without a dialog, byte for byte', async (how) => {
    await choose(page, CLEAN);
    const outcomes = await page.evaluate(
      async (session, size, via) => {
        const w = window as unknown as ChunkPage;
        return w.uploadInChunks(await w.chosen, session, size, via);
      },
      `clean-${how}`,
      CHUNK,
      how,
    );
    const original = await readFile(await fixturePath(CLEAN));
    expect(outcomes).toEqual(Array(chunkCount(original.length)).fill('sent 201'));
    expect(sha256(await arrived(`clean-${how}`, how))).toBe(sha256(original));
    expect(await page.$(DIALOG_HOST)).toBeNull();
  });

  it('carries the verdict through slices of slices, new File([file]), new Blob([slice]) and blob.constructor', async () => {
    await choose(page, CLEAN);
    const outcomes = await page.evaluate(async (size) => {
      const w = window as unknown as ChunkPage;
      const file = await w.chosen;
      const third = Math.ceil(file.size / 3);
      const renamed = new File([file], 'kopie.xlsx', { type: file.type });
      const first = await w.uploadInChunks(renamed.slice(0, third), 'nested-1', size, 'form');
      const second = await w.uploadInChunks(new Blob([file.slice(third, 2 * third)]), 'nested-2', size, 'xhr');
      const rest = file.slice(2 * third);
      const last = await w.uploadInChunks(new (rest.constructor as typeof Blob)([rest]), 'nested-3', size, 'xhr');
      return [...first, ...second, ...last];
    }, CHUNK);
    expect(outcomes.length).toBeGreaterThan(3);
    expect(outcomes.every((outcome) => outcome === 'sent 201')).toBe(true);
    const bytes = Buffer.concat([await arrived('nested-1', 'form'), await arrived('nested-2', 'xhr'), await arrived('nested-3', 'xhr')]);
    expect(sha256(bytes)).toBe(sha256(await readFile(await fixturePath(CLEAN))));
    expect(await page.$(DIALOG_HOST)).toBeNull();
  });

  it('reads a FormData as the browser sends it: a slice set, deleted and set again keeps its verdict, a page that hides an entry from values() does not hide it', async () => {
    await choose(page, CLEAN);
    const outcomes = await page.evaluate(async (data) => {
      const w = window as unknown as ChunkPage;
      const file = await w.chosen;
      const form = new FormData();
      form.append('note', 'first chunk');
      form.set('chunk', file.slice(0, 1024), 'blob');
      form.delete('chunk');
      form.set('chunk', file.slice(0, 1024), 'blob');
      const clean = await fetch('/upload/set/0', { method: 'POST', body: form }).then((response) => 'sent ' + response.status, () => 'refused');
      const hiding = new FormData();
      hiding.append('chunk', w.blobOf(data), 'blob');
      Object.assign(FormData.prototype, { values: function* () {}, entries: function* () {} });
      const hidden = await fetch('/upload/hidden/0', { method: 'POST', body: hiding }).then((response) => 'sent ' + response.status, () => 'refused');
      return [clean, hidden];
    }, await base64Of(EXPORT));
    expect(outcomes).toEqual(['sent 201', 'refused']);
    await closeDialog();
    expect(site().received.filter((request) => request.path.startsWith('/upload/hidden/'))).toEqual([]);
  });

  it('scans a slice of a blob nobody judged as a file of its own: the first chunk of an export is refused', async () => {
    const outcomes = await page.evaluate(
      (data, size) => {
        const w = window as unknown as ChunkPage;
        return w.uploadInChunks(w.blobOf(data), 'unjudged', size, 'xhr');
      },
      await base64Of(EXPORT),
      CHUNK,
    );
    expect(outcomes).toEqual(['refused']);
    await closeDialog();
    expect(site().received.filter((request) => request.path.startsWith('/upload/unjudged/'))).toEqual([]);
  });

  it('refuses a slice of a blocked file, without a second dialog, though the same bytes alone would pass', async () => {
    const [whole, alone, asSlice] = await page.evaluate(async (data) => {
      const w = window as unknown as ChunkPage;
      const bytes = Uint8Array.from(atob(data), (c) => c.charCodeAt(0));
      const blob = new Blob([bytes]);
      const whole = await fetch('/upload/whole/0', { method: 'POST', body: blob }).then(() => 'sent', () => 'refused');
      // A few rows from the middle: too few people to block as a file of their own.
      const alone = await w.uploadInChunks(new Blob([bytes.slice(1024, 1046)]), 'middle-alone', 1024, 'xhr');
      return [whole, alone, await w.uploadInChunks(blob.slice(1024, 1046), 'middle-slice', 1024, 'xhr')];
    }, await base64Of(EXPORT));
    expect(whole).toBe('refused');
    expect(alone).toEqual(['sent 201']);
    expect(asSlice).toEqual(['refused']);
    await closeDialog();
    await new Promise((done) => setTimeout(done, 1000));
    expect(await page.$(DIALOG_HOST)).toBeNull();
    expect(site().received.filter((request) => /^\/upload\/(whole|middle-slice)\//.test(request.path))).toEqual([]);
  });

  it('cannot be fooled by a page script: its own blob is no clean slice, whatever it does to WeakMap or arrays', async () => {
    await choose(page, CLEAN);
    const outcomes = await page.evaluate(async (data) => {
      const w = window as unknown as ChunkPage;
      const clean = await w.chosen;
      const exported = w.blobOf(data);
      const allow = Promise.resolve('allow');
      WeakMap.prototype.get = () => allow;
      WeakMap.prototype.has = () => true;
      const mixed = await w.uploadInChunks(new Blob([clean, exported]), 'mixed', 1 << 20, 'xhr');
      // Array iteration made to hand the Blob constructor the export where the page shows the clean file.
      const parts = [clean];
      (parts as unknown as { [Symbol.iterator]: () => Iterator<Blob> })[Symbol.iterator] = function* () {
        yield exported;
      };
      const swapped = await w.uploadInChunks(new Blob(parts), 'swapped', 1 << 20, 'xhr');
      return [...mixed, ...swapped];
    }, await base64Of(EXPORT));
    // The mixed blob is refused (a dialog); the swapped one holds only the clean file's bytes.
    expect(outcomes[0]).toBe('refused');
    await closeDialog();
    expect(site().received.filter((request) => request.path.startsWith('/upload/mixed/'))).toEqual([]);
    const swapped = await arrived('swapped', 'xhr');
    expect(sha256(swapped)).toBe(sha256(await readFile(await fixturePath(CLEAN))));
  });
});

describe('in Firefox ESR', () => {
  let page: Page;
  tabPerTest('firefox', () => `${site().url}/chunked.html`, (tab) => (page = tab));

  it('uploads a clean chosen file in 1 KB slices without a dialog, byte for byte', async () => {
    await choose(page, CLEAN);
    const outcomes = await page.evaluate(async (size) => {
      const w = window as unknown as ChunkPage;
      return w.uploadInChunks(await w.chosen, 'firefox', size, 'form');
    }, CHUNK);
    const original = await readFile(await fixturePath(CLEAN));
    expect(outcomes).toEqual(Array(chunkCount(original.length)).fill('sent 201'));
    expect(sha256(await arrived('firefox', 'form'))).toBe(sha256(original));
    expect(await page.$(DIALOG_HOST)).toBeNull();
  });
});
