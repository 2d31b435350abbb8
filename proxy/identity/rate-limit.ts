// Guessing tokens costs time. Distinct wrong tokens are counted per client address and per token
// prefix; after `failures` within the window that address (or prefix) is locked out for the same
// window: its tokens are not even checked, so a locked-out guesser learns nothing. A valid token
// from another address, with another prefix, is never touched: a lockout cannot lock out a
// colleague. Only distinct tokens count: an extension still sending an old token with every page
// request is not a guesser. Kept in memory per proxy: it slows guessing, it is not evidence (the
// audit is).
import { createHash } from 'node:crypto';
import type { Logger } from '../log.js';
import type { Registry } from '../ops/metrics.js';
import type { Store } from '../store/types.js';

export interface LockoutConfig {
  /** Distinct wrong tokens within `minutes` that lock an address or token prefix out. */
  failures: number;
  /** The window failures are counted in, and how long a lockout lasts. */
  minutes: number;
}

export const DEFAULT_LOCKOUT: LockoutConfig = { failures: 10, minutes: 5 };

export type LockoutScope = 'address' | 'token-prefix';

/** Enough of a token to tell one guesser's tokens apart, too little to help guess the rest (48 of 256 bits). */
const PREFIX_CHARS = 8;
/** Counters kept at most, per scope: random guesses each bring a new prefix. The oldest go first. */
const MAX_TRACKED = 10_000;

interface Tally {
  /** SHA-256 of each distinct wrong token: at most `failures` of them. */
  tokens: Set<string>;
  since: number;
  lockedUntil?: number;
}

/** What a lockout tells the rest of the proxy (audit, metrics); never the token or its prefix. */
export interface AuthFailureEvents {
  failed?(): void;
  lockedOut?(scope: LockoutScope, address: string): void;
}

export class AuthFailures {
  private readonly tallies: Record<LockoutScope, Map<string, Tally>> = { address: new Map(), 'token-prefix': new Map() };

  constructor(
    private readonly config: LockoutConfig,
    private readonly events: AuthFailureEvents = {},
    private readonly now: () => number = Date.now,
  ) {}

  /** Seconds until the address or the token's prefix may try again; 0 when neither is locked out. */
  retryAfterSeconds(address: string, token: string): number {
    const until = Math.max(this.lockedUntil('address', address), this.lockedUntil('token-prefix', prefixOf(token)));
    return until > this.now() ? Math.ceil((until - this.now()) / 1000) : 0;
  }

  fail(address: string, token: string): void {
    this.events.failed?.();
    const tokenHash = createHash('sha256').update(token).digest('base64');
    this.count('address', address, tokenHash, address);
    this.count('token-prefix', prefixOf(token), tokenHash, address);
  }

  private lockedUntil(scope: LockoutScope, key: string): number {
    return this.tallies[scope].get(key)?.lockedUntil ?? 0;
  }

  private count(scope: LockoutScope, key: string, tokenHash: string, address: string): void {
    const tallies = this.tallies[scope];
    const now = this.now();
    const windowMs = this.config.minutes * 60_000;
    let tally = tallies.get(key);
    if (!tally || (now - tally.since > windowMs && (tally.lockedUntil ?? 0) <= now)) {
      tally = { tokens: new Set(), since: now };
      tallies.delete(key);
      tallies.set(key, tally);
      if (tallies.size > MAX_TRACKED) tallies.delete(tallies.keys().next().value!);
    }
    if (tally.tokens.has(tokenHash) || tally.lockedUntil !== undefined) return;
    tally.tokens.add(tokenHash);
    if (tally.tokens.size === this.config.failures) {
      tally.lockedUntil = now + windowMs;
      this.events.lockedOut?.(scope, address);
    }
  }
}

/** The proxy's AuthFailures: every failure counted in /metrics, every lockout also logged and audited. */
export function watchedAuthFailures(config: LockoutConfig, deps: { metrics: Registry; store: Store; log: Logger }): AuthFailures {
  const failures = deps.metrics.counter('export_guard_auth_failures_total', 'Requests with a wrong token.');
  const lockouts = deps.metrics.counter('export_guard_auth_lockouts_total', 'Addresses and token prefixes locked out after too many wrong tokens, by scope.');
  return new AuthFailures(config, {
    failed: () => failures.inc(),
    lockedOut: (scope, address) => {
      lockouts.inc({ scope });
      deps.log.warn('auth-locked-out', { scope, address });
      deps.store
        .appendAudit({ type: 'auth-locked-out', at: new Date().toISOString(), facts: { user: '', address, reasonCodes: [scope] } })
        .catch((error: unknown) => deps.log.error('audit-write-failed', { message: String(error) }));
    },
  });
}

function prefixOf(token: string): string {
  return token.slice(0, PREFIX_CHARS);
}
