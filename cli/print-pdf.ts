// Prints an HTML page to PDF with the system's headless Chromium, the browser the project already
// depends on, so the CLI needs no browser package of its own at run time.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export function printPdf(html: string, out: string): void {
  const dir = mkdtempSync(join(tmpdir(), 'eg-print-'));
  try {
    const page = join(dir, 'report.html');
    writeFileSync(page, html);
    const run = spawnSync(
      CHROMIUM,
      ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', `--user-data-dir=${join(dir, 'profile')}`, '--no-pdf-header-footer', `--print-to-pdf=${out}`, pathToFileURL(page).href],
      { encoding: 'utf8', timeout: 120_000 },
    );
    if (run.error) throw new Error(`could not run Chromium (${CHROMIUM}; set CHROMIUM_PATH): ${run.error.message}`);
    // Chromium may exit 0 without writing the file (a profile it cannot lock, a path it cannot write).
    if (run.status !== 0 || !statSync(out, { throwIfNoEntry: false })?.size) throw new Error(`Chromium did not print ${out} (exit ${run.status}): ${run.stderr.trim().split('\n').slice(-3).join(' ')}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
