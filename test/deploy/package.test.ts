// The install docs/proxy.md gives IT: a release tarball from `npm pack`, installed on a server
// with `npm install --omit=dev`, where TypeScript and the other dev tools are absent.
import { execFile } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const ROOT = resolve(import.meta.dirname, '../..');
const scratch = mkdtempSync(join(tmpdir(), 'eg-deploy-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('the release tarball', () => {
  it('carries the compiled proxy, its scan worker and the launcher, not the sources or the tests', async () => {
    // --ignore-scripts: build/ is there already (npm test builds first); prepack would rebuild it.
    const { stdout } = await run('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: ROOT });
    const files = (JSON.parse(stdout) as { files: { path: string }[] }[])[0]!.files.map((f) => f.path);
    for (const needed of ['bin/export-guard.js', 'build/cli/main.js', 'build/proxy/scan-pool/worker.js', 'scripts/prepare.js', 'deploy/export-guard.service']) {
      expect(files, `${needed} must be in the tarball: add it to "files" in package.json`).toContain(needed);
    }
    expect(files.filter((f) => f.startsWith('test/') || f.endsWith('.ts') || f.startsWith('extension/'))).toEqual([]);
  });

  it("installs without dev tools: prepare finds build/ and compiles nothing; without build/ it says what to do", async () => {
    const server = join(scratch, 'server');
    mkdirSync(join(server, 'build/cli'), { recursive: true });
    cpSync(join(ROOT, 'scripts/prepare.js'), join(server, 'scripts/prepare.js'));
    writeFileSync(join(server, 'package.json'), '{"type":"module"}');
    writeFileSync(join(server, 'build/cli/main.js'), '');
    await expect(run(process.execPath, ['scripts/prepare.js'], { cwd: server })).resolves.toMatchObject({ stderr: '' });

    rmSync(join(server, 'build'), { recursive: true });
    const failed = await run(process.execPath, ['scripts/prepare.js'], { cwd: server }).catch((error: { code: number; stderr: string }) => error);
    expect(failed).toMatchObject({ code: 1, stderr: expect.stringContaining('Install the release tarball') });
  });
});
