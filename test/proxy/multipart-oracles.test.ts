// Differential test: multipart variants sent through the proxy to an upstream that reads them with
// busboy, formidable and undici. A variant is refused (4xx, nothing forwarded) or every file and
// field any of the three extracts was scanned by the proxy with the same bytes.
import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../scripts/fixtures/random.js';
import { fixtureBytes } from '../helpers/fixtures.js';
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

// busboy, and multer on it, hands a part typed application/octet-stream to the portal as a file
// even without a file name; formidable and undici as a field. 9 of 20,000 generated variants
// (npm run bench multipart-differential, seed 20261204) had such a part of one line, which the
// proxy read only as a row among the fields.
describe('a part typed application/octet-stream without a file name', () => {
  const send = (part: string) =>
    fetch(`${stack.proxy.url}/api/attachments`, {
      method: 'POST',
      headers: { 'content-type': 'multipart/form-data; boundary=xYz123' },
      body: `--xYz123\r\nContent-Disposition: form-data; name="subject"\r\n\r\nBanenmarkt\r\n--xYz123\r\nCONTENT-DISPOSITION: form-data; name="file"\r\nCONTENT-TYPE: Application/Octet-Stream\r\n\r\n${part}\r\n--xYz123--\r\n`,
    });

  it('is scanned as the file busboy makes of it', async () => {
    const body = Buffer.from('--xYz123\r\nCONTENT-DISPOSITION: form-data; name="_method"\r\n\r\nVacature\r\nMonteur\r\nUtrecht\r\n\r\n--xYz123\r\nCONTENT-DISPOSITION: form-data; name="file"\r\nCONTENT-TYPE: application/octet-stream\r\n\r\nBeste werkzoekende, graag tot ziens op de banenmarkt.\r\n--xYz123--\r\n');
    const verdict = await judge(stack.proxy, stack.upstream, { traits: ['octet-stream field of one line'], contentType: 'multipart/form-data; boundary="xYz123"', body });
    expect(verdict).toEqual({ outcome: 'forwarded', unscanned: [], leaked: false });
  });

  it('is refused when it is a people list on one line (an HTML table), and passes when it is harmless', async () => {
    const rows = new TextDecoder().decode(await fixtureBytes('leak-3-bsn-only.csv')).trim().split(/\r?\n/).map((line) => line.split(';'));
    const table = `<table>${rows.map((cells) => `<tr>${cells.map((cell) => `<td>${cell}</td>`).join('')}</tr>`).join('')}</table>`;
    const seen = stack.upstream.received.length;
    expect((await send(table)).status).toBe(422);
    expect(stack.upstream.received.length).toBe(seen);
    expect((await send('<table><tr><td>Vacature</td><td>Monteur</td></tr></table>')).status).toBe(200);
  });
});
