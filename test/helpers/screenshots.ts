// Where the end-to-end tests put their screenshots. A test run writes them under test/artifacts/
// (ignored by git), so that `npm test` leaves the work tree clean; `npm run screenshots` runs the
// same tests with EXPORT_GUARD_SCREENSHOTS=docs to refresh the README's pictures in docs/screenshots/.
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';

export function screenshotPath(name: string): string {
  const folder = process.env.EXPORT_GUARD_SCREENSHOTS === 'docs' ? 'docs/screenshots' : 'test/artifacts/screenshots';
  const dir = resolve(import.meta.dirname, '../..', folder);
  mkdirSync(dir, { recursive: true });
  return resolve(dir, name);
}
