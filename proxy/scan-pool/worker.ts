// One scan worker: runs the shared detector on bytes the pool hands over, one file at a time, so
// that a hung or runaway parse can be ended by terminating this thread alone.
import { parentPort, workerData } from 'node:worker_threads';
import { readlinkSync } from 'node:fs';
import { setPriority } from 'node:os';
import { inflateRawSync } from 'node:zlib';
import { detect } from '../../shared/detector/index.js';
import { useRawInflater } from '../../shared/detector/read/inflate.js';
import type { Policy } from '../../shared/policy/types.js';
import type { ScanRequest, ScanResponse, WorkerWarm } from './messages.js';
import { warmUp } from './warm-up.js';

const { policy } = workerData as { policy: Policy };
const port = parentPort!;

lowerThreadPriority();
// Zip parts are inflated by Node's zlib, with fflate's caps and its reading of damage (inflate.ts).
useRawInflater(inflateRawSync);

/**
 * Scans give way to the event loop that proxies all other traffic. On Linux a thread has its own
 * nice value, set through its thread id; elsewhere scans keep the normal priority.
 */
function lowerThreadPriority(): void {
  try {
    setPriority(Number(readlinkSync('/proc/thread-self').split('/').pop()), 10);
  } catch {
    // No /proc/thread-self: not Linux.
  }
}

// Real files wait for the warm-up, which a file arriving this early would otherwise share the
// thread with; a warm-up that fails leaves the worker as it would be without one.
const warm = warmUp(policy).then(
  (ms) => port.postMessage({ warm: Math.round(ms) } satisfies WorkerWarm),
  () => undefined,
);

port.on('message', async ({ id, bytes }: ScanRequest) => {
  await warm;
  const verdict = await detect(bytes, { policy });
  port.postMessage({ id, verdict } satisfies ScanResponse);
});
