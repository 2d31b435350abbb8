// The parsers portals really read request bodies with, as oracles for the proxy's own reading:
// busboy (Express's multer, Fastify), formidable and undici's Request.formData() (the fetch API
// of Node and of edge frameworks). Each returns every field and file it extracts, as bytes, or
// the error it gave up with.
import busboy from 'busboy';
import formidable from 'formidable';
import { Request as UndiciRequest } from 'undici';
import { Readable, Writable } from 'node:stream';
import type { IncomingHttpHeaders } from 'node:http';

export interface Extracted {
  name: string;
  /** Set for what the parser calls a file. */
  filename?: string;
  bytes: Buffer;
}

export type Reading = { parts: Extracted[] } | { error: string };

export const ORACLES = {
  busboy: readWithBusboy,
  formidable: readWithFormidable,
  undici: readWithUndici,
} satisfies Record<string, (headers: IncomingHttpHeaders, body: Buffer) => Promise<Reading>>;

export type OracleName = keyof typeof ORACLES;

export async function readWithAll(headers: IncomingHttpHeaders, body: Buffer): Promise<Record<OracleName, Reading>> {
  const entries = await Promise.all(Object.entries(ORACLES).map(async ([name, read]) => [name, await read(headers, body).catch((error: unknown) => ({ error: String(error) }))] as const));
  return Object.fromEntries(entries) as Record<OracleName, Reading>;
}

const NO_LIMIT = 1024 * 1024 * 1024;

function readWithBusboy(headers: IncomingHttpHeaders, body: Buffer): Promise<Reading> {
  return new Promise((resolve) => {
    const parts: Extracted[] = [];
    const pending: Promise<void>[] = [];
    let parser: busboy.Busboy;
    try {
      parser = busboy({ headers, limits: { fieldSize: NO_LIMIT, fields: 100_000, parts: 100_000 } });
    } catch (error) {
      resolve({ error: String(error) });
      return;
    }
    parser.on('field', (name, value) => parts.push({ name, bytes: Buffer.from(value, 'utf8') }));
    parser.on('file', (name, stream, info) => {
      pending.push(collect(stream).then((bytes) => void parts.push({ name, filename: info.filename ?? '', bytes })));
    });
    parser.on('error', (error) => resolve({ error: String(error) }));
    parser.on('close', () => void Promise.all(pending).then(() => resolve({ parts })));
    parser.end(body);
  });
}

async function readWithFormidable(headers: IncomingHttpHeaders, body: Buffer): Promise<Reading> {
  const form = formidable({ allowEmptyFiles: true, minFileSize: 0, maxFileSize: NO_LIMIT, maxTotalFileSize: NO_LIMIT, maxFieldsSize: NO_LIMIT, maxFields: 100_000, maxFiles: 100_000 });
  const parts: Extracted[] = [];
  const pending: Promise<void>[] = [];
  // Every part's raw bytes, file or field, instead of formidable's files on disk.
  form.onPart = (part) => {
    pending.push(collect(part as unknown as NodeJS.ReadableStream).then((bytes) => void parts.push({ name: part.name ?? '', ...(part.originalFilename != null && { filename: part.originalFilename }), bytes })));
  };
  const req = Object.assign(Readable.from([body]), { headers: { ...headers, 'content-length': String(body.byteLength) } });
  await form.parse(req as never);
  await Promise.all(pending);
  return { parts };
}

async function readWithUndici(headers: IncomingHttpHeaders, body: Buffer): Promise<Reading> {
  const request = new UndiciRequest('http://portal.invalid/', { method: 'POST', headers: { 'content-type': String(headers['content-type'] ?? '') }, body: new Uint8Array(body) });
  const form = await request.formData();
  const parts: Extracted[] = [];
  for (const [name, value] of form) {
    parts.push(typeof value === 'string' ? { name, bytes: Buffer.from(value, 'utf8') } : { name, filename: value.name, bytes: Buffer.from(await value.arrayBuffer()) });
  }
  return { parts };
}

function collect(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  return new Promise((resolve, reject) => {
    stream.pipe(new Writable({ write: (chunk: Buffer, _encoding, done) => void (chunks.push(chunk), done()) }).on('finish', () => resolve(Buffer.concat(chunks))));
    stream.on('error', reject);
  });
}
