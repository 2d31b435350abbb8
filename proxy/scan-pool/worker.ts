// One scan worker: runs the shared detector on bytes the pool hands over, one file at a time, so
// that a hung or runaway parse can be ended by terminating this thread alone.
import { parentPort, workerData } from 'node:worker_threads';
import { readlinkSync } from 'node:fs';
import { setPriority } from 'node:os';
import { detect } from '../../shared/detector/index.js';
import type { Policy } from '../../shared/policy/types.js';
import type { ScanRequest, ScanResponse } from './messages.js';

const { policy } = workerData as { policy: Policy };
const port = parentPort!;

lowerThreadPriority();

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

port.on('message', async ({ id, bytes }: ScanRequest) => {
  const verdict = await detect(bytes, { policy });
  port.postMessage({ id, verdict } satisfies ScanResponse);
});
