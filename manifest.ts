// The extension's Manifest V3, one source for both builds. Paths are relative to extension/ (the
// Vite root). Chromium runs the background as a service worker; Firefox MV3 runs it as an event
// page (`background.scripts`) and identifies the add-on by its gecko ID.
import type { ManifestV3Export } from '@crxjs/vite-plugin';
import { EXTENSION_PUBLIC_KEY, GECKO_ID } from './extension/extension-id.js';
import { DEFAULT_POLICY } from './shared/policy/defaults.js';

export type BrowserTarget = 'chromium' | 'firefox';

/** What a later policy may ask the user (or IT) to grant: any web site, one pattern at a time. */
export const OPTIONAL_HOSTS = ['http://*/*', 'https://*/*'];

/**
 * `protectedSites` are match patterns: the built-in policy's (localhost and 127.0.0.1, any port)
 * plus those of the office policy the extension is built with (scripts/build-extension.ts
 * --policy). Those are guarded from install. Sites named later (the proxy's policy, IT's managed
 * storage) need host access granted in the browser first: the optional host permissions, which
 * never include <all_urls> (extension/background/protected-sites.ts).
 */
export function manifestFor(target: BrowserTarget, protectedSites: readonly string[] = []): ManifestV3Export {
  const sites = [...new Set([...DEFAULT_POLICY.protectedSites, ...protectedSites])];
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
    // declarativeNetRequestWithHostAccess: the token header, on the protected sites only;
    // scripting: the content scripts of protected sites added after install.
    permissions: ['storage', 'alarms', 'declarativeNetRequestWithHostAccess', 'scripting'],
    host_permissions: sites,
    optional_host_permissions: OPTIONAL_HOSTS,
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
    // The scanner frame our content script puts into a protected page (extension/scanner/): it
    // gets the page's File by handle and judges it in the extension's process. Only protected
    // sites may frame it.
    // The scanner frame loads in any http(s) page, since sites are also named at run time (the
    // proxy's policy, IT's managed storage) and these matches are fixed at build. Elsewhere it is
    // useless: the background gives it the policy only inside a tab on a granted protected site.
    web_accessible_resources: [{ resources: ['scanner/scanner.html'], matches: OPTIONAL_HOSTS }],
    ...(target === 'chromium'
      ? {
          key: EXTENSION_PUBLIC_KEY,
          minimum_chrome_version: '111',
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
