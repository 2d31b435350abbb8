// Chunked and resumable uploads through the real proxy, over real sockets, each protocol sent as
// its widget sends it with default settings (read from the widget's source: resumable.js and
// flow.js test each chunk with a GET first and send three at a time; Dropzone and jQuery File
// Upload one after the other; FilePond asks for an id, then PATCHes; tus by tus-js-client against
// a real @tus/server). A harmless workbook arrives byte for byte; of an export, 0 bytes reach the
// portal, whole or chunked, at the default chunk size and a small one.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:http';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { Server as TusServer } from '@tus/server';
import { FileStore } from '@tus/file-store';
import { Upload } from 'tus-js-client';
import { fixtureBytes } from '../helpers/fixtures.js';
import { sha256, startUpstream, type Received, type Upstream } from './upstream.js';
import { startTestProxy, type TestProxy } from './start.js';
import { parseConfig } from '../../proxy/config.js';
import type { UploadEvent } from '../../proxy/events.js';
import { harmlessWorkbook } from './upload-sessions-fixtures.js';

let upstream: Upstream;
let proxy: TestProxy;
let harmless: Buffer;
let harmlessLarge: Buffer;
let people: Buffer;
let peopleLarge: Buffer;
const blocked: UploadEvent[] = [];

beforeAll(async () => {
  upstream = await startUpstream();
  proxy = await startTestProxy(upstream.url);
  harmless = Buffer.from(await fixtureBytes('vacancies.xlsx'));
  people = Buffer.from(await fixtureBytes('leak-1.xlsx'));
  proxy.events.on('upload-blocked', (event) => blocked.push(event));
  peopleLarge = Buffer.from(await fixtureBytes('leak-4.xlsx'));
  harmlessLarge = harmlessWorkbook(peopleLarge.byteLength);
}, 120_000);
afterAll(async () => {
  await proxy?.close();
  await upstream?.close();
});

/** Sends a request through the proxy; the answer's status, headers and text. */
async function send(path: string, init: Omit<RequestInit, 'body'> & { body?: Buffer | FormData }, base = proxy.url): Promise<{ status: number; headers: Headers; text: string }> {
  const response = await fetch(`${base}${path}`, { ...init, body: Buffer.isBuffer(init.body) ? new Uint8Array(init.body) : (init.body as FormData | undefined) });
  return { status: response.status, headers: response.headers, text: await response.text() };
}

const form = (fields: Record<string, string | number>, file?: { name: string; field: string; bytes: Buffer }): FormData => {
  const data = new FormData();
  for (const [name, value] of Object.entries(fields)) data.append(name, String(value));
  if (file) data.append(file.field, new Blob([new Uint8Array(file.bytes)]), file.name);
  return data;
};

/** The chunks of a file as a widget cuts them: `floor` lets the last chunk take the rest (resumable.js, flow.js). */
function cut(size: number, chunkSize: number, floor: boolean): Array<{ start: number; end: number }> {
  const count = floor ? Math.max(1, Math.floor(size / chunkSize)) : Math.max(1, Math.ceil(size / chunkSize));
  return Array.from({ length: count }, (_, i) => ({ start: i * chunkSize, end: i === count - 1 ? size : (i + 1) * chunkSize }));
}

interface Outcome {
  /** Status of every chunk request, in the order sent. */
  statuses: number[];
}

/** resumable.js / flow.js defaults: a GET test before each chunk, then a multipart POST; three chunks at a time. */
async function counted(prefix: 'resumable' | 'flow', path: string, bytes: Buffer, name: string, chunkSize: number): Promise<Outcome> {
  const identifier = `${bytes.byteLength}-${name.replace(/[^0-9a-zA-Z_-]/g, '')}-${Math.random().toString(36).slice(2)}`;
  const chunks = cut(bytes.byteLength, chunkSize, true);
  const statuses: number[] = [];
  const one = async (index: number) => {
    const { start, end } = chunks[index]!;
    const fields = {
      [`${prefix}ChunkNumber`]: index + 1,
      [`${prefix}ChunkSize`]: chunkSize,
      [`${prefix}CurrentChunkSize`]: end - start,
      [`${prefix}TotalSize`]: bytes.byteLength,
      [`${prefix}Identifier`]: identifier,
      [`${prefix}Filename`]: name,
      [`${prefix}RelativePath`]: name,
      [`${prefix}TotalChunks`]: chunks.length,
    };
    const query = new URLSearchParams(Object.entries(fields).map(([k, v]) => [k, String(v)]));
    const test = await send(`${path}?${query}`, { method: 'GET' });
    if (test.status === 200) return;
    const sent = await send(`${path}${prefix === 'resumable' ? `?${query}` : ''}`, { method: 'POST', body: form(fields, { name, field: 'file', bytes: bytes.subarray(start, end) }) });
    statuses.push(sent.status);
  };
  let next = 0;
  await Promise.all(
    Array.from({ length: 3 }, async () => {
      while (next < chunks.length) await one(next++);
    }),
  );
  return { statuses };
}

/** Dropzone with chunking on: one multipart POST per chunk, in turn. */
async function dropzone(path: string, bytes: Buffer, name: string, chunkSize: number): Promise<Outcome> {
  const uuid = crypto.randomUUID();
  const chunks = cut(bytes.byteLength, chunkSize, false);
  const statuses: number[] = [];
  for (const [index, { start, end }] of chunks.entries()) {
    const fields = { dzuuid: uuid, dzchunkindex: index, dztotalfilesize: bytes.byteLength, dzchunksize: chunkSize, dztotalchunkcount: chunks.length, dzchunkbyteoffset: start };
    const sent = await send(path, { method: 'POST', body: form(fields, { name, field: 'file', bytes: bytes.subarray(start, end) }) });
    statuses.push(sent.status);
    if (sent.status !== 200) break;
  }
  return { statuses };
}

/** jQuery File Upload with maxChunkSize: a multipart POST per chunk with Content-Range and Content-Disposition. */
async function jqueryFileUpload(path: string, bytes: Buffer, name: string, chunkSize: number): Promise<Outcome> {
  const statuses: number[] = [];
  let uploaded = 0;
  while (uploaded < bytes.byteLength) {
    const end = Math.min(bytes.byteLength, uploaded + chunkSize);
    const sent = await send(path, {
      method: 'POST',
      headers: { 'content-range': `bytes ${uploaded}-${end - 1}/${bytes.byteLength}`, 'content-disposition': `attachment; filename="${encodeURI(name)}"` },
      body: form({}, { name: 'blob', field: 'files[]', bytes: bytes.subarray(uploaded, end) }),
    });
    statuses.push(sent.status);
    if (sent.status !== 200) break;
    // The plugin resumes from the Range header's last byte, else adds the chunk's size.
    const range = sent.headers.get('range');
    uploaded = range ? Number(range.split('-')[1]) + 1 : end;
  }
  return { statuses };
}

/** FilePond with chunkUploads: a POST with Upload-Length for a transfer id, then a PATCH per chunk to ?patch=id. */
async function filepond(path: string, bytes: Buffer, name: string, chunkSize: number): Promise<Outcome> {
  const created = await send(path, { method: 'POST', headers: { 'upload-length': String(bytes.byteLength) }, body: form({ filepond: '{}' }) });
  const id = (JSON.parse(created.text) as { id: string }).id;
  const statuses: number[] = [];
  // FilePond cuts floor(size / chunkSize) + 1 chunks: the last may be empty.
  for (let offset = 0; offset <= bytes.byteLength; offset += chunkSize) {
    const sent = await send(`${path}?patch=${id}`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/offset+octet-stream', 'upload-offset': String(offset), 'upload-length': String(bytes.byteLength), 'upload-name': name },
      body: bytes.subarray(offset, offset + chunkSize),
    });
    statuses.push(sent.status);
    if (sent.status >= 300) break;
  }
  return { statuses };
}

/** What the upstream received of one upload, put together from its requests (the file's bytes at their offsets). */
async function receivedFile(requests: Received[], path: string): Promise<Buffer> {
  const pieces: Array<{ start: number; bytes: Buffer }> = [];
  for (const request of requests.filter((r) => r.url.split('?')[0] === path && r.body.byteLength > 0)) {
    const url = new URL(request.url, 'http://upstream.invalid');
    if (String(request.headers['content-type']).startsWith('multipart/')) {
      const data = await new Request('http://x.invalid/', { method: 'POST', headers: { 'content-type': String(request.headers['content-type']) }, body: new Uint8Array(request.body) }).formData();
      const file = [...data.values()].find((value): value is File => typeof value !== 'string');
      if (!file) continue;
      const field = (name: string) => Number(data.get(name) ?? url.searchParams.get(name));
      const range = /bytes (\d+)-/.exec(String(request.headers['content-range'] ?? ''));
      const start = range ? Number(range[1]) : data.has('dzchunkbyteoffset') ? field('dzchunkbyteoffset') : data.has('flowChunkNumber') ? (field('flowChunkNumber') - 1) * field('flowChunkSize') : data.has('resumableChunkNumber') ? (field('resumableChunkNumber') - 1) * field('resumableChunkSize') : 0;
      pieces.push({ start, bytes: Buffer.from(await file.arrayBuffer()) });
    } else if (request.headers['upload-offset'] !== undefined) {
      pieces.push({ start: Number(request.headers['upload-offset']), bytes: request.body });
    }
  }
  const size = pieces.reduce((max, piece) => Math.max(max, piece.start + piece.bytes.byteLength), 0);
  const file = Buffer.alloc(size);
  for (const piece of pieces) piece.bytes.copy(file, piece.start);
  return file;
}

type Client = (path: string, bytes: Buffer, name: string, chunkSize: number) => Promise<Outcome>;

/** Each protocol with its widget's default chunk size, and what its held chunks are answered with. */
const PROTOCOLS: Record<string, { client: Client; defaultChunk: number; ok: number }> = {
  'resumable.js': { client: (...args) => counted('resumable', ...args), defaultChunk: 1024 * 1024, ok: 200 },
  'flow.js': { client: (...args) => counted('flow', ...args), defaultChunk: 1024 * 1024, ok: 200 },
  'Dropzone (chunking)': { client: dropzone, defaultChunk: 2 * 1024 * 1024, ok: 200 },
  'jQuery File Upload (maxChunkSize)': { client: jqueryFileUpload, defaultChunk: 1024 * 1024, ok: 200 },
  'FilePond (chunkUploads)': { client: filepond, defaultChunk: 5_000_000, ok: 204 },
};

let uploads = 0;
describe.each(Object.entries(PROTOCOLS))('%s', (_name, { client, defaultChunk, ok }) => {
  // Which files: the small ones fit in one default chunk (a whole upload), the large ones span several.
  const SIZES: Array<[string, number, 'small' | 'large']> = [
    ['4 kB', 4096, 'small'],
    ['the default size, the whole file in one', defaultChunk, 'small'],
    ['the default size', defaultChunk, 'large'],
  ];
  it.each(SIZES)('a harmless workbook in chunks of %s arrives byte for byte; the chunks before the last are answered by the proxy', async (_label, chunkSize, size) => {
    const path = `/upload/harmless-${(uploads += 1)}`;
    const bytes = size === 'small' ? harmless : harmlessLarge;
    const outcome = await client(path, bytes, 'vacatures.xlsx', chunkSize);
    expect(outcome.statuses.every((status) => status >= 200 && status < 300)).toBe(true);
    expect(outcome.statuses[0]).toBe(bytes.byteLength > chunkSize ? ok : 200);
    expect(sha256(await receivedFile(upstream.received, path))).toBe(sha256(bytes));
  }, 120_000);

  it.each(SIZES)('an export in chunks of %s is refused with 422, and no byte of it reaches the portal', async (_label, chunkSize, size) => {
    const path = `/upload/export-${(uploads += 1)}`;
    const bytes = size === 'small' ? people : peopleLarge;
    const outcome = await client(path, bytes, 'selectie.xlsx', chunkSize);
    expect(outcome.statuses).toContain(422);
    expect((await receivedFile(upstream.received, path)).byteLength).toBe(0);
  }, 120_000);
});

describe('chunks the proxy cannot put in a file', () => {
  it('refuses a Content-Range chunk whose range does not match its bytes, and an Upload-Offset without a length', async () => {
    const before = upstream.received.length;
    const wrong = await send('/upload/odd', { method: 'PUT', headers: { 'content-range': 'bytes 0-99/1000' }, body: people.subarray(0, 50) });
    expect(wrong.status).toBe(400);
    expect(JSON.parse(wrong.text)).toMatchObject({ error: 'upload-fragment', nl: expect.any(String), en: expect.any(String) });
    const lengthless = await send('/upload/odd', { method: 'PATCH', headers: { 'upload-offset': '0' }, body: people.subarray(0, 50) });
    expect(lengthless.status).toBe(400);
    expect(upstream.received.length).toBe(before);
  });

  it('refuses other bytes for a range it holds (409), keeps the first, and passes the file when it completes as first sent', async () => {
    const path = '/upload/conflict';
    const headers = (start: number, end: number) => ({ 'content-range': `bytes ${start}-${end - 1}/${harmless.byteLength}`, 'content-disposition': 'attachment; filename="v.xlsx"' });
    const half = Math.floor(harmless.byteLength / 2);
    expect((await send(path, { method: 'PUT', headers: headers(0, half), body: harmless.subarray(0, half) })).status).toBe(200);
    expect((await send(path, { method: 'PUT', headers: headers(0, half), body: harmless.subarray(0, half) })).status).toBe(200);
    const middle = Math.floor(half / 2);
    expect((await send(path, { method: 'PUT', headers: headers(middle, half + 10), body: harmless.subarray(middle, half + 10) })).status).toBe(409);
    expect(upstream.received.filter((r) => r.url === path)).toHaveLength(0);
    expect((await send(path, { method: 'PUT', headers: headers(half, harmless.byteLength), body: harmless.subarray(half) })).status).toBe(200);
    const received = upstream.received.filter((r) => r.url === path);
    expect(received.map((r) => r.headers['content-range'])).toEqual([`bytes 0-${half - 1}/${harmless.byteLength}`, `bytes ${half}-${harmless.byteLength - 1}/${harmless.byteLength}`]);
    expect(sha256(Buffer.concat(received.map((r) => r.body)))).toBe(sha256(harmless));
  });

  it('takes chunks out of order, and refuses again a retried chunk of a blocked file without scanning it', async () => {
    const path = '/upload/out-of-order';
    const size = 8192;
    const ranges = cut(people.byteLength, size, false).reverse();
    const statuses: number[] = [];
    for (const { start, end } of ranges) {
      statuses.push((await send(path, { method: 'PUT', headers: { 'content-range': `bytes ${start}-${end - 1}/${people.byteLength}` }, body: people.subarray(start, end) })).status);
    }
    expect(statuses.slice(0, -1).every((status) => status === 200)).toBe(true);
    expect(statuses.at(-1)).toBe(422);
    // Blocked and audited as any upload: the whole file, under the session's protocol.
    expect(blocked.filter((event) => event.path === path).map((event) => [event.location, event.size, event.reasonCodes.length > 0])).toEqual([['upload-session:content-range', people.byteLength, true]]);
    const { start, end } = ranges.at(-1)!;
    const retried = await send(path, { method: 'PUT', headers: { 'content-range': `bytes ${start}-${end - 1}/${people.byteLength}` }, body: people.subarray(start, end) });
    expect(retried.status).toBe(422);
    expect(upstream.received.filter((r) => r.url === path)).toHaveLength(0);
  });

  it('refuses a file over maxFileBytes at its first chunk (413), and chunks beyond all sessions\' maxBytes (503), forwarding nothing', async () => {
    const capped = await startTestProxy(upstream.url, { uploads: { sessions: { maxBytes: 6000, memoryBytes: 1000 } } });
    try {
      const huge = await send('/upload/huge', { method: 'PUT', headers: { 'content-range': `bytes 0-999/${capped.policy.limits.maxFileBytes + 1}` }, body: harmless.subarray(0, 1000) }, capped.url);
      expect(huge.status).toBe(413);
      const statuses: number[] = [];
      for (let start = 0; start < 8000; start += 2000) {
        statuses.push((await send('/upload/capped', { method: 'PUT', headers: { 'content-range': `bytes ${start}-${start + 1999}/${harmless.byteLength}` }, body: harmless.subarray(start, start + 2000) }, capped.url)).status);
      }
      expect(statuses).toEqual([200, 200, 200, 503]);
      expect(upstream.received.filter((r) => r.url === '/upload/huge' || r.url === '/upload/capped')).toHaveLength(0);
    } finally {
      await capped.close();
    }
  });

  it('starts a resumable.js upload over when a new first chunk comes under the same identifier (its size and name)', async () => {
    const path = '/upload/restart';
    const other = Buffer.from(harmless);
    other.writeUInt8(other.readUInt8(0x20) ^ 0xff, 0x20);
    const chunk = (bytes: Buffer, number: number) => {
      const start = (number - 1) * 4096;
      const fields = { resumableChunkNumber: number, resumableChunkSize: 4096, resumableTotalSize: bytes.byteLength, resumableIdentifier: `${bytes.byteLength}-vacaturesxlsx`, resumableFilename: 'vacatures.xlsx' };
      return send(path, { method: 'POST', body: form(fields, { name: 'vacatures.xlsx', field: 'file', bytes: bytes.subarray(start, number === 4 ? bytes.byteLength : start + 4096) }) });
    };
    expect((await chunk(other, 1)).status).toBe(200);
    expect((await chunk(harmless, 1)).status).toBe(200);
    for (const number of [2, 3]) expect((await chunk(harmless, number)).status).toBe(200);
    expect((await chunk(harmless, 4)).status).toBe(200);
    expect(sha256(await receivedFile(upstream.received, path))).toBe(sha256(harmless));
  });

  it('names the field of a bad session limit in the config error', () => {
    expect(() => parseConfig({ target: upstream.url, uploads: { sessions: { idleSeconds: 0 } } }, process.cwd())).toThrow(/config\.uploads\.sessions\.idleSeconds: expected an integer/);
    expect(() => parseConfig({ target: upstream.url, uploads: { sessions: { maxbytes: 1 } } }, process.cwd())).toThrow(/config\.uploads\.sessions\.maxbytes: unknown field/);
  });

  it('drops a session that never completes once it is idle, with nothing forwarded', async () => {
    const quick = await startTestProxy(upstream.url, { uploads: { sessions: { idleSeconds: 1 } } });
    try {
      const path = '/upload/abandoned';
      const sent = await send(path, { method: 'PUT', headers: { 'content-range': `bytes 0-999/${harmless.byteLength}` }, body: harmless.subarray(0, 1000) }, quick.url);
      expect(sent.status).toBe(200);
      expect(quick.metrics.render()).toMatch(/export_guard_upload_sessions 1\b/);
      await expect.poll(() => quick.metrics.render(), { timeout: 10_000, interval: 200 }).toMatch(/export_guard_upload_sessions 0\b/);
      expect(upstream.received.filter((r) => r.url === path)).toHaveLength(0);
    } finally {
      await quick.close();
    }
  });
});

describe('tus, with tus-js-client against a real @tus/server', () => {
  let tusServer: Server;
  let tusProxy: TestProxy;
  let directory: string;

  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), 'eg-tus-'));
    const tus = new TusServer({ path: '/files', datastore: new FileStore({ directory }) });
    tusServer = createServer((req, res) => void tus.handle(req, res));
    tusServer.listen(0, '127.0.0.1');
    await new Promise((resolve) => tusServer.once('listening', resolve));
    tusProxy = await startTestProxy(`http://127.0.0.1:${(tusServer.address() as AddressInfo).port}`);
  });
  afterAll(async () => {
    await tusProxy?.close();
    await new Promise((resolve) => tusServer?.close(resolve));
    await rm(directory, { recursive: true, force: true });
  });

  it.each([
    ['a harmless workbook', () => harmless, true],
    ['an export', () => people, false],
  ])('%s in three parallel partial uploads, concatenated by a tus server that can', async (_label, bytes, clean) => {
    const concatenating = await startConcatenatingTus();
    const viaProxy = await startTestProxy(concatenating.url);
    try {
      const result = await tusUpload(bytes(), { parallelUploads: 3 }, viaProxy.url);
      if (clean) {
        expect(result).toHaveProperty('url');
        expect(sha256(concatenating.uploads.get(new URL((result as { url: string }).url).pathname)!.bytes)).toBe(sha256(bytes()));
        expect([...concatenating.uploads.values()].filter((upload) => upload.partial)).toHaveLength(3);
      } else {
        expect(result).toEqual({ status: 422 });
        expect([...concatenating.uploads.values()].map((upload) => upload.bytes.byteLength)).toEqual([0, 0, 0]);
      }
    } finally {
      await viaProxy.close();
      await concatenating.close();
    }
  }, 60_000);

  function tusUpload(bytes: Buffer, options: { chunkSize?: number; uploadDataDuringCreation?: boolean; parallelUploads?: number }, base = tusProxy.url): Promise<{ url: string } | { status: number }> {
    return new Promise((resolve) => {
      const upload = new Upload(bytes, {
        endpoint: `${base}/files/`,
        metadata: { filename: 'bestand.xlsx', filetype: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' },
        retryDelays: [],
        ...options,
        onSuccess: () => resolve({ url: upload.url! }),
        onError: (error) => resolve({ status: (error as { originalResponse?: { getStatus(): number } }).originalResponse?.getStatus() ?? 0 }),
      });
      upload.start();
    });
  }

  /** The bytes @tus/server stored for every upload, by id. */
  async function stored(): Promise<Map<string, Buffer>> {
    const files = (await readdir(directory)).filter((file) => !file.endsWith('.json'));
    return new Map(await Promise.all(files.map(async (file) => [file, await readFile(join(directory, file))] as const)));
  }

  it.each([
    ['whole (the default chunk size: Infinity)', {}],
    ['whole, in the creation request', { uploadDataDuringCreation: true }],
    ['in chunks of 4 kB', { chunkSize: 4096 }],
    ['in chunks of 4 kB, the first in the creation request', { chunkSize: 4096, uploadDataDuringCreation: true }],
  ])('a harmless workbook %s arrives byte for byte', async (_label, options) => {
    const result = await tusUpload(harmless, options);
    expect(result).toHaveProperty('url');
    const id = (result as { url: string }).url.split('/').pop()!;
    expect(sha256((await stored()).get(id)!)).toBe(sha256(harmless));
  }, 60_000);

  it.each([
    ['whole (the default chunk size: Infinity)', {}],
    ['whole, in the creation request', { uploadDataDuringCreation: true }],
    ['in chunks of 4 kB', { chunkSize: 4096 }],
    ['in chunks of 4 kB, the first in the creation request', { chunkSize: 4096, uploadDataDuringCreation: true }],
  ])('an export %s is refused with 422 and @tus/server stores none of it', async (_label, options) => {
    const before = await stored();
    const result = await tusUpload(people, options);
    expect(result).toEqual({ status: 422 });
    for (const [id, bytes] of await stored()) if (!before.has(id)) expect(bytes.byteLength).toBe(0);
  }, 60_000);
});

/** A tus server with the concatenation extension, which @tus/server lacks: its uploads in memory. */
async function startConcatenatingTus(): Promise<{ url: string; uploads: Map<string, { length: number; bytes: Buffer; partial: boolean }>; close(): Promise<void> }> {
  const uploads = new Map<string, { length: number; bytes: Buffer; partial: boolean }>();
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req as AsyncIterable<Buffer>) chunks.push(chunk);
    const body = Buffer.concat(chunks);
    const path = new URL(req.url ?? '/', 'http://tus.invalid').pathname;
    const headers = { 'tus-resumable': '1.0.0', 'cache-control': 'no-store' };
    const concat = String(req.headers['upload-concat'] ?? '');
    if (req.method === 'POST') {
      const location = `/files/${uploads.size + 1}`;
      if (concat.startsWith('final;')) {
        const bytes = Buffer.concat(concat.slice(6).trim().split(' ').map((url) => uploads.get(new URL(url).pathname)!.bytes));
        uploads.set(location, { length: bytes.byteLength, bytes, partial: false });
      } else {
        uploads.set(location, { length: Number(req.headers['upload-length']), bytes: body, partial: concat === 'partial' });
      }
      res.writeHead(201, { ...headers, location: `http://${req.headers.host}${location}`, 'upload-offset': String(uploads.get(location)!.bytes.byteLength) }).end();
      return;
    }
    const upload = uploads.get(path);
    if (!upload) return void res.writeHead(404, headers).end();
    if (req.method === 'HEAD') {
      res.writeHead(200, { ...headers, 'upload-offset': String(upload.bytes.byteLength), 'upload-length': String(upload.length), ...(upload.partial ? { 'upload-concat': 'partial' } : {}) }).end();
    } else if (req.method === 'PATCH') {
      if (Number(req.headers['upload-offset']) !== upload.bytes.byteLength) return void res.writeHead(409, headers).end();
      upload.bytes = Buffer.concat([upload.bytes, body]);
      res.writeHead(204, { ...headers, 'upload-offset': String(upload.bytes.byteLength) }).end();
    } else {
      res.writeHead(405, headers).end();
    }
  });
  server.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    uploads,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
