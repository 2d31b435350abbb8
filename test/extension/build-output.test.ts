// What `npm run build:extension` tells IT: where it wrote each browser's extension and, once, how
// to load it; no warning that every build prints (crxjs's IIFE option that rolldown ignores).
// Built into a private folder, so the shared dist/ of the browser tests is left alone.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '../..');

it('prints where it wrote each extension and how to load it once, without warnings', { timeout: 240_000 }, async () => {
  const dist = await mkdtemp(join(tmpdir(), 'eg-build-'));
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, ['--import', 'tsx', 'scripts/build-extension.ts'], {
      cwd: ROOT,
      env: { ...process.env, EXPORT_GUARD_DIST: dist },
      maxBuffer: 16 * 1024 * 1024,
    });
    expect(stdout).toContain(`chromium extension written to ${join(dist, 'chromium')}`);
    expect(stdout).toContain(`firefox extension written to ${join(dist, 'firefox')}`);
    expect(stdout.match(/Load it/g)).toHaveLength(1);
    expect(stderr).not.toMatch(/inlineDynamicImports/);
    expect(JSON.parse(await readFile(join(dist, 'firefox', 'manifest.json'), 'utf8'))).toMatchObject({ manifest_version: 3 });
  } finally {
    await rm(dist, { recursive: true, force: true });
  }
});

it('is quiet about loading it under npm start, whose demo says so itself with full paths', async () => {
  const { scripts } = JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
  expect(scripts.start).toMatch(/^npm run build:extension -- --quiet && /);
  expect(await readFile(join(ROOT, 'scripts/demo.ts'), 'utf8')).toContain('Load it in the browser');
});
