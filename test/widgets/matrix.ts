// One case of the widget matrix: a widget in a mode, a file given through its input or dropped on
// it, in Chromium with the extension or without it (the proxy alone), the portal behind the real
// proxy. The outcome is what the portal got, never what the widget or the extension claims:
// an export is 'stopped' only when no byte of it reached the portal, a harmless file 'arrived'
// only when the portal assembled it with the same SHA-256 and the widget said it succeeded.
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import puppeteer, { type Browser, type ElementHandle, type Page } from 'puppeteer-core';
import { CHROMIUM_EXTENSION_DIR, CHROMIUM_PATH, FIREFOX_EXTENSION_DIR, launchFirefoxWithExtension, launchWithExtension, type ExtensionBrowser, type FirefoxWithExtension } from '../helpers/browser.js';
import { fixturePath } from '../helpers/fixtures.js';
import { configureExtension } from '../helpers/four-eyes-stack.js';
import { ensureExtensionBuilt } from '../extension/setup.js';
import { startTestProxy, type TestProxy } from '../proxy/start.js';
import { workbook } from '../../scripts/fixtures/formats.js';
import { seededRandom } from '../../scripts/fixtures/random.js';
import { pagePath, sha256, startWidgetPortal, type WidgetPortal } from './portal.js';
import type { Mode, Widget } from './widgets.js';

export type Via = 'input' | 'drop';
/** Chromium with the extension, Chromium alone (the proxy alone guards), Firefox ESR with the add-on. */
export type Guard = 'extension' | 'proxy' | 'firefox';
export type Payload = 'export' | 'harmless';

export interface Case {
  widget: Widget;
  mode: Mode;
  via: Via;
  guard: Guard;
}

export interface Outcome {
  result: 'stopped' | 'arrived' | 'leaked' | 'failed';
  /** Bytes of the file's content that reached the portal. */
  bytesAtUpstream: number;
  detail: string;
}

export const EXPECTED: Record<Payload, Outcome['result']> = { export: 'stopped', harmless: 'arrived' };

/** Long enough for a 2.5 MB file in 256 kB chunks, scanned by the extension and the proxy, on a loaded two-core machine. */
const CASE_TIMEOUT_MS = 90_000;
/** How long a widget may take to draw its input or drop zone: FilePond's took past 15 s in a clean-clone CI run beside other work. */
const WIDGET_READY_MS = 60_000;
/** After the widget's verdict, chunks still in flight get this long to arrive before the portal is read. */
const SETTLE_MS = 1_500;

const GUARD_NAMES: Record<Guard, string> = { extension: 'with the extension', proxy: 'proxy only', firefox: 'Firefox with the add-on' };

export function caseName({ widget, mode, via, guard }: Case): string {
  return `${widget.name} ${mode} by ${via} (${GUARD_NAMES[guard]})`;
}

/** Ways a file can be given in a browser: WebDriver BiDi has no drop of files from disk. */
export function viasFor(guard: Guard): Via[] {
  return guard === 'firefox' ? ['input'] : ['input', 'drop'];
}

/**
 * A harmless workbook of office supplies, large enough (about 2.3 MB) to span several chunks at
 * the widgets' default chunk sizes too.
 */
function productCatalogue(): Uint8Array {
  const random = seededRandom(1204);
  const items = ['Bureaustoel', 'Beeldscherm 24 inch', 'Toetsenbord', 'Muis', 'Laptoptas', 'Headset', 'Whiteboard', 'Printerpapier A4'];
  const colours = ['zwart', 'wit', 'grijs', 'blauw', 'rood'];
  const rows: (string | number)[][] = [['Artikelnummer', 'Omschrijving', 'Kleur', 'Prijs', 'Voorraad', 'Leverancier', 'Magazijnlocatie']];
  for (let i = 0; i < 19_000; i++) {
    rows.push([
      `ART-${100_000 + i}`,
      `${items[i % items.length]} model ${random.int(1, 999)}`,
      colours[random.int(0, colours.length - 1)]!,
      random.int(500, 50_000) / 100,
      random.int(0, 300),
      `Leverancier ${random.int(1, 60)}`,
      `Gang ${random.int(1, 40)} vak ${random.int(1, 99)}`,
    ]);
  }
  return workbook([{ name: 'Artikelen', rows }], 'xlsx');
}

interface TestFile {
  path: string;
  sha256: string;
}

export interface WidgetStack {
  portal: WidgetPortal;
  proxy: TestProxy;
  files: Record<Payload, TestFile>;
  run(test: Case, payload: Payload): Promise<Outcome>;
  close(): Promise<void>;
}

async function launchPlain(): Promise<Browser> {
  return puppeteer.launch({ executablePath: CHROMIUM_PATH, headless: true, args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'] });
}

/** `extensionDir`: a Chromium build of the extension other than dist/chromium (another commit's, to compare). */
export async function startWidgetStack(guards: readonly Guard[], { extensionDir }: { extensionDir?: string } = {}): Promise<WidgetStack> {
  const dir = await mkdtemp(join(tmpdir(), 'export-guard-widgets-'));
  let portal: WidgetPortal | undefined;
  let proxy: TestProxy | undefined;
  let chromium: ExtensionBrowser | undefined;
  let firefox: FirefoxWithExtension | undefined;
  let plain: Browser | undefined;
  const close = async () => {
    await chromium?.close();
    await firefox?.close();
    await plain?.close().catch(() => undefined);
    await proxy?.close();
    await portal?.close();
    await rm(dir, { recursive: true, force: true });
  };
  try {
    const harmless = join(dir, 'artikelen.xlsx');
    await writeFile(harmless, productCatalogue());
    const exported = await fixturePath('leak-4.xlsx');
    const files = {
      export: { path: exported, sha256: sha256(await readFile(exported)) },
      harmless: { path: harmless, sha256: sha256(await readFile(harmless)) },
    };
    portal = await startWidgetPortal();
    proxy = await startTestProxy(portal.url);
    if (guards.includes('firefox') || (guards.includes('extension') && !extensionDir)) {
      await ensureExtensionBuilt();
      // A private copy: a run takes minutes, and another test's rebuild of dist/ must not pull the
      // extension from under the browser.
      await cp(CHROMIUM_EXTENSION_DIR, join(dir, 'chromium'), { recursive: true });
      await cp(FIREFOX_EXTENSION_DIR, join(dir, 'firefox'), { recursive: true });
    }
    if (guards.includes('extension')) {
      chromium = await launchWithExtension({ extensionDir: extensionDir ?? join(dir, 'chromium') });
      await configureExtension(chromium, { proxyUrl: proxy.url });
    }
    if (guards.includes('firefox')) firefox = await launchFirefoxWithExtension(join(dir, 'firefox'));
    if (guards.includes('proxy')) plain = await launchPlain();
    const browsers: Record<Guard, Browser | undefined> = { extension: chromium?.browser, proxy: plain, firefox: firefox?.browser };
    const stack: WidgetStack = {
      portal,
      proxy,
      files,
      async run(test, payload) {
        const browser = browsers[test.guard];
        if (!browser) throw new Error(`the stack was started without the ${test.guard} browser`);
        await stack.portal.reset();
        const page = await browser.newPage();
        try {
          return await runCase(page, stack, test, payload);
        } catch (error) {
          // One case that cannot even be tried (the page never showed its widget) is that case's failure.
          const text = await page.evaluate(() => document.body?.innerText.slice(0, 200) ?? '').catch(() => 'unreadable');
          return { result: 'failed', bytesAtUpstream: await stack.portal.fileBytes(), detail: `${String(error).split('\n')[0]}; the page said: ${JSON.stringify(text)}` };
        } finally {
          await page.close();
        }
      },
      close,
    };
    return stack;
  } catch (error) {
    await close();
    throw error;
  }
}

async function give(page: Page, test: Case, path: string): Promise<void> {
  if (test.via === 'input') {
    const input = await page.waitForSelector(test.widget.input, { timeout: WIDGET_READY_MS });
    await (input as ElementHandle<HTMLInputElement>).uploadFile(path);
    return;
  }
  const zone = await page.waitForSelector(test.widget.dropZone, { visible: true, timeout: WIDGET_READY_MS });
  const box = await zone!.boundingBox();
  if (!box) throw new Error(`${test.widget.dropZone} has no box to drop on`);
  const point = { x: box.x + box.width / 2, y: box.y + box.height / 2 };
  // A trusted drop of a file from disk, as the browser gives one from the desktop.
  const data = { items: [], files: [path], dragOperationsMask: 1 };
  await page.mouse.dragEnter(point, data);
  await page.mouse.dragOver(point, data);
  await page.mouse.drop(point, data);
}

interface PageState {
  outcomes: { outcome: 'success' | 'error'; detail: string }[];
  dialog: boolean;
}

function pageState(page: Page): Promise<PageState> {
  return page.evaluate(() => ({
    outcomes: (window as unknown as { __eg: PageState }).__eg.outcomes,
    dialog: document.querySelector('export-guard-dialog') !== null,
  }));
}

async function runCase(page: Page, stack: WidgetStack, test: Case, payload: Payload): Promise<Outcome> {
  const file = stack.files[payload];
  await page.goto(stack.proxy.url + pagePath(test.widget, test.mode));
  await give(page, test, file.path);
  let state = await pageState(page);
  for (const deadline = Date.now() + CASE_TIMEOUT_MS; state.outcomes.length === 0 && !state.dialog && Date.now() < deadline; ) {
    await new Promise((done) => setTimeout(done, 250));
    state = await pageState(page);
  }
  await new Promise((done) => setTimeout(done, SETTLE_MS));
  state = await pageState(page);
  const bytesAtUpstream = await stack.portal.fileBytes();
  const stored = stack.portal.stored();
  const said = state.outcomes.map(({ outcome, detail }) => (detail ? `${outcome} (${detail.slice(0, 120)})` : outcome)).join(', ') || 'nothing';
  const detail = `widget said ${said}${state.dialog ? ', block dialog shown' : ''}; portal stored ${stored.length} file(s)`;
  if (payload === 'export') {
    if (bytesAtUpstream > 0 || stored.length > 0) return { result: 'leaked', bytesAtUpstream, detail };
    const stopped = state.dialog || state.outcomes.some(({ outcome }) => outcome === 'error');
    return { result: stopped && !state.outcomes.some(({ outcome }) => outcome === 'success') ? 'stopped' : 'failed', bytesAtUpstream, detail };
  }
  const arrived =
    stored.length === 1 && stored[0]!.sha256 === file.sha256 && state.outcomes.at(-1)?.outcome === 'success' && !state.dialog;
  return { result: arrived ? 'arrived' : 'failed', bytesAtUpstream, detail };
}
