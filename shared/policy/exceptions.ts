// A false block fixed the same day: the privacy officer checks a reported file and allows exactly
// those bytes, by their SHA-256, until a date. The proxy and the extension both turn the
// detector's verdict into their decision here, so the two can never disagree about an exception.
import type { Verdict } from '../detector/types.js';
import type { PolicyException } from './types.js';

/** The detector's verdict as the policy decides it: allowed after all when an exception applied. */
export interface DecidedVerdict extends Verdict {
  /** The exception that turned a block into 'allow'; the reasons stay, as what was found. */
  exception?: PolicyException;
}

/** The exception in force for these bytes at `now`: same hash, not yet expired. */
export function exceptionFor(sha256: string, exceptions: readonly PolicyException[], now: Date): PolicyException | undefined {
  // A verdict without a hash (hashing failed) must never meet an exception by accident.
  if (sha256 === '') return undefined;
  const hash = sha256.toLowerCase();
  return exceptions.find((exception) => exception.sha256 === hash && now.getTime() < Date.parse(exception.expiresAt));
}

export function applyExceptions(verdict: Verdict, exceptions: readonly PolicyException[], now: Date): DecidedVerdict {
  if (verdict.verdict !== 'block') return verdict;
  const exception = exceptionFor(verdict.sha256, exceptions, now);
  return exception ? { ...verdict, verdict: 'allow', exception } : verdict;
}
