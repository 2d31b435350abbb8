// What the upstream said each forwarded upload became: attachment id -> the file and its verdict.
// A send refers to attachments by id only, so the approval flow looks the files up here to show an
// approver what will go out and to scan them once more.
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { AttachmentSummary } from '../shared/api.js';
import type { FoundFile } from './pipeline.js';
import type { Store } from './store/types.js';

/** The file behind what an approver is shown of an attachment (its AttachmentSummary). */
export interface AttachmentRecord extends Pick<AttachmentSummary, 'id' | 'name' | 'size' | 'sha256'> {
  verdict: 'block' | 'allow';
  bytes: Uint8Array;
  /** User id of the uploader, when known. */
  user?: string;
  recordedAt: string;
}

/** Asynchronous so that a shared database can stand behind it. */
export interface AttachmentLedger {
  record(entry: AttachmentRecord): Promise<void>;
  get(id: string): Promise<AttachmentRecord | undefined>;
}

/** Keeps the most recent attachments up to a byte budget; the oldest are forgotten first. */
export class MemoryAttachmentLedger implements AttachmentLedger {
  private readonly entries = new Map<string, AttachmentRecord>();
  private bytes = 0;

  constructor(private readonly maxBytes: number) {}

  async record(entry: AttachmentRecord): Promise<void> {
    this.forget(entry.id);
    this.entries.set(entry.id, entry);
    this.bytes += entry.bytes.byteLength;
    for (const [id, oldest] of this.entries) {
      if (this.bytes <= this.maxBytes) break;
      this.entries.delete(id);
      this.bytes -= oldest.bytes.byteLength;
    }
  }

  async get(id: string): Promise<AttachmentRecord | undefined> {
    return this.entries.get(id);
  }

  private forget(id: string): void {
    const existing = this.entries.get(id);
    if (!existing) return;
    this.entries.delete(id);
    this.bytes -= existing.bytes.byteLength;
  }
}

/**
 * The ledger in a store several proxies share, within the same byte budget, so that a send may go
 * through another proxy than its upload. The attachments are personal data the database must not
 * hold readably (docs/approval.md): each entry is sealed with AES-256-GCM under a key derived from
 * the audit key, which every proxy of the store holds and the database and its backups do not.
 * The entry's id is bound in, so a sealed file cannot be passed off under another id; an entry
 * that does not open (another key, or altered) is unknown, as a file never uploaded is.
 */
export class SharedAttachmentLedger implements AttachmentLedger {
  private readonly key: Buffer;

  /** chainKey: the audit key's HMAC key (proxy/audit/key.ts), the one secret every proxy sharing the store has. */
  constructor(
    private readonly store: Pick<Store, 'recordAttachment' | 'getAttachment'>,
    private readonly maxBytes: number,
    chainKey: Buffer,
  ) {
    this.key = Buffer.from(hkdfSync('sha256', chainKey, 'export-guard', 'attachment ledger', 32));
  }

  record(entry: AttachmentRecord): Promise<void> {
    const { bytes, ...described } = entry;
    const head = Buffer.from(JSON.stringify(described), 'utf8');
    const length = Buffer.alloc(4);
    length.writeUInt32BE(head.byteLength);
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv).setAAD(Buffer.from(entry.id, 'utf8'));
    const sealed = Buffer.concat([cipher.update(length), cipher.update(head), cipher.update(bytes), cipher.final()]);
    return this.store.recordAttachment(entry.id, Buffer.concat([iv, cipher.getAuthTag(), sealed]), this.maxBytes);
  }

  async get(id: string): Promise<AttachmentRecord | undefined> {
    const sealed = await this.store.getAttachment(id);
    if (!sealed || sealed.byteLength < 28) return undefined;
    const blob = Buffer.from(sealed.buffer, sealed.byteOffset, sealed.byteLength);
    let plain: Buffer;
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.key, blob.subarray(0, 12)).setAAD(Buffer.from(id, 'utf8')).setAuthTag(blob.subarray(12, 28));
      plain = Buffer.concat([decipher.update(blob.subarray(28)), decipher.final()]);
    } catch {
      return undefined;
    }
    const headLength = plain.readUInt32BE(0);
    const described = JSON.parse(plain.subarray(4, 4 + headLength).toString('utf8')) as Omit<AttachmentRecord, 'bytes'>;
    return { ...described, bytes: plain.subarray(4 + headLength) };
  }
}

const MAX_ANSWER_BYTES = 1024 * 1024;

/**
 * Watches the upstream's answer to a forwarded upload, without holding it up, and records the
 * attachment id(s) it names: `{ id }` for a single file, `[{ id }, ...]` in file order for several.
 */
export function recordUploadAnswer(
  upstream: IncomingMessage,
  files: readonly FoundFile[],
  idField: string,
  user: string | undefined,
  record: (entry: AttachmentRecord) => void,
): void {
  const status = upstream.statusCode ?? 0;
  if (files.length === 0 || status < 200 || status > 299) return;
  if (!/^application\/([a-z.+-]*\+)?json/i.test(upstream.headers['content-type'] ?? '')) return;
  const chunks: Buffer[] = [];
  let size = 0;
  upstream.on('data', (chunk: Buffer) => {
    size += chunk.byteLength;
    if (size <= MAX_ANSWER_BYTES) chunks.push(chunk);
  });
  upstream.on('end', () => {
    if (size > MAX_ANSWER_BYTES) return;
    const ids = attachmentIds(Buffer.concat(chunks).toString('utf8'), idField, files.length);
    const recordedAt = new Date().toISOString();
    ids.forEach((id, i) => {
      const file = files[i]!;
      const verdict = file.verdict;
      if (!verdict) return;
      record({ id, name: file.name, size: file.bytes.byteLength, sha256: verdict.sha256, verdict: verdict.verdict, bytes: file.bytes, user, recordedAt });
    });
  });
}

function attachmentIds(text: string, idField: string, fileCount: number): string[] {
  let answer: unknown;
  try {
    answer = JSON.parse(text);
  } catch {
    return [];
  }
  const items = Array.isArray(answer) ? answer : [answer];
  if (items.length !== fileCount) return [];
  const ids = items.map((item) => (typeof item === 'object' && item !== null ? (item as Record<string, unknown>)[idField] : undefined));
  return ids.every((id) => typeof id === 'string' || typeof id === 'number') ? ids.map(String) : [];
}
