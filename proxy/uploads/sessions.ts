// The chunks of each upload in progress, held until the whole file is there: each chunk's request
// as it came (to replay it to the portal once the file scanned clean) and where the file's bytes
// sit in it. A session keeps its first bytes in memory (taken from the body budget), the rest in
// a temp file of its own; all sessions together hold at most maxBytes. A session nobody adds to
// for idleMs is dropped with everything it held: nothing of it was ever forwarded.
import { createHash, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { open, rm, type FileHandle } from 'node:fs/promises';
import type { IncomingHttpHeaders } from 'node:http';
import { join } from 'node:path';
import type { BodyBudget } from '../body/budget.js';
import type { FoundFile } from '../pipeline.js';
import type { Chunk, Protocol } from './protocols.js';

export interface SessionLimits {
  /** The largest file (the policy's limits.maxFileBytes). */
  maxFileBytes: number;
  /** Bytes all sessions hold together, in memory and on disk. */
  maxBytes: number;
  /** Bytes one session keeps in memory before it writes its chunks to disk. */
  memoryBytes: number;
  /** A session that gets no chunk for this long is dropped. */
  idleMs: number;
  /** Where sessions write their temp files. */
  dir: string;
}

/** One chunk request as it came, to be sent on unchanged. */
export interface HeldRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
}

interface StoredChunk {
  start: number;
  length: number;
  sha256: string;
  request: HeldRequest;
  /** Where the file's bytes start in the request body. */
  dataAt: number;
  bodyLength: number;
  /** The body, when held in memory; else it is at `position` in the session's file. */
  memory?: Buffer;
  position: number;
  fields: string[];
}

export type AddResult = 'held' | 'duplicate' | 'busy' | 'too-large' | { conflict: string };

export class UploadSession {
  /** 'blocked': kept only to refuse its chunks again. */
  state: 'collecting' | 'blocked' = 'collecting';
  /** While its whole file is scanned and sent on: settles when that ends; requests for the session wait for it. */
  checked?: Promise<void>;
  /** The blocked file, with its verdict, for refusing its chunks again. */
  blocked?: FoundFile;
  /** A tus partial upload: complete only as part of the final upload that concatenates it. */
  partial = false;
  chunks: StoredChunk[] = [];
  lastSeen = Date.now();
  memoryBytes = 0;
  diskBytes = 0;
  /** The temp file holding the chunks beyond memoryBytes, opened on the first such chunk. */
  file?: Promise<FileHandle>;
  path?: string;

  constructor(
    readonly key: string,
    readonly protocol: Protocol,
    public name: string,
    public total: number | undefined,
  ) {}

  /** The end of the bytes held without a gap from the start of the file. */
  heldEnd(): number {
    let end = 0;
    for (const chunk of this.chunks) {
      if (chunk.start > end) break;
      end = Math.max(end, chunk.start + chunk.length);
    }
    return end;
  }

  complete(): boolean {
    return this.total !== undefined && this.heldEnd() === this.total;
  }

  holds(start: number, length: number): boolean {
    return this.chunks.some((chunk) => chunk.start === start && chunk.length === length);
  }

  /** The same bytes at the same place as a chunk of this (blocked) file. */
  repeats(chunk: Chunk): boolean {
    const sha256 = hash(chunk.data);
    return this.chunks.some((held) => held.start === chunk.start && held.sha256 === sha256);
  }

  /** The other form fields of all its chunks, each distinct line once. */
  fields(): string[] {
    return [...new Set(this.chunks.flatMap((chunk) => chunk.fields))];
  }
}

export class UploadSessions {
  private readonly sessions = new Map<string, UploadSession>();
  private heldBytes = 0;
  private dir?: string;
  private readonly sweeper: NodeJS.Timeout;

  constructor(
    readonly limits: SessionLimits,
    private readonly budget: BodyBudget,
  ) {
    this.sweeper = setInterval(() => void this.sweep(), Math.min(60_000, Math.max(1_000, limits.idleMs / 2))).unref();
  }

  /** Bytes held by all sessions, in memory and on disk. */
  get held(): number {
    return this.heldBytes;
  }

  get count(): number {
    return this.sessions.size;
  }

  get(key: string): UploadSession | undefined {
    return this.sessions.get(key);
  }

  open(key: string, protocol: Protocol, name: string, total: number | undefined): UploadSession {
    const session = new UploadSession(key, protocol, name, total);
    this.sessions.set(key, session);
    return session;
  }

  /** Holds one chunk and the request it came in; `body` holds the chunk's bytes (chunk.data is a view into it). */
  async add(session: UploadSession, chunk: Chunk, body: Buffer, request: HeldRequest): Promise<AddResult> {
    session.lastSeen = Date.now();
    const length = chunk.data.byteLength;
    if (chunk.total !== undefined) {
      if (session.total !== undefined && session.total !== chunk.total) return { conflict: `the file's size changed from ${session.total} to ${chunk.total} bytes` };
      session.total = chunk.total;
    }
    if ((session.total ?? chunk.start + length) > this.limits.maxFileBytes) return 'too-large';
    if (session.total !== undefined && chunk.start + length > session.total) return { conflict: `bytes ${chunk.start}-${chunk.start + length - 1} lie beyond the file's ${session.total} bytes` };
    if (session.protocol === 'tus' && chunk.start !== session.heldEnd()) return { conflict: `Upload-Offset ${chunk.start} is not the ${session.heldEnd()} bytes received` };
    const sha256 = hash(chunk.data);
    const overlapping = session.chunks.filter((held) => held.start < chunk.start + length && chunk.start < held.start + held.length);
    if (overlapping.length === 1 && overlapping[0]!.start === chunk.start && overlapping[0]!.length === length && overlapping[0]!.sha256 === sha256) return 'duplicate';
    if (overlapping.length > 0) return { conflict: `bytes ${chunk.start}-${chunk.start + length - 1} were sent before with other content` };
    if (this.heldBytes + body.byteLength > this.limits.maxBytes) return 'busy';
    // The file's bytes are found again by their place in the body: they must be a view into it.
    if (chunk.data.buffer !== body.buffer) throw new Error('a chunk whose bytes are not a view into its request body');

    const stored: StoredChunk = { start: chunk.start, length, sha256, request, dataAt: chunk.data.byteOffset - body.byteOffset, bodyLength: body.byteLength, position: 0, fields: chunk.fields };
    this.heldBytes += body.byteLength;
    if (session.memoryBytes + body.byteLength <= this.limits.memoryBytes && this.budget.take(body.byteLength)) {
      // A copy: the request's own buffer goes back to the body budget when it is answered.
      stored.memory = Buffer.from(body);
      session.memoryBytes += body.byteLength;
    } else {
      stored.position = session.diskBytes;
      session.diskBytes += body.byteLength;
      const file = await this.fileOf(session);
      await file.write(body, 0, body.byteLength, stored.position);
    }
    session.chunks.push(stored);
    session.chunks.sort((a, b) => a.start - b.start);
    if (chunk.name) session.name = chunk.name;
    return 'held';
  }

  /**
   * The whole file in one buffer (the sessions' bytes one after the other: tus concatenation),
   * taken from the body budget and given back with release(); undefined when the budget is spent.
   */
  async assemble(sessions: readonly UploadSession[]): Promise<Buffer | undefined> {
    const total = sessions.reduce((sum, session) => sum + (session.total ?? 0), 0);
    if (!this.budget.take(total)) return undefined;
    const bytes = Buffer.allocUnsafe(total);
    let base = 0;
    for (const session of sessions) {
      for (const chunk of session.chunks) {
        if (chunk.memory) chunk.memory.copy(bytes, base + chunk.start, chunk.dataAt, chunk.dataAt + chunk.length);
        else await (await session.file!).read(bytes, base + chunk.start, chunk.length, chunk.position + chunk.dataAt);
      }
      base += session.total ?? 0;
    }
    return bytes;
  }

  /** Gives back the budget an assembled file took. */
  release(bytes: Buffer): void {
    this.budget.give(bytes.byteLength);
  }

  /** The held requests in file order, each with its body read back, but the one at `except` (the request being answered). */
  async *requests(session: UploadSession, except?: number): AsyncGenerator<{ request: HeldRequest; body: Buffer }> {
    for (const chunk of session.chunks) {
      if (chunk.start === except) continue;
      if (chunk.memory) {
        yield { request: chunk.request, body: chunk.memory };
        continue;
      }
      const body = Buffer.allocUnsafe(chunk.bodyLength);
      await (await session.file!).read(body, 0, chunk.bodyLength, chunk.position);
      yield { request: chunk.request, body };
    }
  }

  /** Keeps only what refuses the same chunks again: their places and hashes, and the verdict. */
  async block(session: UploadSession, file: FoundFile): Promise<void> {
    session.state = 'blocked';
    session.blocked = { ...file, bytes: Buffer.alloc(0) };
    session.lastSeen = Date.now();
    await this.free(session);
  }

  async drop(session: UploadSession): Promise<void> {
    if (this.sessions.get(session.key) === session) this.sessions.delete(session.key);
    await this.free(session);
    session.chunks = [];
  }

  async close(): Promise<void> {
    clearInterval(this.sweeper);
    await Promise.all([...this.sessions.values()].map((session) => this.drop(session)));
    if (this.dir) rmSync(this.dir, { recursive: true, force: true });
  }

  private async sweep(): Promise<void> {
    const before = Date.now() - this.limits.idleMs;
    for (const session of this.sessions.values()) {
      if (!session.checked && session.lastSeen < before) await this.drop(session);
    }
  }

  private async free(session: UploadSession): Promise<void> {
    for (const chunk of session.chunks) chunk.memory = undefined;
    this.heldBytes -= session.memoryBytes + session.diskBytes;
    this.budget.give(session.memoryBytes);
    session.memoryBytes = 0;
    session.diskBytes = 0;
    const { file, path } = session;
    session.file = session.path = undefined;
    if (file) {
      await (await file).close();
      await rm(path!, { force: true });
    }
  }

  private fileOf(session: UploadSession): Promise<FileHandle> {
    this.dir ??= mkdtempSync(join(this.limits.dir, 'export-guard-uploads-'));
    if (!session.file) {
      session.path = join(this.dir, randomUUID());
      session.file = open(session.path, 'w+', 0o600);
    }
    return session.file;
  }
}

function hash(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}
