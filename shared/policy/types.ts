// The policy is data (policy.schema.json publishes its shape, parse.ts validates it). The readers
// only need `limits`; the column analysis owns `thresholds` and `rules`.

export interface ArchiveLimits {
  /** Archives inside archives: a zip in a zip in a zip is depth 3. */
  maxDepth: number;
  maxEntries: number;
  /** Total inflated bytes across all entries of all nested archives. */
  maxInflatedBytes: number;
  /** Inflated size divided by compressed size, per entry. */
  maxRatio: number;
}

export interface Limits {
  maxFileBytes: number;
  maxScanMs: number;
  archive: ArchiveLimits;
}

/** When a column counts as holding an entity (a BSN column, an e-mail column, ...). */
export interface ColumnThresholds {
  /** Fewest matching values when the header names the entity. */
  minMatchesWithHeader: number;
  /** Fewest matching values when it does not: two valid BSNs by chance are not an export. */
  minMatchesWithoutHeader: number;
  /** Share of the non-empty values that must match when the header names the entity. */
  shareWithHeader: number;
  /** Share needed when the header does not name it (or there is no header). */
  shareWithoutHeader: number;
}

export interface Thresholds extends ColumnThresholds {
  /** Per-entity overrides, e.g. { "bsn": { "shareWithoutHeader": 0.6 } }. */
  entities: Record<string, Partial<ColumnThresholds>>;
}

export type Category = 'direct-identifier' | 'quasi-identifier' | 'special-category' | 'personal';

/**
 * What a rule asks of the columns found on one sheet. Columns are counted per sheet: data "next
 * to" other data means in the same table.
 */
export type Condition =
  | { all: Condition[] }
  | { any: Condition[] }
  /** A column of this entity, optionally with at least `minMatches` matching values. */
  | { entity: string; minMatches?: number }
  /** At least `minColumns` (default 1) columns whose entity is in one of these categories. */
  | { category: Category | Category[]; minColumns?: number };

export interface Rule {
  /** The stable reason code a match reports, e.g. 'bsn-column'. */
  id: string;
  when: Condition;
  /** Message lead for codes that shared/detector/analyse/reasons.ts does not know. */
  message?: { nl: string; en: string };
}

/** What to do with an archive the detector cannot open (7z, rar, cab, ...). */
export interface ArchivePolicy {
  /** 'block' (default): nobody can say what it holds. 'allow': for offices that decide otherwise. */
  uninspectable: 'block' | 'allow';
}

export interface Policy {
  version: 1;
  limits: Limits;
  archives: ArchivePolicy;
  thresholds: Thresholds;
  /** Any rule that matches a sheet blocks the file. */
  rules: Rule[];
  /** URL match patterns the browser extension protects. */
  protectedSites: string[];
  /** Files the privacy officer allowed by their exact bytes (shared/policy/exceptions.ts). */
  exceptions: PolicyException[];
  /** Who a caseworker asks about a block, as each language names them. */
  privacyContact: { nl: string; en: string };
}

/** One file allowed after all: a false block the privacy officer checked. */
export interface PolicyException {
  /** Hex SHA-256 of the file's bytes (lower case); no other file is ever allowed by it. */
  sha256: string;
  /** Who allowed it (a name or user id), for the audit log. */
  allowedBy: string;
  /** ISO time it was allowed. */
  allowedAt: string;
  /** Why: what the file is, and why it is not an export of people. */
  reason: string;
  /** ISO time from which it no longer applies. */
  expiresAt: string;
}
