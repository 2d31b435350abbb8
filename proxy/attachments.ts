// What the upstream said each forwarded upload became: attachment id -> the file and its verdict.
// A send refers to attachments by id only, so the approval flow looks the files up here to show an
// approver what will go out and to scan them once more.
import type { IncomingMessage } from 'node:http';
import type { AttachmentSummary } from '../shared/api.js';
import type { FoundFile } from './pipeline.js';

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
