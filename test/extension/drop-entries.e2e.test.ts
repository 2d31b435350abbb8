// Drops that upload widgets can read, with the built extension (issue 12). flow.js and jQuery
// File Upload take a dropped file only through items[i].webkitGetAsEntry() (Uppy and Dropzone too
// for folders); the extension replays a held drop, and its replay must read as the original did:
// entries for files and folders, handles where the original had them, types, files and items
// that agree. Chromium gets a real drop of files on disk (DevTools' Input.dispatchDragEvent, the
// browser's own drag data, folders included); Firefox, which has no such hook, a drop built in script.
import { createHash } from 'node:crypto';
import { copyFile, mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Page } from 'puppeteer-core';
import { fixturePath, type FixtureName } from '../helpers/fixtures.js';
import { siteForTests, tabPerTest } from '../helpers/upload-pages.js';

const DIALOG_HOST = 'export-guard-dialog';
/** What Object.prototype.toString says of Chromium's own entries (their old names, and no globals for them). */
const FILE_ENTRY = '[object FileEntry]';
const FOLDER_ENTRY = '[object DirectoryEntry]';

/**
 * The test page: a drop zone whose handler reads the drop the way flow.js and jQuery File Upload
 * do (entries, folders walked with readEntries until an empty batch), reports what it saw, and
 * uploads every file it got.
 */
const DROP_PAGE = `<!doctype html><meta charset="utf-8"><title>drop</title>
<div id="zone" style="position:fixed;left:0;top:0;width:400px;height:400px;background:#eee"></div>
<script>
  const zone = document.getElementById('zone');
  window.drops = [];

  async function sha256(file) {
    const digest = await crypto.subtle.digest('SHA-256', await file.arrayBuffer());
    return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
  }

  async function readEntry(entry) {
    if (entry.isFile) {
      const file = await new Promise((resolve, reject) => entry.file(resolve, reject));
      const sent = await fetch('/upload/drop' + entry.fullPath, { method: 'POST', body: file }).then((r) => 'sent ' + r.status, () => 'refused');
      return [{ path: entry.fullPath, name: file.name, sha256: await sha256(file), kind: Object.prototype.toString.call(entry), sent }];
    }
    const reader = entry.createReader();
    const children = [];
    for (;;) {
      const batch = await new Promise((resolve, reject) => reader.readEntries(resolve, reject));
      if (batch.length === 0) break;
      children.push(...batch);
    }
    const parent = await new Promise((resolve) => children[0] ? children[0].getParent(resolve) : resolve(entry));
    const read = (await Promise.all(children.map(readEntry))).flat();
    return [{ path: entry.fullPath, kind: Object.prototype.toString.call(entry), parentIsFolder: parent.fullPath === entry.fullPath }, ...read];
  }

  zone.addEventListener('dragover', (event) => event.preventDefault());
  zone.addEventListener('drop', (event) => {
    event.preventDefault();
    const transfer = event.dataTransfer;
    const items = [...transfer.items];
    const entries = items.map((item) => item.webkitGetAsEntry());
    const handles = items.map((item) => (item.getAsFileSystemHandle ? item.getAsFileSystemHandle() : Promise.resolve(undefined)));
    const seen = { types: [...transfer.types], files: [...transfer.files].map((file) => file.name), items: items.map((item) => item.kind) };
    window.drops.push((async () => ({
      ...seen,
      entries: entries.map((entry) => entry && entry.fullPath),
      read: (await Promise.all(entries.filter(Boolean).map(readEntry))).flat(),
      handles: (await Promise.all(handles)).map((handle) => handle && handle.kind + ' ' + handle.name),
    }))());
  });
</script>`;

interface Seen {
  types: string[];
  files: string[];
  items: string[];
  entries: (string | null)[];
  read: { path: string; name?: string; sha256?: string; kind: string; sent?: string; parentIsFolder?: boolean }[];
  handles: (string | null | undefined)[];
}

type DropPage = Window & { drops: Promise<Seen>[] };

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
const fixtureSha = async (name: FixtureName) => sha256(await readFile(await fixturePath(name)));

// A scan waits its turn behind everything else a loaded two-core machine runs.
vi.setConfig({ testTimeout: 90_000 });

const site = siteForTests({ '/drop.html': DROP_PAGE });

/** What the page's drop handler saw, once it has read everything. */
async function seenByPage(page: Page): Promise<Seen> {
  await page.waitForFunction(() => (window as unknown as DropPage).drops.length > 0, { timeout: 45_000 });
  return page.evaluate(() => (window as unknown as DropPage).drops[0]!);
}

describe('in Chromium, a real drop of files and folders', () => {
  let page: Page;
  let disk: string;
  tabPerTest('chromium', () => `${site().url}/drop.html`, (tab) => (page = tab));

  beforeAll(async () => {
    // On disk, as the caseworker's explorer has them.
    disk = await mkdtemp(join(tmpdir(), 'export-guard-drop-'));
    const put = async (name: FixtureName, ...path: string[]) => {
      await mkdir(join(disk, ...path.slice(0, -1)), { recursive: true });
      await copyFile(await fixturePath(name), join(disk, ...path));
    };
    await put('vacancies.xlsx', 'vacancies.xlsx');
    await put('vacancies.xlsx', 'map', 'vacancies.xlsx');
    await put('schedule.csv', 'map', 'sub', 'schedule.csv');
    await put('vacancies.xlsx', 'map-with-export', 'vacancies.xlsx');
    await put('leak-3-bsn-only.csv', 'map-with-export', 'deep', 'selectie.csv');
  }, 60_000);

  afterAll(async () => {
    if (disk) await rm(disk, { recursive: true, force: true });
  });

  /** Drags the paths onto the drop zone and drops them, as a person with a mouse does. */
  async function drop(...paths: string[]): Promise<void> {
    const session = await page.createCDPSession();
    const data = { items: [], files: paths.map((path) => join(disk, path)), dragOperationsMask: 1 };
    for (const type of ['dragEnter', 'dragOver', 'drop'] as const) await session.send('Input.dispatchDragEvent', { type, x: 100, y: 100, data });
    await session.detach();
  }

  it('of a clean file gives the page an entry, a handle and the same bytes', async () => {
    await drop('vacancies.xlsx');
    const seen = await seenByPage(page);
    expect(seen).toEqual({
      types: ['Files'],
      files: ['vacancies.xlsx'],
      items: ['file'],
      entries: ['/vacancies.xlsx'],
      read: [{ path: '/vacancies.xlsx', name: 'vacancies.xlsx', sha256: await fixtureSha('vacancies.xlsx'), kind: FILE_ENTRY, sent: 'sent 201' }],
      handles: ['file vacancies.xlsx'],
    });
    const uploaded = site().received.find((request) => request.path === '/upload/drop/vacancies.xlsx');
    expect(sha256(uploaded!.body)).toBe(await fixtureSha('vacancies.xlsx'));
    expect(await page.$(DIALOG_HOST)).toBeNull();
  });

  it('of a folder gives every file in it, through entries read as flow.js and jQuery File Upload read them', async () => {
    await drop('map');
    const seen = await seenByPage(page);
    expect({ ...seen, read: [...seen.read].sort((a, b) => a.path.localeCompare(b.path)) }).toEqual({
      types: ['Files'],
      files: ['map'],
      items: ['file'],
      entries: ['/map'],
      read: [
        { path: '/map', kind: FOLDER_ENTRY, parentIsFolder: true },
        { path: '/map/sub', kind: FOLDER_ENTRY, parentIsFolder: true },
        { path: '/map/sub/schedule.csv', name: 'schedule.csv', sha256: await fixtureSha('schedule.csv'), kind: FILE_ENTRY, sent: 'sent 201' },
        { path: '/map/vacancies.xlsx', name: 'vacancies.xlsx', sha256: await fixtureSha('vacancies.xlsx'), kind: FILE_ENTRY, sent: 'sent 201' },
      ],
      handles: ['directory map'],
    });
    expect(await page.$(DIALOG_HOST)).toBeNull();
  });

  it('of a folder with an export deep inside keeps the whole drop from the page, with the dialog', async () => {
    await drop('map-with-export', 'vacancies.xlsx');
    await page.waitForSelector(DIALOG_HOST, { timeout: 45_000 });
    await page.waitForSelector('aria/Bijlage tegengehouden: selectie.csv[role="alertdialog"]', { timeout: 15_000 });
    await page.keyboard.press('Escape');
    await new Promise((done) => setTimeout(done, 1000));
    expect(await page.evaluate(() => (window as unknown as DropPage).drops.length)).toBe(0);
    expect(site().received.filter((request) => request.path.startsWith('/upload/drop/map-with-export'))).toEqual([]);
  });

  it('of a folder, after the page replaced the entries\' methods to keep the entries they are called on, gives the page nothing', async () => {
    // The page gets entries of its own (webkitRequestFileSystem) before anything is dropped, and
    // puts methods on their prototypes that keep every entry they are called on, then read its
    // files with the browser's methods and upload them: a dropped folder's entries, if we call them.
    const patched = await page.evaluate(
      () =>
        new Promise<string>((done) => {
          const page = window as unknown as Window & { stolen: number; webkitRequestFileSystem(type: number, size: number, ok: (fs: FileSystem) => void, fail: (error: unknown) => void): void };
          page.stolen = 0;
          const keep = (entry: FileSystemEntry, file: (entry: FileSystemFileEntry, ok: (file: File) => void) => void, read: (reader: FileSystemDirectoryReader, ok: (entries: FileSystemEntry[]) => void) => void, reader: (folder: FileSystemDirectoryEntry) => FileSystemDirectoryReader) => {
            page.stolen++;
            const walk = (at: FileSystemEntry): void => {
              if (at.isFile) file(at as FileSystemFileEntry, (got) => void fetch('/upload/stolen' + at.fullPath, { method: 'POST', body: got }));
              else read(reader(at as FileSystemDirectoryEntry), (entries) => entries.forEach(walk));
            };
            setTimeout(() => walk(entry), 0);
          };
          page.webkitRequestFileSystem(0, 0, (fs) => {
            const folderProto = Object.getPrototypeOf(fs.root) as FileSystemDirectoryEntry;
            const entryProto = Object.getPrototypeOf(folderProto) as FileSystemEntry;
            const createReader = folderProto.createReader;
            const isDirectory = Object.getOwnPropertyDescriptor(entryProto, 'isDirectory')!.get!;
            const readerProto = Object.getPrototypeOf(fs.root.createReader()) as FileSystemDirectoryReader;
            const readEntries = readerProto.readEntries;
            fs.root.getFile('probe', { create: true }, (probe) => {
              const fileProto = Object.getPrototypeOf(probe) as FileSystemFileEntry;
              const file = fileProto.file;
              const callFile = (entry: FileSystemFileEntry, ok: (file: File) => void) => file.call(entry, ok);
              const callRead = (reader: FileSystemDirectoryReader, ok: (entries: FileSystemEntry[]) => void) => readEntries.call(reader, ok);
              const callCreate = (folder: FileSystemDirectoryEntry) => createReader.call(folder);
              Object.defineProperty(entryProto, 'isDirectory', { configurable: true, get() { keep(this, callFile, callRead, callCreate); return isDirectory.call(this); } });
              folderProto.createReader = function () { keep(this, callFile, callRead, callCreate); return createReader.call(this); };
              fileProto.file = function (ok: FileCallback, fail?: ErrorCallback) { keep(this, callFile, callRead, callCreate); file.call(this, ok, fail); };
              done('patched');
            }, (error) => done(String(error)));
          }, (error) => done(String(error)));
        }),
    );
    expect(patched).toBe('patched');

    // A folder that cannot be read with the browser's own methods cannot be checked: it stays out,
    // and the dialog names the folder. (Had we called the page's methods, the export inside would
    // have been blocked with its own dialog, and the page would have had every entry all the same.)
    const refused = new Promise<string>((done) => page.on('console', (message) => message.text().includes('could not be read') && done(message.text())));
    await drop('map-with-export');
    await page.waitForSelector(DIALOG_HOST, { timeout: 45_000 });
    const forFolder = await page.waitForSelector('aria/Bijlage tegengehouden: map-with-export[role="alertdialog"]', { timeout: 15_000 }).catch(() => null);
    await page.keyboard.press('Escape');
    await new Promise((done) => setTimeout(done, 1500));
    expect(await page.evaluate(() => (window as unknown as { stolen: number }).stolen)).toBe(0);
    expect(forFolder).not.toBeNull();
    expect(await refused).toMatch(/not the browser's own/);
    expect(await page.evaluate(() => (window as unknown as DropPage).drops.length)).toBe(0);
    expect(site().received.filter((request) => request.path.startsWith('/upload/stolen') || request.path.startsWith('/upload/drop/map-with-export'))).toEqual([]);
  });
});

describe('in Firefox ESR, a drop built in script', () => {
  let page: Page;
  tabPerTest('firefox', () => `${site().url}/drop.html`, (tab) => (page = tab));

  async function drop(name: FixtureName): Promise<void> {
    const base64 = (await readFile(await fixturePath(name))).toString('base64');
    await page.evaluate(
      (data, fileName) => {
        const transfer = new DataTransfer();
        transfer.items.add(new File([Uint8Array.from(atob(data), (c) => c.charCodeAt(0))], fileName));
        const zone = document.getElementById('zone')!;
        for (const type of ['dragenter', 'dragover', 'drop']) zone.dispatchEvent(new DragEvent(type, { bubbles: true, cancelable: true, dataTransfer: transfer }));
      },
      base64,
      name,
    );
  }

  it('of a clean file reads through its entry as the original did', async () => {
    await drop('schedule.csv');
    const seen = await seenByPage(page);
    expect(seen.entries).toEqual(['/schedule.csv']);
    expect(seen.read).toEqual([{ path: '/schedule.csv', name: 'schedule.csv', sha256: await fixtureSha('schedule.csv'), kind: '[object FileSystemFileEntry]', sent: 'sent 201' }]);
  });

  it('of an export never reaches the page', async () => {
    await drop('leak-3-bsn-only.csv');
    await page.waitForSelector(DIALOG_HOST, { timeout: 45_000 });
    expect(await page.evaluate(() => (window as unknown as DropPage).drops.length)).toBe(0);
  });
});
