// `npm run bench differential`: every variant of test/differential/ (and the tables saved again by
// LibreOffice and Gnumeric) read by SheetJS, LibreOffice and Gnumeric and scanned by the detector;
// prints the counts and each disagreement by name.
// DIFFERENTIAL_SEED picks other people and junk bytes (default 1); DIFFERENTIAL_VERBOSE=1 adds a
// line per variant with what each oracle read.
import { ORACLES, ORACLE_COMMANDS, installed, type OracleName } from '../test/differential/oracles.js';
import { report, runDifferential, table } from '../test/differential/judge.js';
import { makeVariants } from '../test/differential/variants.js';
import { rewrittenVariants } from '../test/differential/rewritten.js';

export async function run(): Promise<void> {
  const seed = Number(process.env.DIFFERENTIAL_SEED ?? 1);
  const missing = Object.entries(ORACLE_COMMANDS).filter(([, { command }]) => !installed(command));
  for (const [name, { command, apt }] of missing) console.log(`${name}: '${command}' not found (apt-get install ${apt}); left out of this run`);
  const oracles = ORACLES.filter((name) => !missing.some(([m]) => m === name)) as OracleName[];
  const started = Date.now();
  const variants = [...makeVariants(seed), ...(await rewrittenVariants(seed, oracles))];
  const outcomes = await runDifferential(variants, oracles);
  console.log(`seed ${seed}, ${((Date.now() - started) / 1000).toFixed(0)} s`);
  if (process.env.DIFFERENTIAL_VERBOSE) console.log(`${table(outcomes, oracles)}\n`);
  console.log(report(outcomes, oracles));
}
