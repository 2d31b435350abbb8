// The variants the differential check found wrong, kept as files (test/fixtures-differential/):
// each keeps the verdict its README line gives it, so a bug it found stays fixed.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { detect } from '../../shared/detector/index.js';

const folder = fileURLToPath(new URL('../fixtures-differential/', import.meta.url));
const listed = [...readFileSync(`${folder}README.md`, 'utf8').matchAll(/^- `([^`]+)` (block|allow): (.+)$/gm)].map(([, file, verdict, what]) => ({ file: file!, verdict: verdict!, what: what! }));

describe('variants the differential check found wrong', () => {
  it('every file in the folder has its README line, and is small', () => {
    const files = readdirSync(folder).filter((f) => f !== 'README.md').sort();
    expect(files).toEqual(listed.map((l) => l.file).sort());
    for (const file of files) expect(statSync(`${folder}${file}`).size, file).toBeLessThan(100 * 1024);
  });

  it.each(listed)('$file: $verdict', async ({ file, verdict, what }) => {
    const result = await detect(new Uint8Array(readFileSync(`${folder}${file}`)));
    expect(result.verdict, `${what} (got kind ${result.kind}, ${result.reasons.map((r) => r.code).join(', ') || 'no reasons'})`).toBe(verdict);
  });
});
