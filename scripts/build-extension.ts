// `npm run build:extension`: writes the unpacked extension to dist/chromium/ and dist/firefox/.
import { build } from 'vite';
import { extensionConfig, outDirFor } from '../extension/vite.config.js';
import type { BrowserTarget } from '../manifest.js';

const TARGETS: BrowserTarget[] = ['chromium', 'firefox'];

for (const target of TARGETS) {
  await build(extensionConfig(target));
  console.log(`export-guard: ${target} extension written to ${outDirFor(target)}`);
}
console.log(
  'Load it: Chromium/Edge: chrome://extensions > Developer mode > Load unpacked > dist/chromium;\n' +
    'Firefox: about:debugging > This Firefox > Load Temporary Add-on > dist/firefox/manifest.json',
);
