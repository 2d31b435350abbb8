// The policy parser and the published schema must agree on what a valid policy is, and the
// parser's errors must name the bad field.
import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { parsePolicy, PolicyError } from '../../shared/policy/parse.js';
import { DEFAULT_POLICY } from '../../shared/policy/defaults.js';
import { RECOGNIZERS } from '../../shared/detector/recognizers/index.js';
import { RULE_LEADS } from '../../shared/detector/analyse/reasons.js';

const schema = JSON.parse(readFileSync(new URL('../../shared/policy/policy.schema.json', import.meta.url), 'utf8'));
const validate = new Ajv2020({ allErrors: true }).compile(schema);

const VALID: [string, unknown][] = [
  ['an empty policy (all defaults)', {}],
  ['the defaults written out', DEFAULT_POLICY],
  ['a smaller size limit', { version: 1, limits: { maxFileBytes: 10_000_000 } }],
  ['archive caps only', { limits: { archive: { maxDepth: 0, maxRatio: 50.5 } } }],
  ['stricter BSN threshold', { thresholds: { entities: { bsn: { shareWithoutHeader: 0.5 } } } }],
  ['own rules', { rules: [{ id: 'any-email', when: { entity: 'email' }, message: { nl: 'E-mail', en: 'E-mail' } }] }],
  ['nested conditions', { rules: [{ id: 'combo', when: { any: [{ all: [{ entity: 'postcode' }, { category: ['personal'], minColumns: 2 }] }] } }] }],
  ['sites', { protectedSites: ['https://werkmap.example.nl/*', 'http://localhost/*', '*://*.example.org/*'] }],
];

const INVALID: [string, unknown, string][] = [
  ['not an object', [], 'policy: must be an object'],
  ['wrong version', { version: 2 }, 'policy.version'],
  ['unknown top-level field', { limts: {} }, 'policy.limts: unknown field'],
  ['negative size', { limits: { maxFileBytes: -1 } }, 'policy.limits.maxFileBytes: must be a positive integer'],
  ['fractional size', { limits: { maxFileBytes: 1.5 } }, 'policy.limits.maxFileBytes: must be a positive integer'],
  ['size as text', { limits: { maxScanMs: '20000' } }, 'policy.limits.maxScanMs: must be a positive integer'],
  ['zero ratio', { limits: { archive: { maxRatio: 0 } } }, 'policy.limits.archive.maxRatio'],
  ['a threshold of zero matches', { thresholds: { entities: { bsn: { minMatchesWithHeader: 0 } } } }, 'policy.thresholds.entities.bsn.minMatchesWithHeader: must be a positive integer'],
  ['share above 1', { thresholds: { shareWithHeader: 1.5 } }, 'policy.thresholds.shareWithHeader: must be a number from 0 to 1'],
  ['unknown entity threshold', { thresholds: { entities: { bsm: { minMatchesWithHeader: 2 } } } }, "policy.thresholds.entities.bsm: unknown entity 'bsm'"],
  ['rules not an array', { rules: { id: 'x' } }, 'policy.rules: must be an array'],
  ['rule without id', { rules: [{ when: { entity: 'bsn' } }] }, 'policy.rules[0].id'],
  ['rule id with spaces', { rules: [{ id: 'Bsn Column', when: { entity: 'bsn' } }] }, 'policy.rules[0].id'],
  ['condition with two kinds', { rules: [{ id: 'x', when: { entity: 'bsn', category: 'personal' } }] }, 'policy.rules[0].when: must have exactly one of'],
  ['unknown entity in a rule', { rules: [{ id: 'x', when: { all: [{ entity: 'shoe-size' }] } }] }, "policy.rules[0].when.all[0].entity: unknown entity 'shoe-size'"],
  ['unknown category', { rules: [{ id: 'x', when: { category: 'secret' } }] }, 'policy.rules[0].when.category'],
  ['empty all', { rules: [{ id: 'x', when: { all: [] } }] }, 'policy.rules[0].when.all: must list at least one condition'],
  ['zero minColumns', { rules: [{ id: 'x', when: { category: 'personal', minColumns: 0 } }] }, 'policy.rules[0].when.minColumns'],
  ['empty message', { rules: [{ id: 'x', when: { entity: 'bsn' }, message: { nl: ' ', en: 'x' } }] }, 'policy.rules[0].message.nl'],
  ['site that is not a pattern', { protectedSites: ['werkmap.example.nl'] }, 'policy.protectedSites[0]'],
];

describe('parsePolicy and policy.schema.json', () => {
  test.each(VALID)('accepts %s', (_, raw) => {
    expect(validate(raw), JSON.stringify(validate.errors)).toBe(true);
    expect(() => parsePolicy(raw)).not.toThrow();
  });

  test.each(INVALID)('rejects %s', (_, raw, message) => {
    expect(validate(raw)).toBe(false);
    expect(() => parsePolicy(raw)).toThrow(PolicyError);
    expect(() => parsePolicy(raw)).toThrow(message);
  });

  test('an empty policy is the default policy, and the defaults survive a round trip', () => {
    expect(parsePolicy({})).toEqual(DEFAULT_POLICY);
    expect(parsePolicy(JSON.parse(JSON.stringify(DEFAULT_POLICY)))).toEqual(DEFAULT_POLICY);
  });

  test('a partial policy is merged over the defaults', () => {
    const policy = parsePolicy({ limits: { archive: { maxDepth: 1 } }, thresholds: { minMatchesWithoutHeader: 5 } });
    expect(policy.limits.archive).toEqual({ ...DEFAULT_POLICY.limits.archive, maxDepth: 1 });
    expect(policy.limits.maxFileBytes).toBe(DEFAULT_POLICY.limits.maxFileBytes);
    expect(policy.thresholds.minMatchesWithoutHeader).toBe(5);
    expect(policy.thresholds.shareWithHeader).toBe(DEFAULT_POLICY.thresholds.shareWithHeader);
    expect(policy.rules).toEqual(DEFAULT_POLICY.rules);
  });

  test('the schema lists exactly the entities the recognizers know', () => {
    expect(schema.$defs.entity.enum).toEqual(RECOGNIZERS.map((r) => r.id));
    expect(schema.$defs.condition.oneOf[2].properties.entity.$ref).toBe('#/$defs/entity');
    expect(schema.properties.thresholds.properties.entities.propertyNames.$ref).toBe('#/$defs/entity');
  });

  test('the default limits are those of issue 2', () => {
    expect(DEFAULT_POLICY.limits).toEqual({
      maxFileBytes: 50 * 1024 * 1024,
      maxScanMs: 20_000,
      archive: { maxDepth: 3, maxEntries: 1000, maxInflatedBytes: 200 * 1024 * 1024, maxRatio: 100 },
    });
  });

  test('every default rule has a message lead', () => {
    for (const rule of DEFAULT_POLICY.rules) expect(RULE_LEADS, `add a lead for '${rule.id}' to RULE_LEADS`).toHaveProperty([rule.id]);
  });
});
