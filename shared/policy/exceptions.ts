// A false block fixed the same day: the privacy officer checks a reported file and allows exactly
// those bytes, by their SHA-256, until a date. The proxy and the extension both turn the
// detector's verdict into their decision here, so the two can never disagree about an exception.
import type { Verdict } from '../detector/types.js';
import type { PolicyException } from './types.js';

/** The detector's verdict as the policy decides it: allowed whatever was found when an exception applies. */
export interface DecidedVerdict extends Verdict {
  /** The exception in force for these bytes; a block it turned into 'allow' keeps its reasons, as what was found. */
  exception?: PolicyException;
}

/** The exception in force for these bytes at `now`: same hash, not yet expired. */
export function exceptionFor(sha256: string, exceptions: readonly PolicyException[], now: Date): PolicyException | undefined {
  // A verdict without a hash (hashing failed) must never meet an exception by accident.
  if (sha256 === '') return undefined;
  const hash = sha256.toLowerCase();
  return exceptions.find((exception) => exception.sha256 === hash && now.getTime() < Date.parse(exception.expiresAt));
}

/**
 * Named even on a file the detector allows: a caller that reads the same bytes in other ways too
 * (the proxy reads a body's lines apart) lets those readings share the file's exception.
 */
export function applyExceptions(verdict: Verdict, exceptions: readonly PolicyException[], now: Date): DecidedVerdict {
  const exception = exceptionFor(verdict.sha256, exceptions, now);
  return exception ? { ...verdict, verdict: 'allow', exception } : verdict;
}
