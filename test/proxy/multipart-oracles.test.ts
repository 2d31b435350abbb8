// Differential test: multipart variants sent through the proxy to an upstream that reads them with
// busboy, formidable and undici. A variant is refused (4xx, nothing forwarded) or every file and
// field any of the three extracts was scanned by the proxy with the same bytes.
import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../scripts/fixtures/random.js';
import { generateVariant, judge } from './multipart-variants.js';
import { proxyBeforeAll } from './start.js';

const SEED = 20261203;
const VARIANTS = 150;

const stack = proxyBeforeAll();

describe('multipart as busboy, formidable and undici read it, or refused', () => {
  it(`${VARIANTS} generated variants (seed ${SEED}): nothing a parser extracts goes unscanned`, async () => {
    const random = seededRandom(SEED);
    const outcomes = { refused: 0, forwarded: 0 };
    const disagreements: string[] = [];
    for (let i = 0; i < VARIANTS; i += 1) {
      const variant = generateVariant(random);
      const verdict = await judge(stack.proxy, stack.upstream, variant);
      outcomes[verdict.outcome] += 1;
      if (verdict.leaked || verdict.unscanned.length > 0) disagreements.push(`#${i} ${variant.traits.join(' ')}: ${JSON.stringify(verdict)}`);
    }
    expect(disagreements).toEqual([]);
    // The generator must exercise both paths, or the test proves nothing.
    expect(outcomes.refused).toBeGreaterThan(VARIANTS / 10);
    expect(outcomes.forwarded).toBeGreaterThan(VARIANTS / 10);
  }, 120_000);
});
