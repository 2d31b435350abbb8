// The one entry point every caller uses: the CLI, the proxy's scan workers and the extension.
// It never throws: whatever goes wrong becomes a blocking verdict with a reason (fail closed).
import type { Policy } from '../policy/types.js';
import { DEFAULT_POLICY } from '../policy/defaults.js';
import { readDocuments } from './read/index.js';
import { analyse, failureReason } from './analyse/index.js';
import type { FileKind, ReadFailure, Verdict } from './types.js';

export type { Verdict, Reason, ColumnFinding, FileKind } from './types.js';

export interface DetectOptions {
  policy?: Policy;
  /** Aborting it ends the scan with a blocking 'cancelled' verdict. */
  signal?: AbortSignal;
}

export async function detect(bytes: Uint8Array, options: DetectOptions = {}): Promise<Verdict> {
  const started = Date.now();
  const policy = options.policy ?? DEFAULT_POLICY;
  let kind: FileKind = 'unknown';
  let sha256 = '';
  try {
    sha256 = await sha256Hex(bytes);
    if (bytes.byteLength > policy.limits.maxFileBytes) {
      return failed({ code: 'too-large', path: '', detail: `${bytes.byteLength} bytes` });
    }
    const outcome = await readDocuments(bytes, {
      limits: policy.limits,
      deadline: started + policy.limits.maxScanMs,
      signal: options.signal,
    });
    kind = outcome.kind;
    if (outcome.failure) return failed(outcome.failure);
    const { findings, reasons, rows } = analyse(outcome.documents, policy);
    return {
      verdict: reasons.length > 0 ? 'block' : 'allow',
      kind,
      reasons,
      findings,
      size: bytes.byteLength,
      sha256,
      rows,
      elapsedMs: Date.now() - started,
    };
  } catch (error) {
    return failed({ code: 'internal-error', path: '', detail: String(error) });
  }

  function failed(failure: ReadFailure): Verdict {
    return {
      verdict: 'block',
      kind,
      reasons: [failureReason(failure)],
      findings: [],
      size: bytes.byteLength,
      sha256,
      rows: 0,
      elapsedMs: Date.now() - started,
    };
  }
}

export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  // Inputs come from files, sockets and messages, never from a SharedArrayBuffer.
  const digest = await globalThis.crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}
