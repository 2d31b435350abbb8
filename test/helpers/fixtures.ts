// Sample files for tests, generated on first use into test/fixtures/generated/ (gitignored).
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { ensureFixture } from '../../scripts/fixtures/generate.js';
import type { FixtureName } from '../../scripts/fixtures/catalogue.js';

export { FIXTURES, FIXTURE_NAMES, type FixtureName, type FixtureSpec } from '../../scripts/fixtures/catalogue.js';

export const FIXTURE_DIR = fileURLToPath(new URL('../fixtures/generated/', import.meta.url));

export function fixturePath(name: FixtureName): Promise<string> {
  return ensureFixture(FIXTURE_DIR, name);
}

export async function fixtureBytes(name: FixtureName): Promise<Uint8Array> {
  return new Uint8Array(await readFile(await fixturePath(name)));
}
