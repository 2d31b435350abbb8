// A page script that replaces the built-ins after load (what any script on the portal, or one it
// pulls in, can do) cannot turn a block into an allow: array methods that say every verdict is
// 'allow', a Promise.prototype.then and a MessageEvent.data that rewrite 'block' to 'allow',
// Function.prototype.call/apply/bind and Reflect.apply that do the same to arguments, a getter
// for get on Object.prototype that calls what a property descriptor holds, an addEventListener
// that does nothing, WeakSet/WeakMap/Map methods that say everything was seen, brand checks that
// say no body is a Blob or a FormData. An export chosen in the picker (in the
// page and in a shadow root made afterwards) never reaches the page, one sent with fetch or XHR
// (as a Blob, bytes, a FormData, a Request) never reaches the site, and a clean file still does.
import { readFile } from 'node:fs/promises';
import { describe, expect, it, vi } from 'vitest';
import type { ElementHandle, Page } from 'puppeteer-core';
import { fixturePath, type FixtureName } from '../helpers/fixtures.js';
import { siteForTests, tabPerTest } from '../helpers/upload-pages.js';

const EXPORT: FixtureName = 'leak-3-bsn-only.csv';
const CLEAN: FixtureName = 'schedule.csv';
const DIALOG_HOST = 'export-guard-dialog';

/**
 * The page: what it saw of its file inputs, and hostile(), which replaces the built-ins. Its own
 * code keeps what it needs of them first, as an attacker's would.
 */
const HOSTILE_PAGE = `<!doctype html><meta charset="utf-8"><title>hostile page</title>
<input type="file" id="file">
<div id="host"></div>
<script>
  window.seen = [];
  document.getElementById('file').addEventListener('change', (event) => seen.push('page input: ' + event.target.files.length));
  const NativeBlob = Blob;
  const NativeFormData = FormData;
  const NativeRequest = Request;
  const apply = Reflect.apply;
  const nativeThen = Promise.prototype.then;
  const resolved = Promise.resolve.bind(Promise);
  const getData = Object.getOwnPropertyDescriptor(MessageEvent.prototype, 'data').get;
  const define = Object.defineProperty;
  const allowing = (value) => (value === 'block' ? 'allow' : value);
  const allowingAll = (args) => { const out = []; for (let i = 0; i < args.length; i++) out[i] = allowing(args[i]); return out; };

  window.bytesOf = (base64) => Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));

  window.hostile = () => {
    const yes = () => true;
    Array.prototype.every = yes;
    Array.prototype.some = () => false;
    Array.prototype.includes = () => false;
    Array.prototype.map = () => [];
    Array.prototype.filter = () => [];
    Array.prototype.flatMap = () => [];
    Array.from = () => [];
    Promise.all = () => resolved([]);
    Promise.prototype.then = function then(onFulfilled, onRejected) {
      return apply(nativeThen, this, [(value) => (typeof onFulfilled === 'function' ? onFulfilled(allowing(value)) : value), onRejected]);
    };
    // So that await, too, goes through the then above; and Promise.prototype.then's own species lookup meets the page's constructor.
    Promise.prototype.constructor = { [Symbol.species]: function Species(executor) { executor(() => undefined, () => undefined); } };
    for (const method of ['call', 'apply']) {
      const native = Function.prototype[method];
      Function.prototype[method] = function (thisArg, ...args) {
        return method === 'call' ? apply(this, thisArg, allowingAll(args)) : apply(this, thisArg, allowingAll(args[0] ?? []));
      };
    }
    Function.prototype.bind = function (thisArg, ...bound) {
      const target = this;
      return function (...args) { return apply(target, thisArg, allowingAll([...bound, ...args])); };
    };
    Reflect.apply = (target, thisArg, args) => apply(target, thisArg, allowingAll(args));
    define(MessageEvent.prototype, 'data', {
      configurable: true,
      get() {
        const data = apply(getData, this, []);
        return data && typeof data === 'object' && data.decision === 'block' ? { ...data, decision: 'allow' } : data;
      },
    });
    JSON.parse = () => ({});
    JSON.stringify = () => '{}';
    EventTarget.prototype.addEventListener = () => undefined;
    WeakSet.prototype.has = yes;
    WeakMap.prototype.has = yes;
    WeakMap.prototype.get = () => resolved('allow');
    Map.prototype.get = () => 0;
    FormData.prototype.entries = function* () {};
    FormData.prototype.values = function* () {};
    FormData.prototype.getAll = () => [];
    MessagePort.prototype.postMessage = () => undefined;
    for (const constructor of [Blob, File, FormData, Request, HTMLInputElement]) define(constructor, Symbol.hasInstance, { configurable: true, value: () => false });
    // Reading a property descriptor looks for get up the prototype chain: this getter is handed every descriptor, and calls what it holds.
    define(Object.prototype, 'get', {
      configurable: true,
      get() {
        if (typeof this.value === 'function' && this.value.length === 1) try { this.value('allow'); } catch {}
        return undefined;
      },
    });
    Object.defineProperty = (object) => object;
  };

  /** The upload of a body by fetch: 'sent 201' or 'refused'. Kept free of the built-ins replaced above. */
  function fetched(path, body) {
    return new Promise((done) => apply(nativeThen, fetch(path, { method: 'POST', body }), [(response) => done('sent ' + response.status), () => done('refused')]));
  }

  function xhrSent(path, body) {
    return new Promise((done) => {
      const xhr = new XMLHttpRequest();
      xhr.open('POST', path);
      xhr.onload = () => done('sent ' + xhr.status);
      xhr.onerror = () => done('refused');
      xhr.send(body);
    });
  }

  function formWith(blob) {
    const form = new NativeFormData();
    form.append('file', blob, 'export.csv');
    return form;
  }

  /** Every way a script uploads the bytes; each outcome under its name. */
  window.uploadEveryWay = (base64, prefix) => {
    const bytes = bytesOf(base64);
    const blob = new NativeBlob([bytes]);
    const ways = {
      'fetch blob': () => fetched('/upload/' + prefix + '/fetch-blob', blob),
      'fetch bytes': () => fetched('/upload/' + prefix + '/fetch-bytes', bytes),
      'fetch form': () => fetched('/upload/' + prefix + '/fetch-form', formWith(blob)),
      'fetch request': () =>
        new Promise((done) => apply(nativeThen, fetch(new NativeRequest('/upload/' + prefix + '/fetch-request', { method: 'POST', body: blob })), [(r) => done('sent ' + r.status), () => done('refused')])),
      'xhr blob': () => xhrSent('/upload/' + prefix + '/xhr-blob', blob),
      'xhr bytes': () => xhrSent('/upload/' + prefix + '/xhr-bytes', bytes),
      'xhr form': () => xhrSent('/upload/' + prefix + '/xhr-form', formWith(blob)),
    };
    const outcomes = {};
    let left = 0;
    return new Promise((done) => {
      for (const name in ways) {
        left++;
        apply(nativeThen, ways[name](), [(outcome) => { outcomes[name] = outcome; if (--left === 0) done(outcomes); }]);
      }
    });
  };

  /** A shadow root made after hostile(): its file input reports to the page with a handler property. */
  window.shadowInput = () => {
    const root = document.getElementById('host').attachShadow({ mode: 'open' });
    const input = document.createElement('input');
    input.type = 'file';
    input.onchange = (event) => seen.push('shadow input: ' + event.target.files.length);
    root.appendChild(input);
    return input;
  };
</script>`;

type HostilePage = Window & {
  seen: string[];
  hostile(): void;
  uploadEveryWay(base64: string, prefix: string): Promise<Record<string, string>>;
  shadowInput(): HTMLInputElement;
};

const WAYS = ['fetch blob', 'fetch bytes', 'fetch form', 'fetch request', 'xhr blob', 'xhr bytes', 'xhr form'];

// A scan waits its turn behind everything else a loaded two-core machine runs.
vi.setConfig({ testTimeout: 120_000 });

const site = siteForTests({ '/hostile.html': HOSTILE_PAGE });

const base64Of = async (name: FixtureName) => (await readFile(await fixturePath(name))).toString('base64');

/** Waits until the block dialog shows or the page saw a file, whichever first; says which. */
async function dialogOrSeen(page: Page): Promise<'dialog' | 'seen'> {
  for (const deadline = Date.now() + 60_000; Date.now() < deadline; await new Promise((done) => setTimeout(done, 250))) {
    if ((await page.evaluate(() => (window as unknown as HostilePage).seen.length)) > 0) return 'seen';
    if (await page.$(DIALOG_HOST)) return 'dialog';
  }
  throw new Error('neither a dialog nor a file in the page after 60 s');
}

/** Chooses the export in `input`, then gives a released file time to arrive before saying what the page saw. */
async function chooseExport(page: Page, input: ElementHandle<HTMLInputElement>): Promise<string[]> {
  await input.uploadFile(await fixturePath(EXPORT));
  expect(await dialogOrSeen(page)).toBe('dialog');
  await new Promise((done) => setTimeout(done, 1000));
  return page.evaluate(() => (window as unknown as HostilePage).seen);
}

function received(prefix: string): string[] {
  return site()
    .received.filter((request) => request.path.startsWith(`/upload/${prefix}/`))
    .map((request) => request.path);
}

function describeIn(browser: 'chromium' | 'firefox', name: string): void {
  describe(name, () => {
    let page: Page;
    tabPerTest(browser, () => `${site().url}/hostile.html`, (tab) => (page = tab));

    it('keeps an export sent by script with fetch or XHR, as a Blob, bytes, a FormData or a Request, from the site', async () => {
      const prefix = `${browser}-export`;
      await page.evaluate(() => (window as unknown as HostilePage).hostile());
      const outcomes = await page.evaluate((data, to) => (window as unknown as HostilePage).uploadEveryWay(data, to), await base64Of(EXPORT), prefix);
      expect(outcomes).toEqual(Object.fromEntries(WAYS.map((way) => [way, 'refused'])));
      expect(received(prefix)).toEqual([]);
    });

    it('still lets a clean file go out every way', async () => {
      const prefix = `${browser}-clean`;
      await page.evaluate(() => (window as unknown as HostilePage).hostile());
      const outcomes = await page.evaluate((data, to) => (window as unknown as HostilePage).uploadEveryWay(data, to), await base64Of(CLEAN), prefix);
      expect(outcomes).toEqual(Object.fromEntries(WAYS.map((way) => [way, 'sent 201'])));
      expect(received(prefix)).toHaveLength(WAYS.length);
    });

    it('still hands the page a clean file chosen in the picker', async () => {
      const input = (await page.$('input#file')) as ElementHandle<HTMLInputElement>;
      await page.evaluate(() => (window as unknown as HostilePage).hostile());
      await input.uploadFile(await fixturePath(CLEAN));
      expect(await dialogOrSeen(page)).toBe('seen');
      expect(await page.evaluate(() => (window as unknown as HostilePage).seen)).toEqual(['page input: 1']);
    });

    it('keeps an export chosen in the picker from the page', async () => {
      const input = (await page.$('input#file')) as ElementHandle<HTMLInputElement>;
      await page.evaluate(() => (window as unknown as HostilePage).hostile());
      expect(await chooseExport(page, input)).toEqual([]);
    });

    it('keeps an export chosen in a file input of a shadow root made afterwards from the page', async () => {
      await page.evaluate(() => (window as unknown as HostilePage).hostile());
      const input = (await page.evaluateHandle(() => (window as unknown as HostilePage).shadowInput())) as ElementHandle<HTMLInputElement>;
      expect(await chooseExport(page, input)).toEqual([]);
    });

    it('(why the page world uses no Promise of its own on the way) a page that replaces Promise.prototype.then decides what a promise gives', async () => {
      const given = await page.evaluate(async () => {
        const nativeThen = Promise.prototype.then;
        const nativeConstructor = Promise.prototype.constructor;
        const apply = Reflect.apply;
        const verdict = () => Promise.resolve('block');
        Promise.prototype.then = function then(this: Promise<unknown>, onValue?: (value: unknown) => unknown, onError?: (error: unknown) => unknown) {
          return apply(nativeThen, this, [() => onValue?.('allow'), onError]);
        } as typeof nativeThen;
        const awaited = await verdict();
        const returned = await (async () => verdict())();
        const all = await Promise.all([verdict()]);
        Promise.prototype.constructor = Object as unknown as PromiseConstructor;
        const awaitedNow = await verdict();
        Promise.prototype.then = nativeThen;
        Promise.prototype.constructor = nativeConstructor;
        return { awaited, returned, all, awaitedNow };
      });
      // await alone takes the internal path; returning a promise from an async function, Promise.all
      // and await once the constructor is replaced all call the page's then.
      expect(given).toEqual({ awaited: 'block', returned: 'allow', all: ['allow'], awaitedNow: 'allow' });
    });
  });
}

describeIn('chromium', 'in Chromium');
describeIn('firefox', 'in Firefox ESR');
