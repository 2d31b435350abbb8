// The policy is data (policy.schema.json publishes its shape). The readers only need `limits`;
// the column analysis owns `thresholds` and `rules`.

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

export interface Policy {
  version: 1;
  limits: Limits;
  /** Owned by the column analysis (shared/policy/defaults.ts documents every field). */
  thresholds: Record<string, number>;
  rules: unknown[];
  /** URL match patterns the browser extension protects. */
  protectedSites: string[];
}
