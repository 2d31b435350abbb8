// The budget of one read: deadline, cancellation and the archive caps shared by every nested
// archive of the input. Readers call `checkpoint` between rows and chunks (cooperative), and every
// reason to stop is thrown as a ReadStop that readDocuments turns into a failure.
import type { ReadFailure, ReadFailureCode } from '../types.js';
import type { ReadContext } from './contract.js';

export class ReadStop extends Error {
  constructor(readonly failure: ReadFailure) {
    super(`${failure.code} at '${failure.path}': ${failure.detail}`);
  }
}

export function stop(code: ReadFailureCode, path: string, detail: string): never {
  throw new ReadStop({ code, path, detail });
}

/**
 * The compression ratio only counts for an entry that would take this share of the total cap:
 * sheet XML compresses 99% (a 57 MB sheet of repeated strings is an ordinary workbook), and the
 * total cap, checked on declared and on produced bytes, already stops every bomb.
 */
const RATIO_FROM_SHARE_OF_TOTAL = 0.75;

export class ReadSession {
  private inflatedBytes = 0;
  private entries = 0;

  constructor(private readonly ctx: ReadContext) {}

  get limits() {
    return this.ctx.limits;
  }

  get allowsUninspectableArchives(): boolean {
    return this.ctx.uninspectableArchives === 'allow';
  }

  checkpoint(path: string): void {
    if (this.ctx.signal?.aborted) stop('cancelled', path, 'the scan was cancelled');
    if (Date.now() > this.ctx.deadline) stop('timeout', path, `no result within ${this.ctx.limits.maxScanMs} ms`);
  }

  /** Lets the event loop run (a cancel message may be waiting), then checks deadline and signal. */
  async breathe(path: string): Promise<void> {
    await new Promise((resolve) => setTimeout(resolve, 0));
    this.checkpoint(path);
  }

  countEntries(count: number, path: string): void {
    this.entries += count;
    const max = this.ctx.limits.archive.maxEntries;
    if (this.entries > max) stop('archive-too-many-entries', path, `more than ${max} archive entries`);
  }

  /** Checks an entry's size before inflating it: the declared size, or bytes actually produced so far. */
  checkInflated(inflated: number, compressed: number, path: string): void {
    const { maxInflatedBytes, maxRatio } = this.ctx.limits.archive;
    if (this.inflatedBytes + inflated > maxInflatedBytes) {
      stop('archive-too-large', path, `inflates to more than ${maxInflatedBytes} bytes in total`);
    }
    if (inflated > maxInflatedBytes * RATIO_FROM_SHARE_OF_TOTAL && inflated > maxRatio * Math.max(compressed, 1)) {
      stop('archive-ratio', path, `compression ratio above ${maxRatio}`);
    }
  }

  /** Books bytes that were really inflated against the total cap. */
  addInflated(inflated: number): void {
    this.inflatedBytes += inflated;
  }
}
