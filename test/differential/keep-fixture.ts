// `npx tsx test/differential/keep-fixture.ts [--seed N] NAME...`: writes the named variants into
// test/fixtures-differential/, where a variant that found a bug is kept (add its README line).
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { makeVariants } from './variants.js';

const FIXTURE_FOLDER = fileURLToPath(new URL('../fixtures-differential/', import.meta.url));

/** Seed 1 is the sample's; another seed's variant of the same name is another file. */
function fixtureFile(name: string, ext: string, seed: number): string {
  return `${name.replace(/\//g, '_')}${seed === 1 ? '' : `.seed${seed}`}.${ext}`;
}

const args = process.argv.slice(2);
const seedAt = args.indexOf('--seed');
const seed = seedAt >= 0 ? Number(args.splice(seedAt, 2)[1]) : 1;
for (const variant of makeVariants(seed, new Set(args))) {
  const file = fixtureFile(variant.name, variant.ext, seed);
  writeFileSync(`${FIXTURE_FOLDER}${file}`, variant.bytes);
  console.log(`- \`${file}\` ${variant.content === 'people' ? 'block' : 'allow'}: ${variant.name}, seed ${seed}: `);
}
