// `npm run fixtures`: generates every sample file of the fixture catalogue into
// test/fixtures/generated/v<N>/ (the tests also generate them on first use).
import { FIXTURE_NAMES, FIXTURES } from './fixtures/catalogue.js';
import { ensureFixture, FIXTURE_DIR } from './fixtures/generate.js';

for (const name of FIXTURE_NAMES) {
  const path = await ensureFixture(FIXTURE_DIR, name);
  console.log(`${FIXTURES[name].expect.verdict.padEnd(5)} ${path}`);
}
