// A seeded sample of the differential check (issue 9): the detector against SheetJS, LibreOffice
// and Gnumeric. Every variant from which an oracle reads people must be blocked; every harmless
// variant that every oracle reads as the harmless table must pass. The variants are listed in
// sample.ts; `npm run bench differential` runs them all.
import { beforeAll, describe, expect, it } from 'vitest';
import { describeOutcome, runDifferential, type Outcome } from './judge.js';
import { ORACLES, ORACLE_COMMANDS, installed } from './oracles.js';
import { CONTROLS, SAMPLE_SEED, SAMPLE_VARIANTS } from './sample.js';
import { makeVariants } from './variants.js';

// A missing oracle fails its own test below; the others still run.
const available = ORACLES.filter((name) => name === 'sheetjs' || installed(ORACLE_COMMANDS[name].command));

describe('differential sample: the detector reads what SheetJS, LibreOffice and Gnumeric read', () => {
  const variants = makeVariants(SAMPLE_SEED, new Set(SAMPLE_VARIANTS));
  let outcomes = new Map<string, Outcome>();

  beforeAll(async () => {
    outcomes = new Map((await runDifferential(variants, available)).map((o) => [o.variant.name, o]));
  }, 900_000);

  it.each(Object.entries(ORACLE_COMMANDS))('%s is installed (.ci/run installs it)', (_, { command, apt }) => {
    expect(installed(command), `'${command}' not found: apt-get install --no-install-recommends ${apt}`).toBe(true);
  });

  it('the sample names only variants the generator makes', () => {
    expect(SAMPLE_VARIANTS.filter((name) => !variants.some((v) => v.name === name))).toEqual([]);
  });

  it.each(CONTROLS)('every oracle reads the control %s as its table', (name) => {
    const outcome = outcomes.get(name)!;
    for (const oracle of available) {
      const reading = outcome.readings[oracle]!;
      expect(outcome.variant.content === 'people' ? reading.people : reading.harmless, `${oracle} on ${name}`).toBe(true);
    }
  });

  it.each(SAMPLE_VARIANTS)('%s', (name) => {
    const outcome = outcomes.get(name)!;
    // A people variant no oracle can open may be blocked or allowed; nothing else is left open.
    if (outcome.expected !== 'either') expect(outcome.verdict.verdict, describeOutcome(outcome)).toBe(outcome.expected);
  });
});
