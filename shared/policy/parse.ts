// Validates a policy read from JSON and merges it over the defaults. Hand-written, since the
// extension's content security policy forbids the code generation a schema compiler needs;
// policy.schema.json describes the same shape for editors and IT staff.
import { RECOGNIZERS } from '../detector/recognizers/index.js';
import { DEFAULT_POLICY } from './defaults.js';
import type { ArchiveLimits, Category, ColumnThresholds, Condition, Limits, Policy, PolicyException, Rule, Thresholds } from './types.js';

export class PolicyError extends Error {
  override name = 'PolicyError';
}

const CATEGORIES: readonly Category[] = ['direct-identifier', 'quasi-identifier', 'special-category', 'personal'];
const ENTITIES = RECOGNIZERS.map((recognizer) => recognizer.id);
const COLUMN_THRESHOLDS = ['minMatchesWithHeader', 'minMatchesWithoutHeader', 'shareWithHeader', 'shareWithoutHeader'] as const;
const RULE_ID = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
const MATCH_PATTERN = /^(?:<all_urls>|(?:\*|https?|file):\/\/(?:\*|\*\.[^/*]+|[^/*]+)?\/.*)$/;
const SHA256 = /^[0-9a-f]{64}$/;

type Json = Record<string, unknown>;

/** A complete policy from a partial one: what the file leaves out comes from DEFAULT_POLICY. */
export function parsePolicy(raw: unknown): Policy {
  const policy = object(raw, 'policy', ['version', 'limits', 'archives', 'thresholds', 'rules', 'protectedSites', 'exceptions', 'privacyContact']);
  if (policy.version !== undefined && policy.version !== 1) fail('policy.version', 'must be 1');
  return {
    version: 1,
    limits: policy.limits === undefined ? DEFAULT_POLICY.limits : limits(policy.limits),
    archives: policy.archives === undefined ? DEFAULT_POLICY.archives : archives(policy.archives),
    thresholds: policy.thresholds === undefined ? DEFAULT_POLICY.thresholds : thresholds(policy.thresholds),
    rules: policy.rules === undefined ? DEFAULT_POLICY.rules : array(policy.rules, 'policy.rules').map(rule),
    protectedSites:
      policy.protectedSites === undefined
        ? DEFAULT_POLICY.protectedSites
        : array(policy.protectedSites, 'policy.protectedSites').map(site),
    exceptions: policy.exceptions === undefined ? DEFAULT_POLICY.exceptions : array(policy.exceptions, 'policy.exceptions').map(exception),
    privacyContact: policy.privacyContact === undefined ? DEFAULT_POLICY.privacyContact : privacyContact(policy.privacyContact),
  };
}

function exception(raw: unknown, index: number): PolicyException {
  const at = `policy.exceptions[${index}]`;
  const given = object(raw, at, ['sha256', 'allowedBy', 'allowedAt', 'reason', 'expiresAt']);
  // Upper-case hex is the same hash; stored in lower case, as the detector writes it.
  const sha256 = typeof given.sha256 === 'string' ? given.sha256.toLowerCase() : '';
  if (!SHA256.test(sha256)) fail(`${at}.sha256`, 'must be the 64 hex digits of a SHA-256');
  const allowedAt = time(given.allowedAt, `${at}.allowedAt`);
  const expiresAt = time(given.expiresAt, `${at}.expiresAt`);
  if (expiresAt <= allowedAt) fail(`${at}.expiresAt`, 'must be later than allowedAt');
  return { sha256, allowedBy: text(given.allowedBy, `${at}.allowedBy`), allowedAt, reason: text(given.reason, `${at}.reason`), expiresAt };
}

function privacyContact(raw: unknown): Policy['privacyContact'] {
  const given = object(raw, 'policy.privacyContact', ['nl', 'en']);
  return { nl: text(given.nl, 'policy.privacyContact.nl'), en: text(given.en, 'policy.privacyContact.en') };
}

function archives(raw: unknown): Policy['archives'] {
  const given = object(raw, 'policy.archives', ['uninspectable']);
  const uninspectable = given.uninspectable ?? DEFAULT_POLICY.archives.uninspectable;
  if (uninspectable !== 'block' && uninspectable !== 'allow') fail('policy.archives.uninspectable', "must be 'block' or 'allow'");
  return { uninspectable };
}

function limits(raw: unknown): Limits {
  const at = 'policy.limits';
  const given = object(raw, at, ['maxFileBytes', 'maxScanMs', 'archive']);
  const defaults = DEFAULT_POLICY.limits;
  return {
    maxFileBytes: optional(given.maxFileBytes, `${at}.maxFileBytes`, positiveInteger, defaults.maxFileBytes),
    maxScanMs: optional(given.maxScanMs, `${at}.maxScanMs`, positiveInteger, defaults.maxScanMs),
    archive: given.archive === undefined ? defaults.archive : archive(given.archive),
  };
}

function archive(raw: unknown): ArchiveLimits {
  const at = 'policy.limits.archive';
  const given = object(raw, at, ['maxDepth', 'maxEntries', 'maxInflatedBytes', 'maxRatio']);
  const defaults = DEFAULT_POLICY.limits.archive;
  return {
    maxDepth: optional(given.maxDepth, `${at}.maxDepth`, nonNegativeInteger, defaults.maxDepth),
    maxEntries: optional(given.maxEntries, `${at}.maxEntries`, positiveInteger, defaults.maxEntries),
    maxInflatedBytes: optional(given.maxInflatedBytes, `${at}.maxInflatedBytes`, positiveInteger, defaults.maxInflatedBytes),
    maxRatio: optional(given.maxRatio, `${at}.maxRatio`, positiveNumber, defaults.maxRatio),
  };
}

function thresholds(raw: unknown): Thresholds {
  const at = 'policy.thresholds';
  const { entities: perEntity, ...given } = object(raw, at, [...COLUMN_THRESHOLDS, 'entities']);
  const entities: Thresholds['entities'] = {};
  if (perEntity !== undefined) {
    for (const [entity, value] of Object.entries(object(perEntity, `${at}.entities`))) {
      entities[knownEntity(entity, `${at}.entities.${entity}`)] = columnThresholds(value, `${at}.entities.${entity}`);
    }
  }
  return { ...DEFAULT_POLICY.thresholds, ...columnThresholds(given, at), entities };
}

function columnThresholds(raw: unknown, at: string): Partial<ColumnThresholds> {
  const given = object(raw, at, COLUMN_THRESHOLDS);
  const result: Partial<ColumnThresholds> = {};
  for (const key of COLUMN_THRESHOLDS) {
    if (given[key] === undefined) continue;
    result[key] = key.startsWith('share') ? share(given[key], `${at}.${key}`) : positiveInteger(given[key], `${at}.${key}`);
  }
  return result;
}

function rule(raw: unknown, index: number): Rule {
  const at = `policy.rules[${index}]`;
  const given = object(raw, at, ['id', 'when', 'message']);
  if (typeof given.id !== 'string' || !RULE_ID.test(given.id)) {
    fail(`${at}.id`, "must be a code of lower-case words joined by '-', like 'bsn-column'");
  }
  const result: Rule = { id: given.id, when: condition(given.when, `${at}.when`) };
  if (given.message !== undefined) {
    const message = object(given.message, `${at}.message`, ['nl', 'en']);
    result.message = { nl: text(message.nl, `${at}.message.nl`), en: text(message.en, `${at}.message.en`) };
  }
  return result;
}

function condition(raw: unknown, at: string): Condition {
  const given = object(raw, at);
  const kind = ['all', 'any', 'entity', 'category'].filter((key) => key in given);
  if (kind.length !== 1) fail(at, "must have exactly one of 'all', 'any', 'entity', 'category'");
  if ('all' in given || 'any' in given) {
    const key = 'all' in given ? 'all' : 'any';
    object(raw, at, [key]);
    const parts = array(given[key], `${at}.${key}`);
    if (parts.length === 0) fail(`${at}.${key}`, 'must list at least one condition');
    const conditions = parts.map((part, i) => condition(part, `${at}.${key}[${i}]`));
    return key === 'all' ? { all: conditions } : { any: conditions };
  }
  if ('entity' in given) {
    object(raw, at, ['entity', 'minMatches']);
    if (typeof given.entity !== 'string') fail(`${at}.entity`, `must be one of: ${ENTITIES.join(', ')}`);
    const result: Condition = { entity: knownEntity(given.entity, `${at}.entity`) };
    if (given.minMatches !== undefined) result.minMatches = positiveInteger(given.minMatches, `${at}.minMatches`);
    return result;
  }
  object(raw, at, ['category', 'minColumns']);
  const listed = Array.isArray(given.category) ? given.category : [given.category];
  if (listed.length === 0 || !listed.every((c): c is Category => CATEGORIES.includes(c as Category))) {
    fail(`${at}.category`, `must be one or a list of: ${CATEGORIES.join(', ')}`);
  }
  const result: Condition = { category: Array.isArray(given.category) ? listed : listed[0]! };
  if (given.minColumns !== undefined) result.minColumns = positiveInteger(given.minColumns, `${at}.minColumns`);
  return result;
}

function site(raw: unknown, index: number): string {
  const at = `policy.protectedSites[${index}]`;
  if (typeof raw !== 'string' || !MATCH_PATTERN.test(raw)) {
    fail(at, "must be a URL match pattern like 'https://werkmap.example.nl/*'");
  }
  return raw;
}

function knownEntity(entity: string, at: string): string {
  if (!ENTITIES.includes(entity)) fail(at, `unknown entity '${entity}'; known: ${ENTITIES.join(', ')}`);
  return entity;
}

function object(raw: unknown, at: string, allowed?: readonly string[]): Json {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) fail(at, 'must be an object');
  const json = raw as Json;
  const unknown = allowed ? Object.keys(json).find((key) => !allowed.includes(key)) : undefined;
  if (unknown !== undefined) fail(`${at}.${unknown}`, `unknown field; allowed: ${allowed!.join(', ')}`);
  return json;
}

function array(raw: unknown, at: string): unknown[] {
  if (!Array.isArray(raw)) fail(at, 'must be an array');
  return raw;
}

function text(raw: unknown, at: string): string {
  if (typeof raw !== 'string' || raw.trim() === '') fail(at, 'must be a non-empty string');
  return raw;
}

/** An ISO time, normalised so that times compare as strings. */
function time(raw: unknown, at: string): string {
  if (typeof raw !== 'string' || !/^\d{4}-\d{2}-\d{2}/.test(raw) || Number.isNaN(Date.parse(raw))) {
    fail(at, "must be an ISO date or time, like '2026-12-31' or '2026-12-31T17:00:00Z'");
  }
  return new Date(raw).toISOString();
}

function optional<T>(raw: unknown, at: string, check: (raw: unknown, at: string) => T, fallback: T): T {
  return raw === undefined ? fallback : check(raw, at);
}

function positiveInteger(raw: unknown, at: string): number {
  if (!Number.isSafeInteger(raw) || (raw as number) <= 0) fail(at, 'must be a positive integer');
  return raw as number;
}

function nonNegativeInteger(raw: unknown, at: string): number {
  if (!Number.isSafeInteger(raw) || (raw as number) < 0) fail(at, 'must be an integer of 0 or more');
  return raw as number;
}

function positiveNumber(raw: unknown, at: string): number {
  if (typeof raw !== 'number' || !Number.isFinite(raw) || raw <= 0) fail(at, 'must be a positive number');
  return raw;
}

function share(raw: unknown, at: string): number {
  if (typeof raw !== 'number' || !(raw >= 0 && raw <= 1)) fail(at, 'must be a number from 0 to 1');
  return raw;
}

function fail(at: string, problem: string): never {
  throw new PolicyError(`${at}: ${problem}`);
}
