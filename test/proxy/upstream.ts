// A tiny upstream for proxy tests: records every request it receives (so a test can prove the
// upstream never saw a byte of a refused upload) and serves binary, chunked and streamed answers
// and a WebSocket echo.
import { createServer, type IncomingHttpHeaders } from 'node:http';
import { createHash } from 'node:crypto';
import type { AddressInfo, Socket } from 'node:net';
import { WebSocketServer } from 'ws';

export interface Received {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

export interface Upstream {
  url: string;
  received: Received[];
  /** The headers of each WebSocket handshake the upstream accepted. */
  handshakes: IncomingHttpHeaders[];
  /** TCP connections the upstream accepted: keep-alive means few. */
  connections: number;
  /** Bytes the upstream read off all its connections, complete requests or not. */
  bytesReceived: number;
  /** Lets the answer to GET /gate continue past its first chunk. */
  openGate(): void;
  close(): Promise<void>;
}

/** Deterministic pseudo-random bytes, so both ends can compute the expected content. */
export function patternBytes(size: number, seed = 7): Buffer<ArrayBuffer> {
  const bytes = Buffer.alloc(size);
  let state = seed;
  for (let i = 0; i < size; i += 1) {
    state = (state * 1103515245 + 12345) >>> 0;
    bytes[i] = state >>> 24;
  }
  return bytes;
}

export const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

export const LARGE_DOWNLOAD_CHUNKS = 200;
export const LARGE_DOWNLOAD_CHUNK = patternBytes(256 * 1024, 3);

export async function startUpstream(): Promise<Upstream> {
  const received: Received[] = [];
  let uploads = 0;
  const sockets = new Set<Socket>();
  const state = { connections: 0, closedBytes: 0 };
  let openGate = () => {};
  const gate = new Promise<void>((resolve) => (openGate = resolve));

  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req as AsyncIterable<Buffer>) chunks.push(chunk);
    const body = Buffer.concat(chunks);
    received.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
    const path = new URL(req.url ?? '/', 'http://upstream.invalid').pathname;

    if (path === '/binary') {
      const bytes = patternBytes(1_000_003);
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': bytes.byteLength, 'x-upstream': 'yes' });
      res.end(bytes);
    } else if (path === '/chunked') {
      res.writeHead(200, { 'content-type': 'text/plain' });
      for (let i = 0; i < 5; i += 1) {
        res.write(`part ${i}\n`);
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      res.end();
    } else if (path === '/gate') {
      // The rest only comes once the test has seen the first chunk: a buffering proxy would hang here.
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.write('first chunk;');
      await gate;
      res.end('the rest');
    } else if (path === '/large') {
      // Streamed with backpressure, never held in memory whole: 50 MB.
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      for (let i = 0; i < LARGE_DOWNLOAD_CHUNKS; i += 1) {
        if (!res.write(LARGE_DOWNLOAD_CHUNK)) await new Promise((resolve) => res.once('drain', resolve));
      }
      res.end();
    } else if (req.method === 'POST' || req.method === 'PUT' || req.method === 'PATCH') {
      uploads += 1;
      const answer = JSON.stringify({ id: `up-${uploads}`, size: body.byteLength, sha256: sha256(body) });
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(answer) });
      res.end(answer);
    } else {
      res.writeHead(200, { 'content-type': 'text/plain', 'x-echo-header': String(req.headers['x-custom'] ?? ''), 'x-echo-host': String(req.headers.host) });
      res.end(`hello ${path}`);
    }
  });
  server.on('connection', (socket) => {
    state.connections += 1;
    sockets.add(socket);
    socket.on('close', () => {
      sockets.delete(socket);
      state.closedBytes += socket.bytesRead;
    });
  });

  const wss = new WebSocketServer({ server, path: '/ws' });
  const handshakes: IncomingHttpHeaders[] = [];
  wss.on('connection', (socket, req) => {
    handshakes.push(req.headers);
    socket.on('message', (data, isBinary) => socket.send(data, { binary: isBinary }));
  });

  server.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    handshakes,
    get connections() {
      return state.connections;
    },
    get bytesReceived() {
      return [...sockets].reduce((sum, socket) => sum + socket.bytesRead, state.closedBytes);
    },
    openGate: () => openGate(),
    close: async () => {
      for (const client of wss.clients) client.terminate();
      wss.close();
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
