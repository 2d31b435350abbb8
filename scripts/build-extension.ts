// `npm run build:extension [-- --policy FILE]`: writes the unpacked extension to dist/chromium/ and
// dist/firefox/. With an office policy file the extension guards the sites its `protectedSites`
// names (the same file the proxy is given); without one, the built-in localhost sites.
import { parseArgs } from 'node:util';
import { build } from 'vite';
import { loadPolicyFile } from '../proxy/policy-file.js';
import { extensionConfig, outDirFor } from '../extension/vite.config.js';
import type { BrowserTarget } from '../manifest.js';

const TARGETS: BrowserTarget[] = ['chromium', 'firefox'];

async function main(): Promise<number> {
  let policyFile: string | undefined;
  try {
    policyFile = parseArgs({ options: { policy: { type: 'string' } } }).values.policy;
  } catch (error) {
    console.error(`build-extension: ${(error as Error).message}\nusage: build-extension [--policy FILE]`);
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
    await build(extensionConfig(target, protectedSites));
    console.log(`export-guard: ${target} extension written to ${outDirFor(target)}`);
  }
  if (protectedSites) console.log(`Protected sites (from ${policyFile}): ${protectedSites.join(', ')}`);
  console.log(
    'Load it: Chromium/Edge: chrome://extensions > Developer mode > Load unpacked > dist/chromium;\n' +
      'Firefox: about:debugging > This Firefox > Load Temporary Add-on > dist/firefox/manifest.json',
  );
  return 0;
}

process.exitCode = await main();
