// Sample files for tests, generated on first use into test/fixtures/generated/v<N>/ (gitignored).
import { readFile } from 'node:fs/promises';
import { ensureFixture, FIXTURE_DIR } from '../../scripts/fixtures/generate.js';
import type { FixtureName } from '../../scripts/fixtures/catalogue.js';

export { FIXTURES, FIXTURE_NAMES, type FixtureName, type FixtureSpec } from '../../scripts/fixtures/catalogue.js';

export { FIXTURE_DIR };

export function fixturePath(name: FixtureName): Promise<string> {
  return ensureFixture(FIXTURE_DIR, name);
}

export async function fixtureBytes(name: FixtureName): Promise<Uint8Array> {
  return new Uint8Array(await readFile(await fixturePath(name)));
}
