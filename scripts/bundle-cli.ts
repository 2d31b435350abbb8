// The command line as the launcher loads it: cli/main.ts bundled by esbuild with our own code
// inlined, so a fresh `export-guard scan` reads six files instead of some eighty modules (issue 17:
// a caseworker's wait is mostly Node starting and loading code; 143 -> 107 ms for a 3-row xlsx).
// The npm packages stay outside (`packages: 'external'`): SheetJS is still loaded only by the
// files that need it, and better-sqlite3's native module is found where npm put it. Split into
// chunks at each command's import(): in one file the proxy's packages (pg, better-sqlite3, ws,
// x509) become static imports at its top, loaded by every `scan` (300 ms instead of 107).
// `npm run build:node`, `prepare` and `prepack` write it to build/bundle/; `npm run bench cold`
// builds the same into a temporary folder.
import { build } from 'esbuild';
import { rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const ROOT = resolve(import.meta.dirname, '..');

/** Writes the bundle into `buildDir`/bundle/ and returns the launcher's entry file. */
export async function bundleCli(buildDir: string): Promise<string> {
  const outdir = join(buildDir, 'bundle');
  // Chunks are named by their content: those of an earlier build would linger and ship.
  rmSync(outdir, { recursive: true, force: true });
  await build({
    absWorkingDir: ROOT,
    // The scan worker is an entry of its own: the pool starts it as `./worker.js` beside its own
    // code (proxy/scan-pool/pool.ts), which here is a chunk in the same folder.
    entryPoints: { 'export-guard': 'cli/main.ts', worker: 'proxy/scan-pool/worker.ts' },
    outdir,
    bundle: true,
    splitting: true,
    packages: 'external',
    format: 'esm',
    platform: 'node',
    target: 'node20',
    logLevel: 'error',
  });
  return join(outdir, 'export-guard.js');
}

if (process.argv[1] && pathToFileURL(process.argv[1]).href === import.meta.url) await bundleCli(join(ROOT, 'build'));
