// The product's spec as data: every fixture of the catalogue through detect(), the one entry
// point the CLI, the proxy and the extension use.
import { describe, expect, it } from 'vitest';
import { detect } from '../../shared/detector/index.js';
import { FIXTURE_NAMES, FIXTURES, fixtureBytes } from '../helpers/fixtures.js';

describe('detect() on every fixture', () => {
  it.each(FIXTURE_NAMES)('%s', async (name) => {
    const { expect: spec, description } = FIXTURES[name];
    const verdict = await detect(await fixtureBytes(name));
    expect(verdict.verdict, description).toBe(spec.verdict);
    expect(verdict.kind).toBe(spec.kind);
    if (spec.verdict === 'block') expect(verdict.reasons.length).toBeGreaterThan(0);
    else expect(verdict.reasons).toEqual([]);
    if ('people' in spec && spec.people) expect(verdict.rows).toBeGreaterThanOrEqual(spec.people);
  });

  it('never puts a personal value in a verdict', async () => {
    const bytes = await fixtureBytes('leak-7.csv');
    const text = new TextDecoder().decode(bytes);
    const bsns = text.match(/\b\d{9}\b/g) ?? [];
    expect(bsns.length).toBe(90);
    const json = JSON.stringify(await detect(bytes));
    for (const bsn of bsns) expect(json).not.toContain(bsn);
  });
});
