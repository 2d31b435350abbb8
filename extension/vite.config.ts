// One Vite + crxjs configuration per browser; scripts/build-extension.ts builds both.
// The two content scripts are standalone IIFE bundles: a loader with a dynamic import would run
// them a task late, after page scripts, when a file event may already have reached the page.
import { resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readFileSync } from 'node:fs';
import type { InlineConfig, Plugin } from 'vite';
import { crx } from '@crxjs/vite-plugin';
import { manifestFor, type BrowserTarget } from '../manifest.js';

const here = dirname(fileURLToPath(import.meta.url));

/** dist/<target>, or under EXPORT_GUARD_DIST: a test's private build leaves the shared dist/ alone. */
export function outDirFor(target: BrowserTarget): string {
  return resolve(process.env.EXPORT_GUARD_DIST ?? resolve(here, '..', 'dist'), target);
}

/** `protectedSites`: match patterns from the office policy; the built-in policy's when absent. */
export function extensionConfig(target: BrowserTarget, protectedSites?: readonly string[]): InlineConfig {
  return {
    root: here,
    configFile: false,
    publicDir: false,
    logLevel: 'warn',
    build: {
      outDir: outDirFor(target),
      emptyOutDir: true,
      // Readable output: store reviewers (AMO) and IT read what they install.
      minify: false,
      target: target === 'chromium' ? 'chrome111' : 'firefox140',
      chunkSizeWarningLimit: 4096,
      // The scanner frame is named only among the web-accessible resources, which crxjs copies
      // as they are: as an input, its script is built like the popup's.
      rolldownOptions: { input: { scanner: resolve(here, 'scanner/scanner.html') } },
    },
    plugins: [
      crx({
        manifest: manifestFor(target, protectedSites),
        browser: target === 'firefox' ? 'firefox' : 'chrome',
        contentScripts: { standaloneFiles: ['content/index.ts', 'page/index.ts'] },
      }),
      ...(target === 'chromium' ? [copyAsIs(['managed-schema.json'])] : []),
    ],
  };
}

/** Files the manifest names but no script imports, which crxjs therefore does not copy. */
function copyAsIs(files: string[]): Plugin {
  return {
    name: 'export-guard-copy-as-is',
    generateBundle() {
      for (const fileName of files) this.emitFile({ type: 'asset', fileName, source: readFileSync(resolve(here, fileName)) });
    },
  };
}

export default extensionConfig(process.env.EXPORT_GUARD_TARGET === 'firefox' ? 'firefox' : 'chromium');
