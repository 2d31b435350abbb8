// Requests the proxy refuses without scanning: too large (413) and malformed multipart (400).
// Either way the upstream sees nothing and the proxy keeps serving.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from 'node:http';
import { DEFAULT_POLICY } from '../../shared/policy/defaults.js';
import { patternBytes, startUpstream, type Upstream } from './upstream.js';
import { startTestProxy, type TestProxy } from './start.js';

const LIMIT = 100_000;
const BUDGET = 150_000;
let upstream: Upstream;
let proxy: TestProxy;

beforeAll(async () => {
  upstream = await startUpstream();
  proxy = await startTestProxy(upstream.url, { uploads: { maxBufferedBytes: BUDGET } }, { policy: { ...DEFAULT_POLICY, limits: { ...DEFAULT_POLICY.limits, maxFileBytes: LIMIT } } });
});
afterAll(async () => {
  await proxy.close();
  await upstream.close();
});

/** Sends a body in pieces (chunked) and reports the status, even if the proxy hangs up mid-body. */
function sendChunked(path: string, pieces: Buffer[]): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(`${proxy.url}${path}`, { method: 'POST', headers: { 'content-type': 'text/csv' } }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    for (const piece of pieces) req.write(piece);
    req.end();
  });
}

describe('size limit', () => {
  it('refuses a body over the limit by its content-length with 413, before reading it', async () => {
    const seen = upstream.received.length;
    const response = await fetch(`${proxy.url}/api/attachments`, {
      method: 'POST',
      headers: { 'content-type': 'application/octet-stream' },
      body: patternBytes(LIMIT + 1),
    });
    expect(response.status).toBe(413);
    expect(((await response.json()) as { error: string }).error).toBe('too-large');
    expect(upstream.received.length).toBe(seen);
  });

  it('refuses a chunked body once it grows over the limit', async () => {
    const seen = upstream.received.length;
    const status = await sendChunked('/upload', [patternBytes(60_000), patternBytes(60_000, 9)]);
    expect(status).toBe(413);
    expect(upstream.received.length).toBe(seen);
  });

  it('tells a browser navigation in a page, in Dutch and English', async () => {
    const { status, contentType, text } = await new Promise<{ status: number; contentType: string; text: string }>((resolve, reject) => {
      const req = request(`${proxy.url}/upload`, { method: 'POST', headers: { 'content-type': 'text/csv', 'content-length': LIMIT + 1, 'sec-fetch-mode': 'navigate' } }, (res) => {
        let body = '';
        res.on('data', (chunk: Buffer) => (body += chunk.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, contentType: res.headers['content-type'] ?? '', text: body }));
      });
      req.on('error', reject).end(patternBytes(LIMIT + 1));
    });
    expect(status).toBe(413);
    expect(contentType).toContain('text/html');
    expect(text).toContain('groter dan de toegestane 97 kB');
    expect(text).toContain('larger than the allowed');
  });

  it('lets a body at the limit through', async () => {
    const response = await fetch(`${proxy.url}/upload`, { method: 'POST', headers: { 'content-type': 'application/octet-stream' }, body: patternBytes(LIMIT) });
    expect(response.status).toBe(200);
  });
});

describe('memory budget for bodies being checked', () => {
  it('answers 503 while other uploads hold the budget, and accepts again once they are done', async () => {
    // An upload that declares 90 kB and sends only part of it holds its reservation.
    let finishFirst = () => {};
    const first = new Promise<number>((resolve, reject) => {
      const req = request(`${proxy.url}/slow`, { method: 'POST', headers: { 'content-type': 'text/plain', 'content-length': 90_000 } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      req.write(Buffer.alloc(30_000, 'a'));
      finishFirst = () => req.end(Buffer.alloc(60_000, 'a'));
    });
    await new Promise((resolve) => setTimeout(resolve, 100));
    const second = await fetch(`${proxy.url}/other`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'b'.repeat(90_000) });
    expect(second.status).toBe(503);
    expect(second.headers.get('retry-after')).toBe('5');
    finishFirst();
    expect(await first).toBe(200);
    const third = await fetch(`${proxy.url}/other`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'c'.repeat(90_000) });
    expect(third.status).toBe(200);
    const metrics = await (await fetch(`${proxy.url}/metrics`)).text();
    expect(metrics).toMatch(/^export_guard_buffered_body_bytes 0$/m);
  });
});

describe('malformed multipart', () => {
  const malformed: Record<string, { contentType: string; body: string }> = {
    'no boundary parameter': { contentType: 'multipart/form-data', body: 'whatever' },
    'boundary never appears': { contentType: 'multipart/form-data; boundary=abc', body: 'no parts here' },
    'a part never closed (truncated body)': {
      contentType: 'multipart/form-data; boundary=abc',
      body: '--abc\r\nContent-Disposition: form-data; name="file"; filename="x.csv"\r\n\r\nBSN;Naam\r\n123456782;Jansen\r\n',
    },
    'a part without Content-Disposition': {
      contentType: 'multipart/form-data; boundary=abc',
      body: '--abc\r\nContent-Type: text/csv\r\n\r\nBSN\r\n--abc--\r\n',
    },
    'two boundaries in the content type': { contentType: 'multipart/form-data; boundary=abc; boundary=xyz', body: '--abc\r\n' },
    'a part header given twice': {
      contentType: 'multipart/form-data; boundary=abc',
      body: '--abc\r\nContent-Disposition: form-data; name="file"; filename="x.csv"\r\nContent-Disposition: form-data; name="note"\r\n\r\nBSN\r\n--abc--\r\n',
    },
    'a header line without a name': {
      contentType: 'multipart/form-data; boundary=abc',
      body: '--abc\r\nthis is not a header\r\n\r\nx\r\n--abc--\r\n',
    },
  };
  for (const [name, { contentType, body }] of Object.entries(malformed)) {
    it(`${name}: 400 with a reason, nothing forwarded`, async () => {
      const seen = upstream.received.length;
      const response = await fetch(`${proxy.url}/api/attachments`, { method: 'POST', headers: { 'content-type': contentType }, body });
      expect(response.status).toBe(400);
      const answer = (await response.json()) as { error: string; message: string };
      expect(answer.error).toBe('malformed-body');
      expect(answer.message.length).toBeGreaterThan(10);
      expect(upstream.received.length).toBe(seen);
    });
  }

  it('and the proxy keeps serving afterwards', async () => {
    const response = await fetch(`${proxy.url}/still-there`);
    expect(await response.text()).toBe('hello /still-there');
  });
});
