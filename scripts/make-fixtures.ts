// `npm run fixtures`: generates every sample file of the fixture catalogue into
// test/fixtures/generated/ (the tests also generate them on first use).
import { fileURLToPath } from 'node:url';
import { FIXTURE_NAMES, FIXTURES } from './fixtures/catalogue.js';
import { ensureFixture } from './fixtures/generate.js';

const dir = fileURLToPath(new URL('../test/fixtures/generated/', import.meta.url));
for (const name of FIXTURE_NAMES) {
  const path = await ensureFixture(dir, name);
  console.log(`${FIXTURES[name].expect.verdict.padEnd(5)} ${path}`);
}
