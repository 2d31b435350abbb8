// `npx tsx test/differential/keep-fixture.ts [--seed N] NAME...`: writes the named variants into
// test/fixtures-differential/, where a variant that found a bug is kept (add its README line).
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { makeVariants } from './variants.js';

const FIXTURE_FOLDER = fileURLToPath(new URL('../fixtures-differential/', import.meta.url));

function fixtureFile(name: string, ext: string): string {
  return `${name.replace(/\//g, '_')}.${ext}`;
}

const args = process.argv.slice(2);
const seedAt = args.indexOf('--seed');
const seed = seedAt >= 0 ? Number(args.splice(seedAt, 2)[1]) : 1;
for (const variant of makeVariants(seed, new Set(args))) {
  const file = fixtureFile(variant.name, variant.ext);
  writeFileSync(`${FIXTURE_FOLDER}${file}`, variant.bytes);
  console.log(`- \`${file}\` ${variant.content === 'people' ? 'block' : 'allow'}: ${variant.name}, seed ${seed}: `);
}
