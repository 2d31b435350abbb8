// CONNECT, as browsers send it for every HTTPS site when told to use the proxy. For a protected
// host the proxy answers the TLS handshake itself with a leaf certificate from the office CA
// (proxy/forward/mint.ts) and hands the decrypted connection to its HTTP server, whose requests
// then go through the pipeline like any other. For every other host it only joins the two
// sockets and copies bytes: it never decrypts, reads or keeps what passes.
import { connect as netConnect, type LookupFunction, type Socket } from 'node:net';
import { TLSSocket } from 'node:tls';
import type { IncomingMessage } from 'node:http';
import type { Logger } from '../log.js';
import { hostKey } from './config.js';
import type { LeafMint } from './mint.js';

/** A browser that opened a CONNECT and then does nothing holds a socket; so does a host that never answers. */
const HANDSHAKE_TIMEOUT_MS = 30_000;
const ESTABLISHED = 'HTTP/1.1 200 Connection Established\r\n\r\n';

export type ConnectOutcome = 'intercepted' | 'tunnelled' | 'failed';

export interface ConnectDeps {
  isProtected(host: string): boolean;
  mint: LeafMint;
  /** Gives a decrypted connection to the HTTP server; `origin` is the https origin the CONNECT named. */
  intercepted(socket: TLSSocket, origin: URL): void;
  /** Every socket the proxy holds for a CONNECT, so a shutdown can end them. */
  held(socket: Socket): void;
  counted(outcome: ConnectOutcome): void;
  lookup?: LookupFunction;
  log: Logger;
}

export function connectHandler(deps: ConnectDeps): (req: IncomingMessage, socket: Socket, head: Buffer) => void {
  return (req, socket, head) => {
    deps.held(socket);
    socket.on('error', () => socket.destroy());
    const origin = authority(req.url ?? '');
    if (!origin) {
      deps.counted('failed');
      return void socket.end('HTTP/1.1 400 Bad Request\r\ncontent-length: 0\r\n\r\n');
    }
    const host = hostKey(origin.hostname);
    if (deps.isProtected(host)) intercept(deps, socket, head, origin, host).catch((error: unknown) => failed(deps, socket, origin, error));
    else tunnel(deps, socket, head, origin, host);
  };
}

/** `host:port` as CONNECT carries it; undefined for anything else (a path, a user, no port). */
function authority(target: string): URL | undefined {
  if (!/^(\[[0-9a-fA-F:.]+\]|[^\s/?#@[\]:]+):\d{1,5}$/.test(target)) return undefined;
  try {
    const url = new URL(`https://${target}`);
    // The URL drops a port of 443 (https' default); the CONNECT named it all the same.
    return url.port === '' && !target.endsWith(':443') ? undefined : url;
  } catch {
    return undefined;
  }
}

async function intercept(deps: ConnectDeps, socket: Socket, head: Buffer, origin: URL, host: string): Promise<void> {
  const { context } = await deps.mint.leaf(host);
  if (socket.destroyed) return;
  socket.write(ESTABLISHED);
  if (head.length > 0) socket.unshift(head);
  // HTTP/1.1 only: the pipeline reads HTTP/1.1 requests, and every browser falls back to it.
  const tls = new TLSSocket(socket, { isServer: true, secureContext: context, ALPNProtocols: ['http/1.1'] });
  tls.setTimeout(HANDSHAKE_TIMEOUT_MS, () => tls.destroy());
  tls.once('secure', () => tls.setTimeout(0));
  tls.on('error', (error) => {
    // A browser that does not trust the office CA ends the handshake here: say so once, in the log.
    deps.log.debug('forward-tls-error', { host: origin.host, message: error.message });
    tls.destroy();
  });
  tls.on('close', () => socket.destroy());
  deps.counted('intercepted');
  deps.intercepted(tls, origin);
}

function tunnel(deps: ConnectDeps, socket: Socket, head: Buffer, origin: URL, host: string): void {
  const upstream = netConnect({ host, port: Number(origin.port || 443), lookup: deps.lookup });
  let joined = false;
  upstream.setTimeout(HANDSHAKE_TIMEOUT_MS, () => upstream.destroy(new Error('no answer')));
  upstream.once('connect', () => {
    joined = true;
    upstream.setTimeout(0);
    deps.counted('tunnelled');
    socket.write(ESTABLISHED);
    if (head.length > 0) upstream.write(head);
    // Each side's end is passed on (pipe ends the other after its last byte); an error cuts both.
    upstream.pipe(socket);
    socket.pipe(upstream);
  });
  upstream.on('error', (error) => (joined ? socket.destroy() : failed(deps, socket, origin, error)));
  socket.on('close', () => upstream.destroy());
}

function failed(deps: ConnectDeps, socket: Socket, origin: URL, error: unknown): void {
  deps.counted('failed');
  deps.log.warn('forward-connect-failed', { host: origin.host, message: error instanceof Error ? error.message : String(error) });
  if (!socket.destroyed) socket.end('HTTP/1.1 502 Bad Gateway\r\ncontent-length: 0\r\n\r\n');
}
