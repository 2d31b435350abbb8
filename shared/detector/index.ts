// The one entry point every caller uses: the CLI, the proxy's scan workers and the extension.
// It never throws: whatever goes wrong becomes a blocking verdict with a reason (fail closed).
import type { Policy } from '../policy/types.js';
import { DEFAULT_POLICY } from '../policy/defaults.js';
import { readDocuments } from './read/index.js';
import { ReadSession, ReadStop } from './read/session.js';
import { analyse, failureReason, type Analysis } from './analyse/index.js';
import type { ColumnFinding, FileKind, ReadFailure, Reason, Verdict } from './types.js';
import { sha256Hex } from '../sha256.js';

export type { Verdict, Reason, ColumnFinding, FileKind } from './types.js';
export { sha256Hex } from '../sha256.js';

export interface DetectOptions {
  policy?: Policy;
  /** Aborting it ends the scan with a blocking 'cancelled' verdict. */
  signal?: AbortSignal;
  /** The bytes' SHA-256 (hex) when the caller already has it, as a cache keyed by it does: not hashed twice. */
  sha256?: string;
}

export async function detect(bytes: Uint8Array, options: DetectOptions = {}): Promise<Verdict> {
  const started = Date.now();
  const policy = options.policy ?? DEFAULT_POLICY;
  // WebCrypto hashes off the main thread (a copy of the bytes), so the file is read meanwhile. A
  // failed hash is caught at once: it is reported below, never an unhandled rejection.
  const hashing = (options.sha256 !== undefined ? Promise.resolve(options.sha256) : sha256Hex(bytes)).then(
    (hex) => ({ hex }),
    (error: unknown) => ({ error }),
  );
  const { kind, outcome } = await scan(bytes, policy, started, options.signal);
  const hash = await hashing;
  const verdict = (fileKind: FileKind, sha256: string, reasons: Reason[], findings: ColumnFinding[], rows: number): Verdict => ({
    verdict: reasons.length > 0 ? 'block' : 'allow',
    kind: fileKind,
    reasons,
    findings,
    size: bytes.byteLength,
    sha256,
    rows,
    elapsedMs: Date.now() - started,
  });
  if ('error' in hash) return verdict('unknown', '', [failureReason(internalError(hash.error))], [], 0);
  if ('code' in outcome) return verdict(kind, hash.hex, [failureReason(outcome)], [], 0);
  return verdict(kind, hash.hex, outcome.reasons, outcome.findings, outcome.rows);
}

interface Scanned {
  kind: FileKind;
  outcome: Analysis | ReadFailure;
}

/** Reads and analyses the bytes; whatever goes wrong is a failure, never an exception. */
async function scan(bytes: Uint8Array, policy: Policy, started: number, signal: AbortSignal | undefined): Promise<Scanned> {
  let kind: FileKind = 'unknown';
  try {
    if (bytes.byteLength > policy.limits.maxFileBytes) {
      return { kind, outcome: { code: 'too-large', path: '', detail: `${bytes.byteLength} bytes` } };
    }
    const context = { limits: policy.limits, deadline: started + policy.limits.maxScanMs, signal, uninspectableArchives: policy.archives.uninspectable };
    const read = await readDocuments(bytes, context);
    kind = read.kind;
    if (read.failure) return { kind, outcome: read.failure };
    // The analysis keeps to the same deadline: a scan that ends late is blocked, not allowed.
    const session = new ReadSession(context);
    return { kind, outcome: analyse(read.documents, policy, (path) => session.checkpoint(path)) };
  } catch (error) {
    return { kind, outcome: error instanceof ReadStop ? error.failure : internalError(error) };
  }
}

function internalError(error: unknown): ReadFailure {
  return { code: 'internal-error', path: '', detail: String(error) };
}
