// Everything that is not an upload passes through byte for byte and is not buffered.
import { describe, expect, it } from 'vitest';
import { Agent, request } from 'node:http';
import { createHash } from 'node:crypto';
import WebSocket from 'ws';
import { LARGE_DOWNLOAD_CHUNK, LARGE_DOWNLOAD_CHUNKS, patternBytes, sha256 } from './upstream.js';
import { proxyBeforeAll, startTestProxy } from './start.js';


const stack = proxyBeforeAll();

describe('passthrough', () => {
  it('returns a binary response byte for byte, with its headers', async () => {
    const response = await fetch(`${stack.proxy.url}/binary`);
    expect(response.status).toBe(200);
    expect(response.headers.get('x-upstream')).toBe('yes');
    expect(response.headers.get('content-length')).toBe('1000003');
    expect(sha256(new Uint8Array(await response.arrayBuffer()))).toBe(sha256(patternBytes(1_000_003)));
  });

  it('passes request headers and query strings on unchanged', async () => {
    const response = await fetch(`${stack.proxy.url}/echo?q=a%20b&x=1`, { headers: { 'x-custom': 'kept' } });
    expect(response.headers.get('x-echo-header')).toBe('kept');
    expect(stack.upstream.received.at(-1)?.url).toBe('/echo?q=a%20b&x=1');
  });

  it('keeps the Host the browser used, or sends the portal\'s own with changeOrigin', async () => {
    expect((await fetch(`${stack.proxy.url}/host`)).headers.get('x-echo-host')).toBe(new URL(stack.proxy.url).host);
    const renaming = await startTestProxy(stack.upstream.url, { changeOrigin: true });
    try {
      expect((await fetch(`${renaming.url}/host`)).headers.get('x-echo-host')).toBe(new URL(stack.upstream.url).host);
    } finally {
      await renaming.close();
    }
  });

  it('streams a chunked response as chunked', async () => {
    const response = await fetch(`${stack.proxy.url}/chunked`);
    expect(response.headers.get('transfer-encoding')).toBe('chunked');
    expect(await response.text()).toBe('part 0\npart 1\npart 2\npart 3\npart 4\n');
  });

  it('streams a response: the client reads the first chunk before the upstream sends the rest', async () => {
    const response = await fetch(`${stack.proxy.url}/gate`);
    const reader = response.body!.getReader();
    const first = await reader.read();
    expect(Buffer.from(first.value!).toString()).toBe('first chunk;');
    stack.upstream.openGate();
    let rest = '';
    for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) rest += Buffer.from(chunk.value).toString();
    expect(rest).toBe('the rest');
  });

  it('passes a 50 MB streamed download through intact', async () => {
    const expected = createHash('sha256');
    for (let i = 0; i < LARGE_DOWNLOAD_CHUNKS; i += 1) expected.update(LARGE_DOWNLOAD_CHUNK);
    const response = await fetch(`${stack.proxy.url}/large`);
    const actual = createHash('sha256');
    let size = 0;
    for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
      actual.update(chunk);
      size += chunk.byteLength;
    }
    expect(size).toBe(LARGE_DOWNLOAD_CHUNKS * LARGE_DOWNLOAD_CHUNK.byteLength);
    expect(actual.digest('hex')).toBe(expected.digest('hex'));
  });

  it('keeps connections alive on both sides', async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const before = stack.upstream.connections;
    const clientSockets = new Set<unknown>();
    for (let i = 0; i < 20; i += 1) {
      await new Promise<void>((resolve, reject) => {
        const req = request(`${stack.proxy.url}/ping-${i}`, { agent }, (res) => {
          clientSockets.add(res.socket);
          res.resume().on('end', resolve);
        });
        req.on('error', reject).end();
      });
    }
    agent.destroy();
    expect(clientSockets.size).toBe(1);
    expect(stack.upstream.connections - before).toBeLessThanOrEqual(1);
  });

  it('passes a WebSocket through in both directions', async () => {
    const socket = new WebSocket(`${stack.proxy.url.replace('http', 'ws')}/ws`);
    await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
    const binary = patternBytes(70_000);
    const replies: Buffer[] = [];
    const done = new Promise<void>((resolve) =>
      socket.on('message', (data: Buffer) => {
        replies.push(data);
        if (replies.length === 2) resolve();
      }),
    );
    socket.send('hallo');
    socket.send(binary);
    await done;
    socket.close();
    expect(replies[0]?.toString()).toBe('hallo');
    expect(sha256(replies[1]!)).toBe(sha256(binary));
  });

  it('serves /healthz and /metrics itself', async () => {
    const health = await fetch(`${stack.proxy.url}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: 'ok', scanWorkers: 2 });
    const metrics = await (await fetch(`${stack.proxy.url}/metrics`)).text();
    expect(metrics).toMatch(/export_guard_requests_total\{outcome="forwarded",status="200"\} \d+/);
    expect(metrics).toContain('# TYPE export_guard_scan_seconds histogram');
    expect(stack.upstream.received.some((r) => r.url === '/healthz' || r.url === '/metrics')).toBe(false);
  });

  it('keeps the approval API prefix for itself: nothing under it reaches the upstream', async () => {
    const response = await fetch(`${stack.proxy.url}/__export-guard/api/me`);
    expect(response.headers.get('content-type')).toContain('application/json');
    expect(((await response.json()) as { error: string }).error).toBeTruthy();
    expect(stack.upstream.received.some((r) => r.url.startsWith('/__export-guard'))).toBe(false);
  });
});
