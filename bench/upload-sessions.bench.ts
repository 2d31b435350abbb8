// `npm run bench upload-sessions`: what chunked uploads cost the proxy (issue 12). A 50 MB
// harmless file sent whole and in 1 MB Content-Range chunks, each to a fresh proxy process, side
// by side: its peak memory (VmHWM, scan workers included) over the file's size; and 20 concurrent
// 10 MB uploads in 1 MB chunks, with the most request-body bytes held at once (the body budget,
// uploads.maxBufferedBytes) and held by the sessions (memory and disk).
import { request } from 'node:http';
import { memory, startProxyProcess, startUpstream, stopProcess } from './proxy-process.js';

const MB = 1024 * 1024;
const FILE_BYTES = 50 * MB;
const CHUNK_BYTES = MB;
const CONCURRENT_SESSIONS = 20;
const CONCURRENT_FILE_BYTES = 10 * MB;
/** The proxy's default uploads.maxBufferedBytes. */
const BODY_BUDGET = 1024 * MB;

function put(url: string, body: Uint8Array, headers: Record<string, string> = {}): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'PUT', headers: { 'content-type': 'application/octet-stream', 'content-length': body.byteLength, ...headers } }, (res) => {
      res.resume().on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject).end(body);
  });
}

/** Sends a file in Content-Range chunks, one after the other; the status of each. */
async function putInChunks(url: string, file: Buffer): Promise<number[]> {
  const statuses: number[] = [];
  for (let start = 0; start < file.byteLength; start += CHUNK_BYTES) {
    const end = Math.min(file.byteLength, start + CHUNK_BYTES);
    statuses.push(await put(url, file.subarray(start, end), { 'content-range': `bytes ${start}-${end - 1}/${file.byteLength}`, 'content-disposition': 'attachment; filename="meterstanden.txt"' }));
  }
  return statuses;
}

/** The highest values of the proxy's body and session gauges while `action` runs. */
async function watchGauges<T>(proxyUrl: string, action: () => Promise<T>): Promise<{ result: T; buffered: number; sessions: number }> {
  let watching = true;
  const most = { buffered: 0, sessions: 0 };
  const watcher = (async () => {
    while (watching) {
      const metrics = await (await fetch(`${proxyUrl}/metrics`)).text();
      const gauge = (name: string) => Number(new RegExp(`^${name} (\\d+)`, 'm').exec(metrics)?.[1] ?? 0);
      most.buffered = Math.max(most.buffered, gauge('export_guard_buffered_body_bytes'));
      most.sessions = Math.max(most.sessions, gauge('export_guard_upload_session_bytes'));
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  })();
  try {
    return { result: await action(), ...most };
  } finally {
    watching = false;
    await watcher;
  }
}

/** Runs `action` against a fresh proxy process: its memory before and at its peak. */
async function onFreshProxy<T>(target: string, action: (url: string) => Promise<T>): Promise<{ result: T; rssBefore: number; peak: number }> {
  const proxy = await startProxyProcess(target);
  try {
    const rssBefore = memory(proxy.child).rssMb;
    const result = await action(proxy.url);
    return { result, rssBefore, peak: memory(proxy.child).peakMb };
  } finally {
    await stopProcess(proxy.child);
  }
}

export async function run(): Promise<void> {
  const upstream = await startUpstream();
  try {
    const file = Buffer.alloc(FILE_BYTES, 'Meterstand 1234 kWh, zonder persoonsgegevens.\n');
    const whole = await onFreshProxy(upstream.url, (url) => put(`${url}/upload`, file));
    const chunked = await onFreshProxy(upstream.url, (url) => watchGauges(url, () => putInChunks(`${url}/upload`, file)));
    const small = Buffer.alloc(CONCURRENT_FILE_BYTES, 'Meterstand 1234 kWh, zonder persoonsgegevens.\n');
    const concurrent = await onFreshProxy(upstream.url, (url) =>
      watchGauges(url, () => Promise.all(Array.from({ length: CONCURRENT_SESSIONS }, (_, i) => putInChunks(`${url}/upload/${i}`, small)))),
    );

    const fileMb = FILE_BYTES / MB;
    const row = (name: string, ...cells: string[]) => console.log(`${name.padEnd(44)}${cells.map((cell) => cell.padStart(14)).join('')}`);
    row('', 'rss before', 'peak (VmHWM)', 'peak - before', '/ file size');
    const line = (name: string, run: { rssBefore: number; peak: number }) =>
      row(name, `${run.rssBefore.toFixed(0)} MB`, `${run.peak.toFixed(0)} MB`, `${(run.peak - run.rssBefore).toFixed(0)} MB`, ((run.peak - run.rssBefore) / fileMb).toFixed(2));
    line(`${fileMb} MB whole (status ${whole.result})`, whole);
    line(`${fileMb} MB in ${CHUNK_BYTES / MB} MB chunks (${new Set(chunked.result.result).size === 1 ? 'all ' : ''}${[...new Set(chunked.result.result)].join(',')})`, chunked);
    console.log(`  chunked: the most request bodies held at once ${(chunked.result.buffered / MB).toFixed(1)} MB, held by the session ${(chunked.result.sessions / MB).toFixed(1)} MB (memory and disk)`);
    const statuses = [...new Set(concurrent.result.result.flat())].join(',');
    console.log('');
    console.log(`${CONCURRENT_SESSIONS} concurrent ${CONCURRENT_FILE_BYTES / MB} MB uploads in ${CHUNK_BYTES / MB} MB chunks: statuses ${statuses}; proxy rss before ${concurrent.rssBefore.toFixed(0)} MB, peak ${concurrent.peak.toFixed(0)} MB`);
    console.log(`  the most request bodies held at once ${(concurrent.result.buffered / MB).toFixed(1)} MB of the ${BODY_BUDGET / MB} MB body budget; held by the sessions ${(concurrent.result.sessions / MB).toFixed(1)} MB (memory and disk)`);
  } finally {
    await new Promise((resolve) => upstream.server.close(resolve));
  }
}
