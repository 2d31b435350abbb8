// WebSocket messages to the protected site are read like request bodies: a page that reads a file
// and sends it over a WebSocket must not get past what an upload cannot. The proxy ends the
// client's WebSocket itself, opens one to the portal with the same path, headers and subprotocol,
// and relays each client message, in order, once every reading of it (proxy/body/readings.ts)
// scanned clean; the portal's messages pass straight back. A message holding an export closes
// both sides with 1008 (policy violation) and an upload-blocked event, which the audit log records.
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer, type RawData } from 'ws';
import type { UserInfo } from '../shared/api.js';
import type { Verdict } from '../shared/detector/types.js';
import type { ProxyEvents } from './events.js';
import type { Logger } from './log.js';
import { filesInBody } from './body/readings.js';
import { MalformedBody } from './body/multipart.js';
import { forwardedTarget } from './request/target.js';

export interface WebSocketRelayDeps {
  target: URL;
  /** Send the portal its own host name, as config.changeOrigin does for HTTP. */
  changeOrigin: boolean;
  /** Who opened the socket; takes the proxy's own headers (token, a forged SSO header) off the handshake. */
  identify(req: IncomingMessage): UserInfo | undefined;
  scan(bytes: Uint8Array): Promise<Verdict>;
  events: ProxyEvents;
  log: Logger;
  /** The largest message (after reassembly from frames) the relay takes: the body limit. */
  maxMessageBytes: number;
}

const POLICY_VIOLATION = 1008;
/** Headers of the client's handshake that belong to that handshake, not to the portal's. */
const HANDSHAKE_HEADERS = ['connection', 'upgrade', 'sec-websocket-key', 'sec-websocket-version', 'sec-websocket-extensions', 'sec-websocket-protocol'];

export function webSocketRelay(deps: WebSocketRelayDeps): (req: IncomingMessage, socket: Duplex, head: Buffer) => void {
  return (req, socket, head) => {
    const user = deps.identify(req);
    const headers = Object.fromEntries(Object.entries(req.headers).filter(([name]) => !HANDSHAKE_HEADERS.includes(name)));
    if (deps.changeOrigin) delete headers.host;
    const protocols = (req.headers['sec-websocket-protocol'] ?? '').split(',').map((p) => p.trim()).filter((p) => p !== '');
    const target = forwardedTarget(req.url ?? '');
    if (target === undefined) return void socket.destroy();
    const url = new URL(`${deps.target.origin}${target}`);
    url.protocol = deps.target.protocol === 'https:' ? 'wss:' : 'ws:';
    const upstream = new WebSocket(url, protocols, { headers, maxPayload: deps.maxMessageBytes, perMessageDeflate: false });
    upstream.once('error', (error) => {
      deps.log.warn('websocket-upstream-error', { message: error.message });
      socket.destroy();
    });
    upstream.once('open', () => {
      // The client gets the subprotocol the portal chose.
      const server = new WebSocketServer({ noServer: true, maxPayload: deps.maxMessageBytes, perMessageDeflate: false, handleProtocols: () => upstream.protocol || false });
      server.handleUpgrade(req, socket, head, (client) => relay(client, upstream, req, user, deps));
    });
  };
}

function relay(client: WebSocket, upstream: WebSocket, req: IncomingMessage, user: UserInfo | undefined, deps: WebSocketRelayDeps): void {
  const requestId = randomUUID();
  let checked: Promise<void> = Promise.resolve();
  let refused = false;
  client.on('message', (data, isBinary) => {
    const bytes = toBuffer(data);
    // One message after the other, so the portal receives them in the order they were sent.
    checked = checked.then(async () => {
      if (refused) return;
      const blocked = await blockedReadings(bytes, deps);
      if (blocked.length === 0) return upstream.send(bytes, { binary: isBinary });
      refused = true;
      for (const verdict of blocked) {
        deps.events.emit('upload-blocked', {
          requestId, user: user?.id, method: 'WEBSOCKET', path: new URL(req.url ?? '/', 'http://proxy.invalid').pathname, fileName: 'websocket message', location: 'websocket',
          size: bytes.byteLength, sha256: verdict.sha256, kind: verdict.kind, reasonCodes: [...new Set(verdict.reasons.map((r) => r.code))],
          columns: [...new Set(verdict.findings.map((f) => f.header).filter((h) => h !== ''))],
        });
      }
      deps.log.info('websocket-message-blocked', { requestId, size: bytes.byteLength });
      client.close(POLICY_VIOLATION, 'export-guard: a message held data about people');
      upstream.close(POLICY_VIOLATION, 'export-guard: a message was refused');
    });
  });
  upstream.on('message', (data, isBinary) => client.send(toBuffer(data), { binary: isBinary }));
  client.on('close', (code, reason) => void checked.then(() => closeWith(upstream, code, reason)));
  upstream.on('close', (code, reason) => closeWith(client, code, reason));
  client.on('error', () => upstream.terminate());
  upstream.on('error', () => client.terminate());
}

/** The verdicts that block among every reading of the message; unreadable as the portal reads it blocks too. */
async function blockedReadings(bytes: Buffer, deps: WebSocketRelayDeps): Promise<Verdict[]> {
  let readings;
  try {
    readings = filesInBody(bytes, '', 'websocket message');
  } catch (error) {
    if (!(error instanceof MalformedBody)) throw error;
    readings = [{ bytes }];
  }
  const verdicts = await Promise.all(readings.map((reading) => deps.scan(reading.bytes)));
  return verdicts.filter((verdict) => verdict.verdict === 'block');
}

function closeWith(socket: WebSocket, code: number, reason: Buffer): void {
  if (socket.readyState === WebSocket.CLOSED || socket.readyState === WebSocket.CLOSING) return;
  // 1005 and 1006 say no code was sent; they may not be sent on.
  if (code === 1005 || code === 1006) socket.close();
  else socket.close(code, reason);
}

function toBuffer(data: RawData): Buffer {
  return Array.isArray(data) ? Buffer.concat(data) : Buffer.isBuffer(data) ? data : Buffer.from(data);
}
