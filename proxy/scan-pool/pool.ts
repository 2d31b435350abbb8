// Scans run in worker threads so the event loop keeps proxying while a large workbook is parsed.
// The detector times itself out, but parsing a workbook is synchronous and cannot be interrupted
// from inside: the pool enforces a hard deadline by terminating the worker. Any scan that does
// not end in a verdict (deadline, crash, out of memory) blocks the file: fail closed.
import { Worker } from 'node:worker_threads';
import { createHash } from 'node:crypto';
import type { Verdict } from '../../shared/detector/types.js';
import { applyExceptions, type DecidedVerdict } from '../../shared/policy/exceptions.js';
import type { Policy } from '../../shared/policy/types.js';
import type { ScanRequest, ScanResponse, WorkerWarm } from './messages.js';
import type { Logger } from '../log.js';

export interface ScanPoolOptions {
  size: number;
  policy: Policy;
  /** Hard deadline per file, from the moment a worker starts on it. */
  timeoutMs: number;
  /** Heap cap per worker, so a decompression bomb kills a worker, not the proxy. */
  maxHeapMb: number;
  log?: Logger;
}

interface Job {
  id: number;
  bytes: Uint8Array;
  resolve(verdict: Verdict): void;
}

interface Slot {
  /** Absent while a worker that died young waits out RESPAWN_DELAY_MS. */
  worker?: Worker;
  /** The worker that has done its warm-up scans (warm-up.ts). */
  warm?: Worker;
  spawnedAt: number;
  job?: Job;
  timer?: NodeJS.Timeout;
}

/** A worker that dies this soon after starting is broken, not unlucky: wait before the next one. */
const RESPAWN_DELAY_MS = 1_000;

// From build/ the worker is plain .js. From source (vitest, tsx) it is TypeScript, and Node 20
// does not apply loaders given in a Worker's execArgv to the worker's entry module
// (nodejs/node#47747), so a small entry registers tsx's loader first and then imports the worker.
const FROM_SOURCE = import.meta.url.endsWith('.ts');
const WORKER_URL = new URL(FROM_SOURCE ? './worker.ts' : './worker.js', import.meta.url);
const WORKER_ENTRY = FROM_SOURCE
  ? `import('tsx/esm/api').then(({ register }) => { register(); return import(${JSON.stringify(WORKER_URL.href)}); });`
  : WORKER_URL;

export class ScanPool {
  private slots: Slot[] = [];
  private readonly queue: Job[] = [];
  private nextId = 1;
  private closed = false;

  constructor(private readonly options: ScanPoolOptions) {
    for (let i = 0; i < options.size; i += 1) this.slots.push(this.spawn());
  }

  /** Workers running now. */
  get size(): number {
    return this.slots.filter((slot) => slot.worker).length;
  }

  get queued(): number {
    return this.queue.length;
  }

  get busy(): number {
    return this.slots.filter((slot) => slot.job).length;
  }

  /** Workers that have done their warm-up scans: a file sent to them pays no loading of code. */
  get warm(): number {
    return this.slots.filter((slot) => slot.worker && slot.warm === slot.worker).length;
  }

  private readonly warmWaiters = new Set<() => void>();

  /** Resolves once every worker of the pool is warm (or the pool is closed). */
  whenWarm(): Promise<void> {
    return new Promise((resolve) => {
      if (this.closed || this.warm === this.options.size) return resolve();
      this.warmWaiters.add(resolve);
    });
  }

  private warmed(slot: Slot, worker: Worker, ms: number): void {
    slot.warm = worker;
    this.options.log?.debug('scan-worker-warm', { ms });
    if (this.warm < this.options.size) return;
    for (const resolve of this.warmWaiters) resolve();
    this.warmWaiters.clear();
  }

  /** The verdict as the policy decides it: every verdict the proxy acts on comes from here. */
  async scan(bytes: Uint8Array): Promise<DecidedVerdict> {
    return applyExceptions(await this.detect(bytes), this.options.policy.exceptions, new Date());
  }

  private detect(bytes: Uint8Array): Promise<Verdict> {
    if (this.closed) return Promise.resolve(refusal('scan-failed', bytes));
    return new Promise((resolve) => {
      this.queue.push({ id: this.nextId++, bytes, resolve });
      this.dispatch();
    });
  }

  /** Refuses whatever is queued or running and ends every worker. */
  async close(): Promise<void> {
    this.closed = true;
    for (const resolve of this.warmWaiters) resolve();
    this.warmWaiters.clear();
    for (const job of this.queue.splice(0)) job.resolve(refusal('scan-failed', job.bytes));
    const slots = this.slots;
    this.slots = [];
    await Promise.all(slots.map((slot) => this.end(slot, 'scan-failed')));
  }

  private spawn(): Slot {
    const slot: Slot = { spawnedAt: 0 };
    this.start(slot);
    return slot;
  }

  private start(slot: Slot): void {
    const worker = new Worker(WORKER_ENTRY, {
      eval: FROM_SOURCE,
      workerData: { policy: this.options.policy },
      resourceLimits: { maxOldGenerationSizeMb: this.options.maxHeapMb },
    });
    slot.worker = worker;
    slot.spawnedAt = Date.now();
    worker.on('message', (message: ScanResponse | WorkerWarm) => {
      if ('warm' in message) return this.warmed(slot, worker, message.warm);
      const { id, verdict } = message;
      if (slot.job?.id !== id) return;
      this.settle(slot, verdict);
      this.dispatch();
    });
    worker.on('error', (error) => this.replace(slot, 'scan-failed', `scan worker failed: ${error.message}`));
    worker.on('exit', (code) => this.replace(slot, 'scan-failed', `scan worker exited with code ${code}`));
  }

  private dispatch(): void {
    for (const slot of this.slots) {
      if (slot.job || !slot.worker) continue;
      const job = this.queue.shift();
      if (!job) return;
      slot.job = job;
      slot.timer = setTimeout(() => this.replace(slot, 'scan-timeout', `no verdict within ${this.options.timeoutMs} ms`), this.options.timeoutMs);
      // The worker gets a copy it owns: the request body stays intact for forwarding.
      const copy = new Uint8Array(job.bytes);
      slot.worker.postMessage({ id: job.id, bytes: copy } satisfies ScanRequest, [copy.buffer]);
    }
  }

  private settle(slot: Slot, verdict: Verdict): void {
    clearTimeout(slot.timer);
    const job = slot.job;
    slot.job = undefined;
    job?.resolve(verdict);
  }

  /** A worker failed or overran: its file is refused and a fresh worker takes its place. */
  private replace(slot: Slot, code: RefusalCode, detail: string): void {
    if (this.closed || !slot.worker) return;
    this.options.log?.warn('scan-worker-replaced', { code, detail, size: slot.job?.bytes.byteLength });
    const diedYoung = !slot.job && Date.now() - slot.spawnedAt < RESPAWN_DELAY_MS;
    void this.end(slot, code);
    const restart = () => {
      if (this.closed) return;
      this.start(slot);
      this.dispatch();
    };
    if (diedYoung) setTimeout(restart, RESPAWN_DELAY_MS).unref();
    else restart();
  }

  private async end(slot: Slot, code: RefusalCode): Promise<void> {
    const worker = slot.worker;
    slot.worker = undefined;
    if (slot.job) this.settle(slot, refusal(code, slot.job.bytes));
    if (!worker) return;
    worker.removeAllListeners();
    worker.on('error', () => {});
    await worker.terminate();
  }
}

type RefusalCode = 'scan-timeout' | 'scan-failed';

const MESSAGES: Record<RefusalCode, { nl: string; en: string }> = {
  'scan-timeout': {
    nl: 'Het bestand kon niet op tijd worden gecontroleerd en is daarom tegengehouden.',
    en: 'The file could not be checked in time and was therefore stopped.',
  },
  'scan-failed': {
    nl: 'Het bestand kon niet worden gecontroleerd en is daarom tegengehouden.',
    en: 'The file could not be checked and was therefore stopped.',
  },
};

function refusal(code: RefusalCode, bytes: Uint8Array): Verdict {
  return {
    verdict: 'block',
    kind: 'unknown',
    reasons: [{ code, ...MESSAGES[code] }],
    findings: [],
    size: bytes.byteLength,
    sha256: createHash('sha256').update(bytes).digest('hex'),
    rows: 0,
    elapsedMs: 0,
  };
}
