// The ICAP service's cost behind a real Squid, side by side in one run: an HTTPS upstream reached
// directly, through Squid decrypting it (ssl_bump, no ICAP), and through Squid with
// `export-guard icap` (its own process, as in production) at bypass=off. Passthrough GETs
// (req/s, p50, p99), the leak-4 export uploaded (Squid alone lets it through, with ICAP it is
// refused), and a clean upload of the same size.
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { Agent, ProxyAgent, request, type Dispatcher } from 'undici';
import { fixtureBytes } from '../test/helpers/fixtures.js';
import { createTestCa, startSquid, type RunningSquid } from '../test/helpers/squid.js';
import { patternBytes } from '../test/proxy/upstream.js';
import { concurrently, type Timing } from './load.js';
import { stopProcess } from './proxy-process.js';

const CONCURRENCY = 16;
const PASSTHROUGH_REQUESTS = 1_000;
const ROUNDS = 3;
const UPLOADS = 5;
const HOST = 'portal.test';

export async function run(): Promise<void> {
  const ca = await createTestCa();
  const upstream = await startHttpsUpstream(await ca.issue(HOST));
  const icap = await startIcapProcess();
  const squids: RunningSquid[] = [];
  const clients: Dispatcher[] = [];
  try {
    const hosts = { [HOST]: '127.0.0.1' };
    squids.push(await startSquid({ ca, hosts }), await startSquid({ ca, hosts, icapUrl: icap.url }));
    const [plain, withIcap] = squids as [RunningSquid, RunningSquid];
    const site = `https://${HOST}:${upstream.port}`;
    const sides = {
      direct: new Agent({ connect: { ca: ca.certPem, servername: HOST, lookup: (_host, _options, done) => done(null, [{ address: '127.0.0.1', family: 4 }]) } }),
      squid: new ProxyAgent({ uri: plain.url, requestTls: { ca: ca.certPem } }),
      icap: new ProxyAgent({ uri: withIcap.url, requestTls: { ca: ca.certPem } }),
    };
    clients.push(...Object.values(sides));
    type Side = keyof typeof sides;
    const names = Object.keys(sides) as Side[];

    const get = (side: Side) => send(sides[side], `${site}/page`, 'GET');
    for (const side of names) await concurrently(CONCURRENCY, 200, () => get(side)); // warm connections, TLS, JIT

    // The machine is shared: alternate the sides in rounds and report the median round.
    const rounds: Record<Side, Timing>[] = [];
    for (let round = 0; round < ROUNDS; round += 1) {
      const timings = {} as Record<Side, Timing>;
      for (const side of names) timings[side] = await concurrently(CONCURRENCY, PASSTHROUGH_REQUESTS, () => get(side));
      rounds.push(timings);
    }
    const median = (side: Side, key: keyof Timing) => rounds.map((r) => r[side][key]).sort((a, b) => a - b)[Math.floor(ROUNDS / 2)]!;

    const leak = Buffer.from(await fixtureBytes('leak-4.xlsx'));
    const clean = patternBytes(leak.byteLength, 11);
    const uploads = {} as Record<Side, { leak: Upload; clean: Upload }>;
    for (const side of names) {
      uploads[side] = { leak: await timeUploads(sides[side], `${site}/upload`, leak), clean: await timeUploads(sides[side], `${site}/upload`, clean) };
    }

    const row = (name: string, values: string[]) => console.log(`${name.padEnd(52)}${values.map((v) => v.padStart(15)).join('')}`);
    const ms = (value: number) => `${value.toFixed(2)} ms`;
    row('', ['direct', 'Squid (bump)', 'Squid + ICAP', 'ICAP/Squid']);
    row(`passthrough GET, ${PASSTHROUGH_REQUESTS} req, ${CONCURRENCY} at once: req/s`, [...names.map((s) => median(s, 'rps').toFixed(0)), (median('icap', 'rps') / median('squid', 'rps')).toFixed(2)]);
    row('  p50', [...names.map((s) => ms(median(s, 'p50'))), (median('icap', 'p50') / median('squid', 'p50')).toFixed(2)]);
    row('  p99', [...names.map((s) => ms(median(s, 'p99'))), (median('icap', 'p99') / median('squid', 'p99')).toFixed(2)]);
    const mb = (leak.byteLength / 1e6).toFixed(1);
    row(`upload leak-4.xlsx (${mb} MB, 11,062 rows), median of ${UPLOADS}`, [...names.map((s) => ms(uploads[s].leak.ms)), (uploads.icap.leak.ms / uploads.squid.leak.ms).toFixed(1)]);
    row('  answered', names.map((s) => uploads[s].leak.statuses));
    row(`upload of a clean ${mb} MB file, median of ${UPLOADS}`, [...names.map((s) => ms(uploads[s].clean.ms)), (uploads.icap.clean.ms / uploads.squid.clean.ms).toFixed(1)]);
    row('  answered', names.map((s) => uploads[s].clean.statuses));
    console.log(`  (passthrough: median of ${ROUNDS} alternating rounds; Squid 5 and the ICAP service on this machine, over loopback)`);
  } finally {
    for (const client of clients) await client.close();
    for (const squid of squids) await squid.close();
    await stopProcess(icap.child);
    await new Promise((resolve) => upstream.server.close(resolve));
    await ca.close();
  }
}

interface Upload {
  ms: number;
  statuses: string;
}

async function timeUploads(dispatcher: Dispatcher, url: string, body: Buffer): Promise<Upload> {
  const durations: number[] = [];
  const statuses = new Set<number>();
  for (let i = 0; i < UPLOADS; i += 1) {
    const started = performance.now();
    statuses.add(await send(dispatcher, url, 'POST', body));
    durations.push(performance.now() - started);
  }
  return { ms: durations.sort((a, b) => a - b)[Math.floor(UPLOADS / 2)]!, statuses: [...statuses].join(',') };
}

async function send(dispatcher: Dispatcher, url: string, method: 'GET' | 'POST', body?: Buffer): Promise<number> {
  const response = await request(url, { dispatcher, method, body, headers: body ? { 'content-type': 'application/octet-stream' } : {} });
  await response.body.dump();
  return response.statusCode;
}

/** The portal's stand-in: a small page for GETs, any upload read to its end and answered 200. */
async function startHttpsUpstream(tls: { key: string; cert: string }): Promise<{ port: number; server: Server }> {
  const page = Buffer.alloc(2048, 'x');
  const server = createServer(tls, (req, res) => {
    req.resume();
    req.on('end', () => {
      if (req.method === 'GET') res.writeHead(200, { 'content-type': 'text/html', 'content-length': page.byteLength }).end(page);
      else res.writeHead(200, { 'content-type': 'application/json' }).end('{"id":"a"}');
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { port: (server.address() as AddressInfo).port, server };
}

/** `export-guard icap` from this checkout, as its own process. */
async function startIcapProcess(): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'cli/main.ts', 'icap', '--listen', '127.0.0.1:0'], { stdio: ['ignore', 'pipe', 'inherit'] });
  const url = await new Promise<string>((resolve, reject) => {
    let buffered = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      const started = buffered.split('\n').map((line) => (line.startsWith('{') ? (JSON.parse(line) as { event: string; url?: string }) : undefined)).find((entry) => entry?.event === 'icap-started');
      if (started?.url) resolve(started.url);
    });
    child.once('exit', (code) => reject(new Error(`export-guard icap exited with code ${code}`)));
  });
  child.stdout!.resume();
  return { url, child };
}
