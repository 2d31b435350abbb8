// What the pool and its workers say to each other.
import type { Verdict } from '../../shared/detector/types.js';

export interface ScanRequest {
  id: number;
  bytes: Uint8Array;
}

export interface ScanResponse {
  id: number;
  verdict: Verdict;
}

/** Sent once by a new worker when its warm-up scans are done (warm-up.ts): how long they took, in ms. */
export interface WorkerWarm {
  warm: number;
}
