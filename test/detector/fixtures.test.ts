// The product's spec as data: every fixture of the catalogue through detect(), the one entry
// point the CLI, the proxy and the extension use.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { detect, sha256Hex } from '../../shared/detector/index.js';
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

describe('the SHA-256 in a verdict', () => {
  it('is the bytes\' own, or the one the caller already computed, taken without hashing again', async () => {
    const bytes = await fixtureBytes('leak-7.csv');
    expect((await detect(bytes)).sha256).toBe(createHash('sha256').update(bytes).digest('hex'));
    expect(await sha256Hex(bytes)).toBe(createHash('sha256').update(bytes).digest('hex'));
    // Not checked against the bytes: the caller (the extension's cache) hashed them just before.
    const given = 'e'.repeat(64);
    expect((await detect(bytes, { sha256: given })).sha256).toBe(given);
  });
});
