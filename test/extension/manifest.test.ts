// The manifest guards exactly the sites of the policy the extension is built with, in both builds,
// and the build refuses a policy file it cannot use before writing anything.
import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { manifestFor, type BrowserTarget } from '../../manifest.js';
import { DEFAULT_POLICY } from '../../shared/policy/defaults.js';

interface BuiltManifest {
  permissions: string[];
  host_permissions: string[];
  optional_host_permissions: string[];
  content_scripts: { matches: string[]; js: string[]; world?: string; run_at: string; all_frames: boolean }[];
  background: { service_worker?: string; scripts?: string[] };
  key?: string;
  browser_specific_settings?: { gecko: { id: string } };
}

const manifest = (target: BrowserTarget, sites?: string[]) => manifestFor(target, sites) as unknown as BuiltManifest;

describe('manifestFor', () => {
  it.each(['chromium', 'firefox'] as const)('%s: guards the built-in policy sites by default, at document_start in every frame', (target) => {
    const built = manifest(target);
    expect(built.host_permissions).toEqual(DEFAULT_POLICY.protectedSites);
    expect(built.content_scripts.map((c) => [c.js, c.world ?? 'ISOLATED', c.matches, c.run_at, c.all_frames])).toEqual([
      [['content/index.ts'], 'ISOLATED', DEFAULT_POLICY.protectedSites, 'document_start', true],
      [['page/index.ts'], 'MAIN', DEFAULT_POLICY.protectedSites, 'document_start', true],
    ]);
  });

  it("guards an office policy's sites besides the built-in ones, and only those", () => {
    const sites = ['https://werkmap.example.nl/*', 'https://*.intranet.example/*', 'http://localhost/*'];
    const built = manifest('chromium', sites);
    const expected = [...DEFAULT_POLICY.protectedSites, 'https://werkmap.example.nl/*', 'https://*.intranet.example/*'];
    expect(built.host_permissions).toEqual(expected);
    for (const script of built.content_scripts) expect(script.matches).toEqual(expected);
    expect(JSON.stringify(built)).not.toContain('<all_urls>');
  });

  it.each(['chromium', 'firefox'] as const)('%s: other sites only as optional host permissions, granted one by one at run time', (target) => {
    const built = manifest(target);
    expect(built.optional_host_permissions).toEqual(['http://*/*', 'https://*/*']);
    expect(built.host_permissions).not.toContain('http://*/*');
    expect(built.permissions).toContain('scripting');
  });

  it('gives Chromium a service worker and the ID key, Firefox an event page and a gecko ID', () => {
    const chromium = manifest('chromium');
    const firefox = manifest('firefox');
    expect([chromium.background.service_worker, chromium.key !== undefined, chromium.browser_specific_settings]).toEqual(['background/index.ts', true, undefined]);
    expect([firefox.background.scripts, firefox.key, firefox.browser_specific_settings?.gecko.id]).toEqual([['background/index.ts'], undefined, 'export-guard@export-guard.example']);
  });
});

describe('build-extension --policy', () => {
  it('stops with a clear error when the policy file cannot be read', async () => {
    const run = promisify(execFile);
    const failure = await run('npx', ['tsx', 'scripts/build-extension.ts', '--policy', 'no-such-policy.json'], {
      cwd: resolve(import.meta.dirname, '../..'),
    }).then(
      () => undefined,
      (error: { code: number; stderr: string }) => error,
    );
    expect(failure?.code).toBe(2);
    expect(failure?.stderr).toContain("cannot read policy file 'no-such-policy.json': ENOENT");
  });
});
