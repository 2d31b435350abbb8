// Graceful shutdown lets in-flight requests finish (up to the deadline) and refuses new ones;
// the listener can speak TLS.
import { afterEach, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'node:https';
import { startUpstream, type Upstream } from './upstream.js';
import { startTestProxy, type TestProxy } from './start.js';
import { run as runProxyCommand } from '../../cli/commands/proxy.js';

let upstream: Upstream | undefined;
let proxy: TestProxy | undefined;
afterEach(async () => {
  await proxy?.close();
  await upstream?.close();
});

async function readFirstChunk(url: string): Promise<{ rest: Promise<string> }> {
  const response = await fetch(url);
  const reader = response.body!.getReader();
  await reader.read();
  const rest = (async () => {
    let text = '';
    for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) text += Buffer.from(chunk.value).toString();
    return text;
  })();
  return { rest };
}

describe('graceful shutdown', () => {
  it('finishes a request in flight, refuses new connections, then stops', async () => {
    upstream = await startUpstream();
    proxy = await startTestProxy(upstream.url, { shutdownGraceMs: 10_000 });
    const inFlight = await readFirstChunk(`${proxy.url}/gate`);
    const closing = proxy.close();
    await expect(fetch(`${proxy.url}/new`, { headers: { connection: 'close' } })).rejects.toThrow();
    upstream.openGate();
    expect(await inFlight.rest).toBe('the rest');
    await closing;
  });

  it('cuts off what is still running at the deadline', async () => {
    upstream = await startUpstream();
    proxy = await startTestProxy(upstream.url, { shutdownGraceMs: 200 });
    const inFlight = await readFirstChunk(`${proxy.url}/gate`);
    const outcome = inFlight.rest.then(() => 'finished', () => 'cut off');
    const started = Date.now();
    await proxy.close();
    expect(Date.now() - started).toBeGreaterThanOrEqual(150);
    expect(await outcome).toBe('cut off');
  });
});

describe('start', () => {
  it('fails with the listener\'s error when the port is taken', async () => {
    upstream = await startUpstream();
    proxy = await startTestProxy(upstream.url);
    const port = new URL(proxy.url).port;
    await expect(startTestProxy(upstream.url, { listen: `127.0.0.1:${port}` })).rejects.toThrow(/EADDRINUSE/);
  });

  it('the command exits with status 2 and names the problem for a bad config', async () => {
    const errors: string[] = [];
    const original = console.error;
    console.error = (line: string) => errors.push(line);
    try {
      expect(await runProxyCommand(['--target', 'ftp://portal'])).toBe(2);
      expect(await runProxyCommand(['--listne', '1'])).toBe(2);
    } finally {
      console.error = original;
    }
    expect(errors[0]).toContain('config.target: must be http or https');
    expect(errors[1]).toMatch(/unknown option '--listne'/i);
  });
});

describe('portal down', () => {
  it('answers 502 with a reason and counts it as failed', async () => {
    upstream = await startUpstream();
    const target = upstream.url;
    await upstream.close();
    upstream = undefined;
    proxy = await startTestProxy(target);
    const response = await fetch(`${proxy.url}/page`);
    expect(response.status).toBe(502);
    expect(((await response.json()) as { error: string }).error).toBe('bad-gateway');
    expect(await (await fetch(`${proxy.url}/metrics`)).text()).toContain('export_guard_requests_total{outcome="failed",status="502"} 1');
  });
});

describe('TLS', () => {
  it('serves HTTPS with the configured certificate', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'eg-tls-'));
    const [cert, key] = [join(dir, 'cert.pem'), join(dir, 'key.pem')];
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=localhost', '-addext', 'subjectAltName=IP:127.0.0.1'], { stdio: 'ignore' });
    upstream = await startUpstream();
    proxy = await startTestProxy(upstream.url, { tls: { cert, key } });
    expect(proxy.url).toMatch(/^https:/);
    const ca = await readFile(cert);
    const body = await new Promise<string>((resolve, reject) => {
      request(`${proxy!.url}/over-tls`, { ca }, (res) => {
        let text = '';
        res.on('data', (chunk: Buffer) => (text += chunk.toString()));
        res.on('end', () => resolve(text));
      }).on('error', reject).end();
    });
    expect(body).toBe('hello /over-tls');
  });
});
