// The server side each upload widget expects, as its documented example server does it: whole
// multipart uploads, and chunked uploads assembled per session (resumable.js and flow.js with
// their test-chunk GETs, Dropzone's dz* fields, FilePond's POST-then-PATCH, jQuery File Upload's
// Content-Range). Every byte of file content taken in is counted, and each file assembled
// completely is stored with its SHA-256: the test's view of what reached the portal.
import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import busboy from 'busboy';

export interface StoredFile {
  /** Which receiver assembled it: 'form', 'dropzone', 'filepond', 'jquery', 'resumable', 'flow', 'tus'. */
  protocol: string;
  name: string;
  size: number;
  sha256: string;
}

export interface Reception {
  stored: StoredFile[];
  /** Bytes of file content received in request bodies (whole files and chunks), since the last reset. */
  fileBytes: number;
}

interface Session {
  total: number;
  name: string;
  /** Chunks by byte offset. */
  chunks: Map<number, Buffer>;
}

interface Form {
  fields: Map<string, string>;
  files: { field: string; name: string; bytes: Buffer }[];
}

function send(res: ServerResponse, status: number, body: unknown = '', headers: Record<string, string> = {}): void {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(status, { 'content-type': typeof body === 'string' ? 'text/plain' : 'application/json', ...headers });
  res.end(text);
}

/** Bytes received from the start without a gap. */
function contiguous(session: Session): number {
  let offset = 0;
  for (let chunk = session.chunks.get(0); chunk; chunk = session.chunks.get(offset)) offset += chunk.length;
  return offset;
}

export class Receivers {
  readonly reception: Reception = { stored: [], fileBytes: 0 };
  private sessions = new Map<string, Session>();
  private filepondIds = 0;

  reset(): void {
    this.reception.stored.length = 0;
    this.reception.fileBytes = 0;
    this.sessions.clear();
  }

  /** Reads a multipart body; every file part counts as received, whether or not it makes sense. */
  private readForm(req: IncomingMessage): Promise<Form> {
    return new Promise((resolve, reject) => {
      const form: Form = { fields: new Map(), files: [] };
      const parser = busboy({ headers: req.headers, limits: { fileSize: 64 * 1024 * 1024 } });
      parser.on('field', (name, value) => form.fields.set(name, value));
      parser.on('file', (field, stream, info) => {
        const parts: Buffer[] = [];
        stream.on('data', (part: Buffer) => {
          this.reception.fileBytes += part.length;
          parts.push(part);
        });
        stream.on('end', () => form.files.push({ field, name: info.filename ?? '', bytes: Buffer.concat(parts) }));
      });
      parser.on('close', () => resolve(form));
      parser.on('error', reject);
      req.pipe(parser);
    });
  }

  private async readRaw(req: IncomingMessage): Promise<Buffer> {
    const parts: Buffer[] = [];
    for await (const part of req) {
      this.reception.fileBytes += (part as Buffer).length;
      parts.push(part as Buffer);
    }
    return Buffer.concat(parts);
  }

  store(protocol: string, name: string, bytes: Uint8Array): void {
    this.reception.stored.push({ protocol, name, size: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex') });
  }

  private chunk(protocol: string, key: string, name: string, total: number, offset: number, bytes: Buffer): void {
    const id = `${protocol}:${key}`;
    const session = this.sessions.get(id) ?? { total, name, chunks: new Map() };
    this.sessions.set(id, session);
    session.chunks.set(offset, bytes);
    if (contiguous(session) !== session.total) return;
    const ordered = [...session.chunks.entries()].sort(([a], [b]) => a - b).map(([, chunk]) => chunk);
    this.sessions.delete(id);
    this.store(protocol, name, Buffer.concat(ordered));
  }

  private has(protocol: string, key: string, offset: number): boolean {
    return this.sessions.get(`${protocol}:${key}`)?.chunks.has(offset) ?? false;
  }

  /** A request the receivers do not take: whatever its body holds still counts as received. */
  private async refuse(req: IncomingMessage, res: ServerResponse, status: number, reason: string): Promise<void> {
    await this.readRaw(req);
    send(res, status, reason);
  }

  /** Handles the request when it is an upload (any method but GET and HEAD) or a chunk test; false otherwise. */
  async handle(req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean> {
    switch (url.pathname) {
      case '/upload/form':
        await this.form(req, res);
        return true;
      case '/upload/resumable':
      case '/upload/flow':
        await this.resumable(url.pathname === '/upload/flow' ? 'flow' : 'resumable', req, res, url);
        return true;
      case '/upload/filepond':
        await this.filepond(req, res, url);
        return true;
      default:
        if (req.method === 'GET' || req.method === 'HEAD') return false;
        await this.refuse(req, res, 404, 'no receiver here');
        return true;
    }
  }

  /** Uppy's XHR upload, Dropzone (whole and dz* chunks), jQuery File Upload (whole and Content-Range chunks). */
  private async form(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (req.method !== 'POST') return this.refuse(req, res, 405, 'POST only');
    const form = await this.readForm(req);
    const range = /^bytes (\d+)-(\d+)\/(\d+)$/.exec(req.headers['content-range'] ?? '');
    for (const file of form.files) {
      const uuid = form.fields.get('dzuuid');
      if (uuid !== undefined) {
        const offset = Number(form.fields.get('dzchunkbyteoffset'));
        this.chunk('dropzone', uuid, file.name, Number(form.fields.get('dztotalfilesize')), offset, file.bytes);
      } else if (range) {
        this.chunk('jquery', `${file.name}:${range[3]}`, file.name, Number(range[3]), Number(range[1]), file.bytes);
      } else {
        this.store('form', file.name, file.bytes);
      }
    }
    send(res, 200, { files: form.files.map((file) => ({ name: file.name, size: range ? Number(range[2]) + 1 : file.bytes.length })) });
  }

  /** resumable.js and flow.js: GET tests whether a chunk is there (200) or not (204), POST sends one. */
  private async resumable(protocol: 'resumable' | 'flow', req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const fieldsOf = (get: (name: string) => string | undefined | null) => ({
      key: get(`${protocol}Identifier`) ?? '',
      name: get(`${protocol}Filename`) ?? '',
      total: Number(get(`${protocol}TotalSize`)),
      offset: (Number(get(`${protocol}ChunkNumber`)) - 1) * Number(get(`${protocol}ChunkSize`)),
    });
    if (req.method === 'GET') {
      const chunk = fieldsOf((name) => url.searchParams.get(name));
      return send(res, this.has(protocol, chunk.key, chunk.offset) ? 200 : 204);
    }
    if (req.method !== 'POST') return this.refuse(req, res, 405, 'GET or POST only');
    const form = await this.readForm(req);
    const chunk = fieldsOf((name) => form.fields.get(name) ?? url.searchParams.get(name));
    const [file] = form.files;
    if (!file || !chunk.key) return send(res, 400, `no ${protocol} chunk in the request`);
    this.chunk(protocol, chunk.key, chunk.name, chunk.total, chunk.offset, file.bytes);
    send(res, 200, 'ok');
  }

  /**
   * FilePond: a POST with the file is a whole upload (answered with its id); a POST without one
   * starts a chunked transfer (Upload-Length), whose chunks come as PATCH ?patch=id with
   * Upload-Offset, and HEAD ?patch=id asks how far it got.
   */
  private async filepond(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const id = url.searchParams.get('patch');
    if (req.method === 'POST') {
      const form = await this.readForm(req);
      const file = form.files[0];
      const transfer = `fp${++this.filepondIds}`;
      if (file) {
        this.store('filepond', file.name, file.bytes);
      } else {
        this.sessions.set(`filepond:${transfer}`, { total: Number(req.headers['upload-length']), name: '', chunks: new Map() });
      }
      return send(res, 200, transfer);
    }
    const body = await this.readRaw(req);
    const session = id ? this.sessions.get(`filepond:${id}`) : undefined;
    if (!id || !session) return send(res, 404, 'no such transfer');
    if (req.method === 'HEAD') return send(res, 200, '', { 'upload-offset': String(contiguous(session)) });
    if (req.method !== 'PATCH') return send(res, 405, 'POST, PATCH or HEAD only');
    session.name = decodeURIComponent(String(req.headers['upload-name'] ?? ''));
    this.chunk('filepond', id, session.name, session.total, Number(req.headers['upload-offset']), body);
    send(res, 204);
  }
}
