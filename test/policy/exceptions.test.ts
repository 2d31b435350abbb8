// The privacy officer's exceptions: a block is allowed only for the exact bytes allowed, and only
// until the exception expires. Verdicts come from the real detector on a real export.
import { beforeAll, describe, expect, it } from 'vitest';
import { detect, sha256Hex, type Verdict } from '../../shared/detector/index.js';
import { applyExceptions } from '../../shared/policy/exceptions.js';
import { parsePolicy, PolicyError } from '../../shared/policy/parse.js';
import type { PolicyException } from '../../shared/policy/types.js';
import { fixtureBytes } from '../helpers/fixtures.js';

let blocked: Verdict;
let clean: Verdict;
const NOW = new Date('2026-06-01T12:00:00Z');

function exception(sha256: string, expiresAt = '2026-07-01T00:00:00.000Z'): PolicyException {
  return { sha256, allowedBy: 'fg', allowedAt: '2026-05-01T00:00:00.000Z', reason: 'checked: a list of places', expiresAt };
}

beforeAll(async () => {
  blocked = await detect(await fixtureBytes('leak-3-bsn-only.csv'));
  clean = await detect(new TextEncoder().encode('Vacature,Plaats\nLasser,Assen\nKok,Emmen\n'));
});

describe('applyExceptions', () => {
  it('allows a blocked file whose SHA-256 is excepted, and keeps what was found', () => {
    expect(blocked.verdict).toBe('block');
    const decided = applyExceptions(blocked, [exception(blocked.sha256)], NOW);
    expect(decided.verdict).toBe('allow');
    expect(decided.exception?.allowedBy).toBe('fg');
    expect(decided.reasons).toEqual(blocked.reasons);
  });

  it('matches a hash written in upper case', () => {
    expect(applyExceptions(blocked, [exception(blocked.sha256.toUpperCase())], NOW).verdict).toBe('block');
    const parsed = parsePolicy({ exceptions: [exception(blocked.sha256.toUpperCase())] });
    expect(applyExceptions(blocked, parsed.exceptions, NOW).verdict).toBe('allow');
  });

  it('never applies to another hash, however close', async () => {
    const other = await sha256Hex(new TextEncoder().encode('another file'));
    const oneDigitOff = blocked.sha256.slice(0, -1) + (blocked.sha256.endsWith('0') ? '1' : '0');
    const decided = applyExceptions(blocked, [exception(other), exception(oneDigitOff)], NOW);
    expect(decided).toEqual(blocked);
    expect(decided.exception).toBeUndefined();
  });

  it('ignores an expired exception, from the moment it expires', () => {
    const expiresAt = NOW.toISOString();
    expect(applyExceptions(blocked, [exception(blocked.sha256, expiresAt)], NOW).verdict).toBe('block');
    expect(applyExceptions(blocked, [exception(blocked.sha256, expiresAt)], new Date(NOW.getTime() - 1)).verdict).toBe('allow');
    // An expired one next to one in force: the one in force counts.
    const both = [exception(blocked.sha256, '2026-05-02T00:00:00Z'), exception(blocked.sha256)];
    expect(applyExceptions(blocked, both, NOW).verdict).toBe('allow');
  });

  it('never meets a verdict without a hash', () => {
    expect(applyExceptions({ ...blocked, sha256: '' }, [exception('')], NOW).verdict).toBe('block');
  });

  it('leaves an allowed file allowed, naming an exception for it', () => {
    expect(clean.verdict).toBe('allow');
    expect(applyExceptions(clean, [exception(clean.sha256)], NOW)).toEqual({ ...clean, exception: exception(clean.sha256) });
    expect(applyExceptions(clean, [exception(blocked.sha256)], NOW)).toEqual(clean);
  });
});

describe('exceptions in the policy file', () => {
  it('are read and normalised', () => {
    const policy = parsePolicy({ exceptions: [{ ...exception('A'.repeat(64)), allowedAt: '2026-05-01', expiresAt: '2026-08-01' }] });
    expect(policy.exceptions).toEqual([{ ...exception('a'.repeat(64)), allowedAt: '2026-05-01T00:00:00.000Z', expiresAt: '2026-08-01T00:00:00.000Z' }]);
    expect(parsePolicy({}).exceptions).toEqual([]);
  });

  it.each([
    [{ sha256: 'abc' }, 'policy.exceptions[0].sha256'],
    [{ expiresAt: '2026-04-01' }, 'policy.exceptions[0].expiresAt: must be later'],
    [{ expiresAt: 'next week' }, 'policy.exceptions[0].expiresAt: must be an ISO'],
    [{ reason: ' ' }, 'policy.exceptions[0].reason'],
    [{ allowedBy: undefined }, 'policy.exceptions[0].allowedBy'],
    [{ note: 'x' }, 'policy.exceptions[0].note: unknown field'],
  ])('refuse %j', (change, message) => {
    expect(() => parsePolicy({ exceptions: [{ ...exception('a'.repeat(64)), ...change }] })).toThrow(PolicyError);
    expect(() => parsePolicy({ exceptions: [{ ...exception('a'.repeat(64)), ...change }] })).toThrow(message);
  });
});
