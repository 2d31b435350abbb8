// Every upload shape is scanned before any byte reaches the upstream: exports are refused,
// harmless files arrive exactly as sent.
import { describe, expect, it } from 'vitest';
import { request, type IncomingHttpHeaders } from 'node:http';
import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib';
import { fixtureBytes, type FixtureName } from '../helpers/fixtures.js';
import type { UploadBlockedError } from '../../shared/api.js';
import type { UploadEvent } from '../../proxy/events.js';
import { sha256 } from './upstream.js';
import { proxyBeforeAll } from './start.js';

const blockedEvents: UploadEvent[] = [];
const stack = proxyBeforeAll((proxy) => proxy.events.on('upload-blocked', (event) => blockedEvents.push(event)));

/** A request body in one of the shapes portals upload files in, as the bytes a client sends. */
type Shape = (name: string, bytes: Uint8Array) => Promise<{ body: Uint8Array; contentType: string }>;

const base64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');
const SHAPES: Record<string, Shape> = {
  multipart: async (name, bytes) => {
    const form = new FormData();
    form.append('subject', 'Uitnodiging');
    form.append('file', new Blob([new Uint8Array(bytes)]), name);
    const request = new Request('http://x.invalid/', { method: 'POST', body: form });
    return { body: new Uint8Array(await request.arrayBuffer()), contentType: request.headers.get('content-type')! };
  },
  'raw body': async (_name, bytes) => ({ body: bytes, contentType: 'application/octet-stream' }),
  'base64 in JSON': async (name, bytes) => ({
    body: Buffer.from(JSON.stringify({ attachments: [{ fileName: name, content: base64(bytes) }] })),
    contentType: 'application/json',
  }),
  'data URL in JSON': async (name, bytes) => ({
    body: Buffer.from(JSON.stringify({ name, file: `data:application/vnd.ms-excel;base64,${base64(bytes)}` })),
    contentType: 'application/json; charset=utf-8',
  }),
  'multipart field without file name or type': async (name, bytes) => ({
    body: Buffer.concat([Buffer.from('--b2\r\nContent-Disposition: form-data; name="upload"\r\n\r\n'), bytes, Buffer.from('\r\n--b2--\r\n')]),
    contentType: 'multipart/form-data; boundary=b2',
  }),
  'binary part of multipart/mixed': async (_name, bytes) => ({
    body: Buffer.concat([Buffer.from('--b1\r\nContent-Type: application/octet-stream\r\nContent-Transfer-Encoding: binary\r\n\r\n'), bytes, Buffer.from('\r\n--b1--\r\n')]),
    contentType: 'multipart/mixed; boundary=b1',
  }),
  'base64 inside XML': async (name, bytes) => ({
    body: Buffer.from(`<?xml version="1.0"?><upload><name>${name}</name><content>${base64(bytes)}</content></upload>`),
    contentType: 'application/xml',
  }),
  'base64 in a form': async (name, bytes) => ({
    body: Buffer.from(new URLSearchParams({ name, upload: base64(bytes) }).toString()),
    contentType: 'application/x-www-form-urlencoded',
  }),
};

async function upload(shape: Shape, name: string, bytes: Uint8Array) {
  const { body, contentType } = await shape(name, bytes);
  const response = await fetch(`${stack.proxy.url}/api/attachments`, { method: 'POST', headers: { 'content-type': contentType }, body: new Uint8Array(body) });
  return { response, sent: body };
}

describe('exports are refused in every upload shape, and the upstream sees none of it', () => {
  const exports: FixtureName[] = ['leak-1.xlsx', 'leak-3-bsn-only.csv', 'leak-9-surname-rowid.xlsx', 'export-renamed.pdf', 'export-in-zip.zip'];
  for (const [shapeName, shape] of Object.entries(SHAPES)) {
    for (const fixture of exports) {
      it(`${fixture} as ${shapeName}`, async () => {
        const seen = stack.upstream.received.length;
        const bytesSeen = stack.upstream.bytesReceived;
        const { response } = await upload(shape, fixture, await fixtureBytes(fixture));
        expect(response.status).toBe(422);
        const answer = (await response.json()) as UploadBlockedError;
        expect(answer.error).toBe('upload-blocked');
        expect(answer.files).toHaveLength(1);
        expect(answer.files[0]?.reasons.length).toBeGreaterThan(0);
        expect(answer.nl).toBeTruthy();
        expect(stack.upstream.received.length).toBe(seen);
        expect(stack.upstream.bytesReceived).toBe(bytesSeen);
      });
    }
  }
});

describe('compressed request bodies (Content-Encoding) are decoded before the files are looked for', () => {
  const compress = { gzip: gzipSync, br: brotliCompressSync, deflate: deflateSync };
  for (const [coding, encode] of Object.entries(compress)) {
    it(`an export as base64 in ${coding}-encoded JSON is refused`, async () => {
      const seen = stack.upstream.received.length;
      const { body, contentType } = await SHAPES['base64 in JSON']!('leak-1.xlsx', await fixtureBytes('leak-1.xlsx'));
      const response = await fetch(`${stack.proxy.url}/api/attachments`, { method: 'POST', headers: { 'content-type': contentType, 'content-encoding': coding }, body: new Uint8Array(encode(body)) });
      expect(response.status).toBe(422);
      expect(stack.upstream.received.length).toBe(seen);
    });
  }

  it('a harmless compressed multipart upload is forwarded still compressed, byte for byte', async () => {
    const { body, contentType } = await SHAPES.multipart!('vacancies.xlsx', await fixtureBytes('vacancies.xlsx'));
    const compressed = gzipSync(body);
    const response = await fetch(`${stack.proxy.url}/api/attachments`, { method: 'POST', headers: { 'content-type': contentType, 'content-encoding': 'gzip' }, body: new Uint8Array(compressed) });
    expect(response.status).toBe(200);
    expect(sha256(stack.upstream.received.at(-1)!.body)).toBe(sha256(compressed));
  });

  it('an encoding the proxy cannot undo is refused with 400', async () => {
    const seen = stack.upstream.received.length;
    const response = await fetch(`${stack.proxy.url}/api/attachments`, { method: 'POST', headers: { 'content-type': 'application/json', 'content-encoding': 'zstd' }, body: '{}' });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { message: string }).message).toContain("unsupported content-encoding 'zstd'");
    expect(stack.upstream.received.length).toBe(seen);
  });
});

describe('bodies that two parsers could read differently', () => {
  it('an export hidden behind a repeated JSON key is refused', async () => {
    const seen = stack.upstream.received.length;
    const harmless = base64(await fixtureBytes('letter.pdf'));
    const leak = base64(await fixtureBytes('leak-1.xlsx'));
    const body = `{"name":"brief.pdf","content":"${leak}","content":"${harmless}"}`;
    const response = await fetch(`${stack.proxy.url}/api/attachments`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    expect(response.status).toBe(422);
    expect(stack.upstream.received.length).toBe(seen);
  });
});

describe('rows of an export pasted into a message body are refused like the file', () => {
  it('a tab-separated paste from a spreadsheet in a JSON send', async () => {
    const csv = Buffer.from(await fixtureBytes('leak-7.csv')).toString('utf8');
    const pasted = csv.split(/\r?\n/).slice(0, 30).map((line) => line.split(';').join('\t')).join('\n');
    const seen = stack.upstream.received.length;
    const response = await fetch(`${stack.proxy.url}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ recipientIds: ['js-00001'], subject: 'Lijst', body: `Zie hieronder:\n${pasted}`, attachmentIds: [] }),
    });
    expect(response.status).toBe(422);
    expect(((await response.json()) as UploadBlockedError).files[0]?.name).toBe('$.body');
    expect(stack.upstream.received.length).toBe(seen);
  });
});

describe('files that cannot be read are refused (fail closed)', () => {
  for (const fixture of ['truncated.xlsx', 'encrypted.xlsx', 'zip-bomb.zip'] as FixtureName[]) {
    it(fixture, async () => {
      const seen = stack.upstream.received.length;
      const { response } = await upload(SHAPES.multipart!, fixture, await fixtureBytes(fixture));
      expect(response.status).toBe(422);
      expect(stack.upstream.received.length).toBe(seen);
    });
  }
});

describe('harmless files arrive at the upstream byte for byte', () => {
  const harmless: FixtureName[] = ['vacancies.xlsx', 'schedule.csv', 'letter.pdf', 'photo.png'];
  for (const [shapeName, shape] of Object.entries(SHAPES)) {
    for (const fixture of harmless) {
      it(`${fixture} as ${shapeName}`, async () => {
        const bytesSeen = stack.upstream.bytesReceived;
        const { response, sent } = await upload(shape, fixture, await fixtureBytes(fixture));
        expect(response.status).toBe(200);
        expect(stack.upstream.bytesReceived - bytesSeen).toBeGreaterThan(sent.byteLength);
        const answer = (await response.json()) as { sha256: string };
        expect(answer.sha256).toBe(sha256(sent));
        expect(sha256(stack.upstream.received.at(-1)!.body)).toBe(sha256(sent));
      });
    }
  }

  it('a chunked upload too', async () => {
    const bytes = await fixtureBytes('vacancies.xlsx');
    const response = await fetch(`${stack.proxy.url}/upload-chunked`, {
      method: 'PUT',
      headers: { 'content-type': 'application/octet-stream' },
      body: new Blob([new Uint8Array(bytes)]).stream(),
      duplex: 'half',
    } as RequestInit);
    expect(response.status).toBe(200);
    expect(sha256(stack.upstream.received.at(-1)!.body)).toBe(sha256(bytes));
  });

  it('and a message whose multi-line body is ordinary prose', async () => {
    const body = JSON.stringify({
      recipientIds: ['js-00001'],
      subject: 'Banenmarkt',
      body: 'Beste werkzoekende,\n\nOp donderdag 3 oktober is er een banenmarkt in Utrecht.\nProgramma:\n10.00 opening\n11.00 workshop solliciteren\n\nMet vriendelijke groet,\nAnna de Vries',
      attachmentIds: [],
    });
    const response = await fetch(`${stack.proxy.url}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    expect(response.status).toBe(200);
    expect(stack.upstream.received.at(-1)!.body.toString()).toBe(body);
  });

  it('and a message without files passes untouched', async () => {
    const body = JSON.stringify({ recipientIds: ['js-00001'], subject: 'Workshop', body: 'Tot dan!', attachmentIds: [] });
    const response = await fetch(`${stack.proxy.url}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    expect(response.status).toBe(200);
    expect(stack.upstream.received.at(-1)!.body.toString()).toBe(body);
  });
});

describe('what the proxy tells and keeps', () => {
  it('shows a browser navigation (a plain form post) a readable page in Dutch and English', async () => {
    // fetch() always sends its own sec-fetch-mode, so this request is made the way a browser makes it.
    const { body, contentType } = await SHAPES.multipart!('leak-7.csv', await fixtureBytes('leak-7.csv'));
    const { status, headers, html } = await new Promise<{ status: number; headers: IncomingHttpHeaders; html: string }>((resolve, reject) => {
      const req = request(`${stack.proxy.url}/api/attachments`, { method: 'POST', headers: { 'content-type': contentType, 'sec-fetch-mode': 'navigate', accept: 'text/html,*/*;q=0.8' } }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, html: Buffer.concat(chunks).toString() }));
      });
      req.on('error', reject).end(body);
    });
    expect(status).toBe(422);
    expect(headers['content-type']).toContain('text/html');
    expect(html).toContain('Deze upload is tegengehouden');
    expect(html).toContain('This upload was stopped');
    expect(html).toContain('leak-7.csv');
  });

  it('emits upload-blocked with hash, reason codes and column headers, never the values', async () => {
    const bytes = await fixtureBytes('leak-3-bsn-only.csv');
    const count = blockedEvents.length;
    await upload(SHAPES['raw body']!, 'leak-3.csv', bytes);
    const event = blockedEvents.at(-1)!;
    expect(blockedEvents.length).toBe(count + 1);
    expect(event).toMatchObject({ fileName: 'attachments', location: 'body', size: bytes.byteLength, sha256: sha256(bytes), path: '/api/attachments' });
    expect(event.reasonCodes.length).toBeGreaterThan(0);
    const bsns = Buffer.from(bytes).toString('utf8').split(/\r?\n/).filter((line) => /^\d{9}$/.test(line.trim()));
    expect(bsns.length).toBeGreaterThan(100);
    const evidence = JSON.stringify(blockedEvents) + stack.proxy.logLines.join('');
    for (const bsn of bsns) expect(evidence).not.toContain(bsn.trim());
  });

  it('records the attachment id the upstream gave a forwarded upload', async () => {
    const bytes = await fixtureBytes('letter.pdf');
    const { response } = await upload(SHAPES.multipart!, 'brief.pdf', bytes);
    const { id } = (await response.json()) as { id: string };
    await new Promise((resolve) => setTimeout(resolve, 20));
    const entry = await stack.proxy.ledger.get(id);
    expect(entry).toMatchObject({ id, name: 'brief.pdf', verdict: 'allow', sha256: sha256(bytes), size: bytes.byteLength });
    expect(sha256(entry!.bytes)).toBe(sha256(bytes));
  });

  it('counts blocks by reason in /metrics', async () => {
    const metrics = await (await fetch(`${stack.proxy.url}/metrics`)).text();
    expect(metrics).toMatch(/export_guard_upload_blocks_total\{reason="[^"]+"\} [1-9]/);
    expect(metrics).toMatch(/export_guard_requests_total\{outcome="refused",status="422"\} [1-9]/);
    expect(metrics).toMatch(/export_guard_scan_seconds_count\{kind="xlsx"\} [1-9]/);
  });
});
