// The extension's Manifest V3, one source for both builds. Paths are relative to extension/ (the
// Vite root). Chromium runs the background as a service worker; Firefox MV3 runs it as an event
// page (`background.scripts`) and identifies the add-on by its gecko ID.
import type { ManifestV3Export } from '@crxjs/vite-plugin';
import { EXTENSION_PUBLIC_KEY, GECKO_ID } from './extension/extension-id.js';
import { DEFAULT_POLICY } from './shared/policy/defaults.js';

export type BrowserTarget = 'chromium' | 'firefox';

/**
 * `protectedSites` are match patterns, by default the built-in policy's (localhost and 127.0.0.1,
 * any port). An office builds with its own policy file (scripts/build-extension.ts --policy), so the
 * extension guards exactly the sites the proxy's policy names, and never <all_urls>.
 */
export function manifestFor(target: BrowserTarget, protectedSites: readonly string[] = DEFAULT_POLICY.protectedSites): ManifestV3Export {
  const sites = [...protectedSites];
  // document_start in every frame (same-origin iframes and about:blank ones too), so the listeners
  // and hooks are in place before any page script runs. The isolated bridge is listed first so it
  // is listening when the page-world capture announces itself.
  const frames = { matches: sites, run_at: 'document_start', all_frames: true, match_about_blank: true };
  return {
    manifest_version: 3,
    name: '__MSG_extName__',
    short_name: 'Export Guard',
    description: '__MSG_extDescription__',
    version: '0.1.0',
    default_locale: 'nl',
    // alarms: retries of the audit queue and the approvals badge outlive the service worker;
    // declarativeNetRequestWithHostAccess: the token header, on the protected sites only.
    permissions: ['storage', 'alarms', 'declarativeNetRequestWithHostAccess'],
    host_permissions: sites,
    action: { default_title: '__MSG_popup_title__', default_popup: 'popup/popup.html' },
    options_ui: { page: 'options/options.html', open_in_tab: true },
    background:
      target === 'chromium'
        ? { service_worker: 'background/index.ts', type: 'module' }
        : { scripts: ['background/index.ts'], type: 'module' },
    content_scripts: [
      { ...frames, js: ['content/index.ts'] },
      { ...frames, js: ['page/index.ts'], world: 'MAIN' },
    ],
    ...(target === 'chromium'
      ? {
          key: EXTENSION_PUBLIC_KEY,
          minimum_chrome_version: '111',
          // Chromium 148+ then clones messages, so a file reaches the scan as bytes, not as base64
          // in JSON (older versions ignore the key and get base64: extension/file-bytes.ts).
          message_serialization: 'structured_clone',
          // IT's enterprise policy (docs/extension.md); Firefox reads it from policies.json instead.
          storage: { managed_schema: 'managed-schema.json' },
        }
      : {
          browser_specific_settings: {
            gecko: {
              id: GECKO_ID,
              // 140: the ESR that knows data_collection_permissions (MAIN-world scripts came in 128).
              strict_min_version: '140.0',
              // Audit events go to the organisation's own proxy, never to the extension's makers.
              data_collection_permissions: { required: ['none'] },
            },
          },
        }),
  };
}
