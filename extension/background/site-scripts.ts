// The content scripts of protected sites granted after install: the same two scripts the manifest
// declares (isolated bridge first, then the page world), registered with the scripting API for the
// granted patterns, kept across browser restarts, replaced whenever the set changes and removed
// when a site leaves the policy. Sites in the manifest keep their static scripts and are excluded
// here, so no page gets the scripts twice.
import browser, { type Scripting } from 'webextension-polyfill';
import { installedSites } from './protected-sites.js';

const ID_PREFIX = 'protected-site-';

interface DeclaredScript {
  js?: string[];
  world?: 'ISOLATED' | 'MAIN';
}

export async function registerSiteScripts(granted: readonly string[]): Promise<void> {
  const installed = installedSites();
  const added = granted.filter((site) => !installed.includes(site));
  const ours = (await browser.scripting.getRegisteredContentScripts()).filter((script) => script.id.startsWith(ID_PREFIX));
  if (ours.length > 0) await browser.scripting.unregisterContentScripts({ ids: ours.map((script) => script.id) });
  if (added.length === 0) return;
  const declared = (browser.runtime.getManifest().content_scripts ?? []) as DeclaredScript[];
  const scripts: Scripting.RegisteredContentScript[] = declared.map((script, index) => ({
    id: `${ID_PREFIX}${index}`,
    js: script.js ?? [],
    world: script.world ?? 'ISOLATED',
    matches: added,
    excludeMatches: installed,
    runAt: 'document_start',
    allFrames: true,
    persistAcrossSessions: true,
  }));
  await browser.scripting.registerContentScripts(scripts);
}
