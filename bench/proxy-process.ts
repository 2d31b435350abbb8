// The pieces of a proxy benchmark: an upstream that answers at once, the proxy as its own process
// (`export-guard proxy`, as in production, so its memory is its own), and timed load against either.
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, request, type Agent, type Server } from 'node:http';
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { concurrently, type Timing } from './load.js';

export const CONCURRENCY = 16;

export async function startUpstream(): Promise<{ url: string; server: Server }> {
  const page = Buffer.alloc(2048, 'x');
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      if (req.method === 'GET') {
        res.writeHead(200, { 'content-type': 'text/html', 'content-length': page.byteLength });
        res.end(page);
      } else {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end('{"id":"a"}');
      }
    });
  });
  server.keepAliveTimeout = 60_000;
  server.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

/** Starts `export-guard proxy` from the checkout in `cwd` (this one by default). */
export async function startProxyProcess(target: string, cwd = process.cwd()): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'cli/main.ts', 'proxy', '--target', target, '--listen', '127.0.0.1:0'], { cwd, stdio: ['ignore', 'pipe', 'inherit'] });
  const url = await new Promise<string>((resolve, reject) => {
    let buffered = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      const started = buffered.split('\n').map((line) => (line.startsWith('{') ? (JSON.parse(line) as { event: string; url?: string }) : undefined)).find((entry) => entry?.event === 'proxy-started');
      if (started?.url) resolve(started.url);
    });
    child.once('exit', (code) => reject(new Error(`proxy exited with code ${code}`)));
  });
  child.stdout!.resume();
  return { url, child };
}

export async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

function get(url: string, agent: Agent): Promise<void> {
  return new Promise((resolve, reject) => {
    request(url, { agent }, (res) => res.resume().on('end', resolve)).on('error', reject).end();
  });
}

export function post(url: string, body: Uint8Array): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', headers: { 'content-type': 'application/octet-stream', 'content-length': body.byteLength } }, (res) => {
      res.resume().on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject).end(body);
  });
}

/** `total` GETs, CONCURRENCY at a time, each timed. */
export function load(url: string, total: number, agent: Agent): Promise<Timing> {
  return concurrently(CONCURRENCY, total, () => get(url, agent));
}

export /** Waits until the proxy reports scans running, so the measurement sees real scans. */
async function waitForScans(proxyUrl: string): Promise<void> {
  for (let i = 0; i < 200; i += 1) {
    const metrics = await (await fetch(`${proxyUrl}/metrics`)).text();
    const busy = Number(/^export_guard_scan_busy (\d+)/m.exec(metrics)?.[1] ?? 0);
    const queued = Number(/^export_guard_scan_queue (\d+)/m.exec(metrics)?.[1] ?? 0);
    if (busy > 0 && busy + queued >= 2) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error('the uploads never reached the scan workers');
}

export function memory(child: ChildProcess): { rssMb: number; peakMb: number } {
  const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
  const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+)`, 'm').exec(status)?.[1] ?? 0);
  return { rssMb: kb('VmRSS') / 1024, peakMb: kb('VmHWM') / 1024 };
}

/** Runs `measure` while `uploaders` clients keep uploading an export the proxy must scan and refuse. */
export async function whileScanning(proxyUrl: string, uploaders: number, leak: Uint8Array, measure: () => Promise<Timing>): Promise<{ timing: Timing; refused: number }> {
  let scanning = true;
  let refused = 0;
  const clients = Array.from({ length: uploaders }, async () => {
    while (scanning) {
      const status = await post(`${proxyUrl}/upload`, leak);
      if (status !== 422) throw new Error(`the export was answered ${status}, expected 422`);
      refused += 1;
    }
  });
  let timing: Timing;
  try {
    await waitForScans(proxyUrl);
    timing = await measure();
  } finally {
    scanning = false;
    await Promise.all(clients);
  }
  return { timing, refused };
}
