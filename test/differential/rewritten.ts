// Variants written by the receivers' own programs: each table, as SheetJS wrote it, saved again by
// LibreOffice and by Gnumeric as xlsx, xls and ods. Their spellings are not ours (styles, repeated
// cells, their own zip layout), and they are not byte-stable across versions, so only the full
// run (`npm run bench differential`) makes them; the sample in `npm test` stays deterministic.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { rewrite, type OracleName } from './oracles.js';
import { makeVariants, type Variant } from './variants.js';

export async function rewrittenVariants(seed: number, oracles: readonly OracleName[]): Promise<Variant[]> {
  const sources = makeVariants(seed).filter((v) => v.name.startsWith('xlsx/sheetjs/'));
  const inputs = sources.map((v, i) => ({ id: `s${i}`, bytes: v.bytes, ext: v.ext }));
  const workDir = mkdtempSync(join(tmpdir(), 'export-guard-rewrite-'));
  try {
    const variants: Variant[] = [];
    for (const writer of ['libreoffice', 'gnumeric'] as const) {
      if (!oracles.includes(writer)) continue;
      for (const { id, format, bytes } of await rewrite(inputs, writer, join(workDir, writer))) {
        const source = sources[inputs.findIndex((input) => input.id === id)]!;
        const table = source.name.slice('xlsx/sheetjs/'.length);
        variants.push({ name: `rewritten/${writer}-${format}/${table}`, content: source.content, ext: format, bytes, markers: source.markers });
      }
    }
    return variants;
  } finally {
    rmSync(workDir, { recursive: true, force: true });
  }
}
