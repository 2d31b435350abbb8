// The multipart differential test (test/proxy/multipart-oracles.test.ts) run longer: many more
// generated variants through the real proxy, each forwarded body read by busboy, formidable and
// undici. Prints how many variants were generated, how many were refused or forwarded, and every
// disagreement (a value a parser extracts that the proxy did not scan).
import { seededRandom } from '../scripts/fixtures/random.js';
import { generateVariant, judge } from '../test/proxy/multipart-variants.js';
import { startUpstream } from '../test/proxy/upstream.js';
import { startTestProxy } from '../test/proxy/start.js';

const VARIANTS = Number(process.env.EG_DIFFERENTIAL_VARIANTS ?? 2000);
const SEED = Number(process.env.EG_DIFFERENTIAL_SEED ?? Date.now() % 1_000_000);

export async function run(): Promise<void> {
  const upstream = await startUpstream();
  const proxy = await startTestProxy(upstream.url);
  const random = seededRandom(SEED);
  const counts = { refused: 0, forwarded: 0, disagreements: 0 };
  const started = performance.now();
  try {
    for (let i = 0; i < VARIANTS; i += 1) {
      const variant = generateVariant(random);
      const verdict = await judge(proxy, upstream, variant);
      counts[verdict.outcome] += 1;
      if (verdict.leaked || verdict.unscanned.length > 0) {
        counts.disagreements += 1;
        console.log(`disagreement #${i}: ${variant.traits.join(' ')} ${JSON.stringify(verdict)}`);
      }
    }
  } finally {
    await proxy.close();
    await upstream.close();
  }
  console.log(`seed ${SEED}: ${VARIANTS} variants generated, ${counts.refused} refused, ${counts.forwarded} forwarded, ${counts.disagreements} disagreements (${((performance.now() - started) / 1000).toFixed(1)} s)`);
}
