// `npm run build:extension [-- --policy FILE] [-- --quiet]`: writes the unpacked extension to
// dist/chromium/ and dist/firefox/. With an office policy file the extension guards the sites its
// `protectedSites` names (the same file the proxy is given); without one, the built-in localhost
// sites. --quiet leaves out how to load it, for a caller that says so itself (npm start).
import { parseArgs } from 'node:util';
import { build } from 'vite';
import { loadPolicyFile } from '../proxy/policy-file.js';
import { extensionConfig, outDirFor } from '../extension/vite.config.js';
import type { BrowserTarget } from '../manifest.js';

const TARGETS: BrowserTarget[] = ['chromium', 'firefox'];

async function main(): Promise<number> {
  let policyFile: string | undefined;
  let quiet: boolean;
  try {
    const { values } = parseArgs({ options: { policy: { type: 'string' }, quiet: { type: 'boolean', default: false } } });
    ({ policy: policyFile, quiet } = values);
  } catch (error) {
    console.error(`build-extension: ${(error as Error).message}\nusage: build-extension [--policy FILE] [--quiet]`);
    return 2;
  }
  let protectedSites: string[] | undefined;
  try {
    protectedSites = policyFile === undefined ? undefined : (await loadPolicyFile(policyFile)).protectedSites;
  } catch (error) {
    console.error(`build-extension: ${(error as Error).message}`);
    return 2;
  }
  for (const target of TARGETS) {
    await withoutCrxjsIifeWarning(() => build(extensionConfig(target, protectedSites)));
    console.log(`export-guard: ${target} extension written to ${outDirFor(target)}`);
  }
  if (protectedSites) console.log(`Protected sites (from ${policyFile}): ${protectedSites.join(', ')}`);
  if (quiet) return 0;
  console.log(
    'Load it: Chromium/Edge: chrome://extensions > Developer mode > Load unpacked > dist/chromium;\n' +
      'Firefox: about:debugging > This Firefox > Load Temporary Add-on > dist/firefox/manifest.json',
  );
  return 0;
}

/**
 * crxjs 3.0 builds each standalone content script (extension/vite.config.ts) as a Vite library in
 * IIFE format and sets `inlineDynamicImports: true`; Vite 8 already sets rolldown's
 * `codeSplitting: false` for an IIFE library, so rolldown warns, once per script and browser, that
 * the option is ignored. The output is the one we want (one self-contained file per script) and
 * that inner build takes no options of ours, so exactly this warning is dropped: a build log that
 * always warns teaches IT to ignore it.
 */
// One write per warning: ' WARN  ...' in colour on a terminal, '[warn] ...' with backticks otherwise.
const ANSI_COLOURS = /\x1b\[[0-9;]*m/g;
const CRXJS_IIFE_WARNING = /^\s*(?:WARN|\[warn\])\s+`?inlineDynamicImports`? option is ignored because `?codeSplitting: false`? is set\.\s*$/;

async function withoutCrxjsIifeWarning<T>(work: () => Promise<T>): Promise<T> {
  const write = process.stderr.write;
  process.stderr.write = ((chunk: string | Uint8Array, ...rest: never[]) =>
    CRXJS_IIFE_WARNING.test(String(chunk).replace(ANSI_COLOURS, '')) || write.call(process.stderr, chunk, ...rest)) as typeof write;
  try {
    return await work();
  } finally {
    process.stderr.write = write;
  }
}

process.exitCode = await main();
