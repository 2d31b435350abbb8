// One scan worker: runs the shared detector on bytes the pool hands over, one file at a time, so
// that a hung or runaway parse can be ended by terminating this thread alone.
import { parentPort, workerData } from 'node:worker_threads';
import { detect } from '../../shared/detector/index.js';
import type { Policy } from '../../shared/policy/types.js';
import type { ScanRequest, ScanResponse } from './messages.js';

const { policy } = workerData as { policy: Policy };
const port = parentPort!;

port.on('message', async ({ id, bytes }: ScanRequest) => {
  const verdict = await detect(bytes, { policy });
  port.postMessage({ id, verdict } satisfies ScanResponse);
});
