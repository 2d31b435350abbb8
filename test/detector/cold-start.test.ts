// A cold start loads only what the file needs (issue 17): a fresh process that scans an xlsx, an
// ods, a csv or an ordinary xls or xlsb never loads SheetJS or xz-decompress; an xz file loads
// xz-decompress.
// Each case runs in a fresh Node process that records every module its loader loads.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { leak4Export } from '../../scripts/fixtures/catalogue.js';
import { fixturePath } from '../helpers/fixtures.js';

const ROOT = resolve(import.meta.dirname, '../..');
const dir = mkdtempSync(join(tmpdir(), 'export-guard-cold-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Records the URL of every module loaded after it, printed at exit. */
const RECORDER = `data:text/javascript,${encodeURIComponent(`
  import { register } from 'node:module';
  import { MessageChannel } from 'node:worker_threads';
  const { port1, port2 } = new MessageChannel();
  const loaded = [];
  port1.on('message', (url) => loaded.push(url));
  port1.unref();
  register('data:text/javascript,' + encodeURIComponent(
    'let port; export function initialize(data) { port = data.port; } ' +
    'export async function load(url, context, next) { port.postMessage(url); return next(url, context); }'
  ), { data: { port: port2 }, transferList: [port2] });
  process.on('exit', () => process.stdout.write('\\n' + JSON.stringify(loaded)));
`)}`;

/**
 * The packages under node_modules that a fresh process loads to scan the file, its verdict and the
 * reason codes. The process runs the sources through tsx, as `npm start` runs the proxy.
 */
function coldScan(file: string): { packages: string[]; verdict: string; codes: string[] } {
  const script = `
    import { readFileSync } from 'node:fs';
    const { detect } = await import(${JSON.stringify(join(ROOT, 'shared/detector/index.ts'))});
    const verdict = await detect(new Uint8Array(readFileSync(${JSON.stringify(file)})));
    process.stdout.write(JSON.stringify({ verdict: verdict.verdict, codes: verdict.reasons.map((reason) => reason.code) }));
  `;
  const out = execFileSync(process.execPath, ['--import', RECORDER, '--import', 'tsx', '--input-type=module', '-e', script], { cwd: ROOT, encoding: 'utf8' });
  const [scanned, loaded] = out.split('\n');
  const { verdict, codes } = JSON.parse(scanned ?? '{}') as { verdict: string; codes: string[] };
  const urls = JSON.parse(loaded ?? '[]') as string[];
  const packages = [...new Set(urls.map((url) => /\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url)?.[1]).filter((name): name is string => name !== undefined && name !== 'tsx' && !name.startsWith('@esbuild')))];
  return { packages: packages.sort(), verdict, codes };
}

function sample(rows: number, format: 'xlsx' | 'xls' | 'ods' | 'csv'): string {
  const path = join(dir, `leak4-${rows}.${format}`);
  writeFileSync(path, leak4Export(rows, format));
  return path;
}

describe('a cold start loads only what the file needs', () => {
  it.each(['xlsx', 'ods', 'csv'] as const)('%s: neither SheetJS nor xz-decompress', (format) => {
    const { packages, verdict } = coldScan(sample(3, format));
    expect(verdict).toBe('block');
    expect(packages).not.toContain('@e965/xlsx');
    expect(packages).not.toContain('xz-decompress');
  }, 60_000);

  it('xls the fast reader covers: no SheetJS either', () => {
    const { packages, verdict } = coldScan(sample(3, 'xls'));
    expect(verdict).toBe('block');
    expect(packages).not.toContain('@e965/xlsx');
  }, 60_000);

  it('xlsb the fast reader covers: no SheetJS either', async () => {
    const { packages, verdict } = coldScan(await fixturePath('leak-8.xlsb'));
    expect(verdict).toBe('block');
    expect(packages).not.toContain('@e965/xlsx');
    expect(packages).not.toContain('xz-decompress');
  }, 60_000);

  it('xz: xz-decompress, on first use, and the file read through it', () => {
    // Read, not merely blocked: under tsx the module's exports came as named exports, not as the
    // default import, and every xz file was blocked as a scan error, a product list included.
    execFileSync('xz', ['-kf', sample(3, 'csv')]);
    const people = coldScan(join(dir, 'leak4-3.csv.xz'));
    expect(people.verdict).toBe('block');
    expect(people.codes).not.toContain('scan-error');
    expect(people.packages).toContain('xz-decompress');
    expect(people.packages).not.toContain('@e965/xlsx');
    writeFileSync(join(dir, 'catalogue.csv'), 'Artikelnummer;Omschrijving;Prijs\nART-1000;Bureaustoel zwart;472.89\nART-1001;Bureaustoel grijs;230.23\n');
    execFileSync('xz', ['-kf', join(dir, 'catalogue.csv')]);
    expect(coldScan(join(dir, 'catalogue.csv.xz'))).toMatchObject({ verdict: 'allow', codes: [] });
  }, 60_000);
});
