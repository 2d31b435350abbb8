// Builds the extension before a browser test when dist/ is missing or older than its sources.
// Test files call ensureExtensionBuilt() in beforeAll; a lock directory makes parallel test files
// wait for one build instead of writing dist/ twice at once.
import { execFile } from 'node:child_process';
import { mkdir, readdir, rmdir, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';

const ROOT = resolve(import.meta.dirname, '../..');
const SOURCES = ['extension', 'shared', 'manifest.ts', 'scripts/build-extension.ts'];
const OUTPUTS = ['dist/chromium/manifest.json', 'dist/firefox/manifest.json'];
const LOCK = join(ROOT, 'dist', '.build-lock');

async function newestMtime(path: string): Promise<number> {
  const info = await stat(path);
  if (!info.isDirectory()) return info.mtimeMs;
  const entries = await readdir(path);
  const times = await Promise.all(entries.map((entry) => newestMtime(join(path, entry))));
  return Math.max(info.mtimeMs, ...times);
}

async function isStale(): Promise<boolean> {
  const built = await Promise.all(OUTPUTS.map((p) => stat(join(ROOT, p)).then((s) => s.mtimeMs, () => 0)));
  const sources = await Promise.all(SOURCES.map((p) => newestMtime(join(ROOT, p))));
  return Math.min(...built) < Math.max(...sources);
}

async function withLock<T>(work: () => Promise<T>): Promise<T> {
  await mkdir(join(ROOT, 'dist'), { recursive: true });
  for (let waited = 0; ; waited += 200) {
    try {
      await mkdir(LOCK);
      break;
    } catch {
      if (waited > 120_000) throw new Error(`${LOCK} held for two minutes: remove it if no build is running`);
      await new Promise((done) => setTimeout(done, 200));
    }
  }
  try {
    return await work();
  } finally {
    await rmdir(LOCK);
  }
}

export async function ensureExtensionBuilt(): Promise<void> {
  if (!(await isStale())) return;
  await withLock(async () => {
    if (!(await isStale())) return;
    await promisify(execFile)('npx', ['tsx', 'scripts/build-extension.ts'], { cwd: ROOT, maxBuffer: 16 * 1024 * 1024 });
  });
}
