// The extension's scan, in the browser vs in Node: time from a file chosen in the picker to the
// verdict shown (the block dialog for the leak-4 export; the page's own change handler for a clean
// 11,062-row workbook), next to detect() in Node on the same bytes. Goal: under 1.5x the Node time.
// Each browser round uses a copy with a different zip comment: the same bytes would be answered
// from the extension's SHA-256 cache and measure nothing. What puppeteer's uploadFile itself takes
// is measured on a page the extension does not run on, and taken off.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as XLSX from '@e965/xlsx';
import type { Page } from 'puppeteer-core';
import { detect } from '../shared/detector/index.js';
import { launchWithExtension } from '../test/helpers/browser.js';
import { fixtureBytes } from '../test/helpers/fixtures.js';
import { ensureExtensionBuilt } from '../test/extension/setup.js';
import { startPortal } from '../demo-portal/server.js';

const ROUNDS = 15;
const ROWS = 11_062;

/** A harmless table as large as leak 4: vacancy counts per region, sector and month. */
function cleanWorkbook(): Uint8Array {
  const regions = ['Groningen', 'Friesland', 'Drenthe', 'Overijssel', 'Flevoland', 'Gelderland', 'Utrecht', 'Noord-Holland', 'Zuid-Holland', 'Zeeland', 'Noord-Brabant', 'Limburg'];
  const sectors = ['Zorg', 'Techniek', 'ICT', 'Logistiek', 'Onderwijs', 'Horeca', 'Bouw', 'Detailhandel', 'Overheid'];
  const rows: (string | number)[][] = [['Maand', 'Regio', 'Sector', 'Vacatures', 'Vervuld', 'Gem. uren per week', 'Niveau', 'Status']];
  for (let i = 0; i < ROWS; i++) {
    rows.push([`${2020 + (i % 6)}-${String((i % 12) + 1).padStart(2, '0')}`, regions[i % 12]!, sectors[i % 9]!, 10 + (i % 37), i % 23, 24 + (i % 16), `MBO ${1 + (i % 4)}`, i % 3 ? 'open' : 'gesloten']);
  }
  const book = XLSX.utils.book_new();
  XLSX.utils.book_append_sheet(book, XLSX.utils.aoa_to_sheet(rows), 'Vacatures per regio');
  return new Uint8Array(XLSX.write(book, { type: 'array', bookType: 'xlsx', compression: true }) as ArrayBuffer);
}

/** The same workbook with a zip comment: identical content, different SHA-256. */
function withZipComment(zip: Uint8Array, comment: string): Uint8Array {
  const text = new TextEncoder().encode(comment);
  const copy = new Uint8Array(zip.length + text.length);
  copy.set(zip);
  copy.set(text, zip.length);
  // The end-of-central-directory record is the last 22 bytes; its last field is the comment length.
  new DataView(copy.buffer).setUint16(zip.length - 2, text.length, true);
  return copy;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

async function nodeMs(bytes: Uint8Array, expected: 'allow' | 'block'): Promise<number> {
  const started = performance.now();
  const verdict = await detect(bytes);
  const elapsed = performance.now() - started;
  if (verdict.verdict !== expected) throw new Error(`detect() said ${verdict.verdict}, expected ${expected}`);
  return elapsed;
}

/** Prepares a page with a file input; the function it returns times file chosen -> verdict shown. */
async function fileInputTimer(page: Page, url: string): Promise<(path: string) => Promise<number>> {
  await page.goto(url);
  await page.evaluate(() => {
    const input = Object.assign(document.createElement('input'), { type: 'file', id: 'bench-file' });
    input.addEventListener('change', () => ((window as unknown as { __shown: number }).__shown = performance.now()));
    new MutationObserver(() => {
      if (document.querySelector('export-guard-dialog')) (window as unknown as { __shown: number }).__shown = performance.now();
    }).observe(document.documentElement, { childList: true });
    document.body.append(input);
  });
  const input = (await page.$('input#bench-file'))!;
  return async (path) => {
    await page.evaluate(() => {
      document.querySelector('export-guard-dialog')?.remove();
      (window as unknown as { __shown?: number }).__shown = undefined;
    });
    const chosen = await page.evaluate(() => performance.now());
    await input.uploadFile(path);
    await page.waitForFunction(() => (window as unknown as { __shown?: number }).__shown !== undefined, { timeout: 60_000, polling: 10 });
    return (await page.evaluate(() => (window as unknown as { __shown: number }).__shown)) - chosen;
  };
}

export async function run(): Promise<void> {
  await ensureExtensionBuilt();
  const files = { 'clean 11,062 rows': { bytes: cleanWorkbook(), expected: 'allow' as const }, 'leak-4 export': { bytes: await fixtureBytes('leak-4.xlsx'), expected: 'block' as const } };
  const dir = await mkdtemp(join(tmpdir(), 'export-guard-bench-'));
  const portal = await startPortal({ jobSeekers: 10 });
  const chromium = await launchWithExtension();
  try {
    // Any page of a protected site will do; the bench adds its own file input. The same input on a
    // data: page, where the extension does not run, measures what puppeteer's uploadFile itself
    // takes: that part is the harness, not the extension.
    const chosenToShown = await fileInputTimer(await chromium.browser.newPage(), `${portal.url}/login`);
    const harness = await fileInputTimer(await chromium.browser.newPage(), 'data:text/html,<title>unprotected</title>');

    // Warm the worker (first policy fetch, JIT) with a file that is not measured.
    const warmup = join(dir, 'warmup.xlsx');
    await writeFile(warmup, withZipComment(files['clean 11,062 rows'].bytes, 'warmup'));
    await chosenToShown(warmup);

    console.log('file                | size     | Node detect() | browser chosen->shown | of which harness | ratio (browser - harness) / Node');
    for (const [name, { bytes, expected }] of Object.entries(files)) {
      // Node and browser take turns, so load from other work on the machine hits both alike.
      const nodeTimes: number[] = [];
      const browserTimes: number[] = [];
      const harnessTimes: number[] = [];
      await nodeMs(bytes, expected);
      for (let round = 0; round < ROUNDS; round++) {
        const copy = withZipComment(bytes, `round ${round} of ${name}`);
        const path = join(dir, `round-${round}.xlsx`);
        await writeFile(path, copy);
        nodeTimes.push(await nodeMs(copy, expected));
        browserTimes.push(await chosenToShown(path));
        harnessTimes.push(await harness(path));
      }
      const node = median(nodeTimes);
      const browser = median(browserTimes);
      const overhead = median(harnessTimes);
      const ratio = (browser - overhead) / node;
      console.log(
        `${name.padEnd(19)} | ${(bytes.length / 1024).toFixed(0).padStart(5)} kB | ${node.toFixed(0).padStart(10)} ms | ${browser.toFixed(0).padStart(18)} ms | ${overhead.toFixed(0).padStart(13)} ms | ${ratio.toFixed(2)}x ${ratio < 1.5 ? '(goal < 1.5x met)' : '(goal < 1.5x MISSED)'}`,
      );
    }
  } finally {
    await chromium.close();
    await portal.close();
    await rm(dir, { recursive: true, force: true });
  }
}
