// `export-guard icap`: an ICAP REQMOD (and RESPMOD) service (RFC 3507) for an office gateway (Squid or a secure
// web gateway) that already decrypts HTTPS. Each encapsulated request runs through the very proxy
// pipeline (proxy/pipeline.ts) by being replayed, streamed, into an in-process proxy whose only
// upstream is a local 'verdict' server: a request that reaches it passed every step, and ICAP
// answers 204 (or echoes it). Anything else the proxy answered, the 422/428 refusal among them,
// goes back to the gateway as the HTTP response to give the browser. Any failure is a refusal,
// never a 204: run the gateway with bypass=off so it fails closed as well. The RESPMOD service
// (respmod.ts) brings the portal's answers to uploads back to the pipeline, for its ledger.
import { createServer as createNetServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { createServer as createHttpServer, request, Agent, type IncomingMessage, type OutgoingHttpHeaders } from 'node:http';
import { createHash, randomBytes } from 'node:crypto';
import type { ProxyConfig } from '../config.js';
import { ConfigError } from '../config-fields.js';
import { parseFourEyesConfig } from '../approval/config.js';
import { startProxy, type ProxyOptions, type RunningProxy } from '../server.js';
import { createLogger, type Logger } from '../log.js';
import { answerRespmod, UPLOAD_KEY_HEADER, UploadAnswers } from './respmod.js';
import { chunk, icapHead, IcapError, IcapReader, LAST_CHUNK, parseEncapsulated, parseHttpRequestHead, pumpChunks, readIcapHead, type HttpRequestHead, type IcapHead } from './wire.js';

export const SERVICE_PATH = '/reqmod';
/** The optional RESPMOD service: the portal's answers to uploads, for the attachment ledger (respmod.ts). */
export const RESPMOD_PATH = '/respmod';
/** How long a passed upload waits for the portal's answer through RESPMOD. */
const UPLOAD_ANSWER_WAIT_MS = 5 * 60_000;
export const DEFAULT_PORT = 1344;
const MAX_CONNECTIONS = 256;
const OPTIONS_TTL_SECONDS = 3600;
/** Header the verdict server sets, with a per-process secret, on a request that passed every step. */
const PASSED = 'x-export-guard-icap-passed';
/** The header names the verdict server received: the ones missing were taken off by a step (the user's token). */
const RECEIVED = 'x-export-guard-icap-received';
/** The key of a passed upload whose verdict answer waits for the portal's answer (respmod.ts). */
const UPLOAD = 'x-export-guard-icap-upload';
/**
 * Names the REQMOD exchange a replay belongs to. Pieces of a chunked upload that the pipeline
 * sends on later carry the name of an exchange long answered: they cannot reach the portal.
 */
const EXCHANGE = 'x-export-guard-icap-exchange';
/** Methods whose body may be an upload. */
const UPLOAD_METHODS = new Set(['POST', 'PUT', 'PATCH']);
/** Hop-by-hop or framing headers: the replay and the encapsulated answer frame their own bodies. */
const FRAMING = new Set(['content-length', 'transfer-encoding', 'connection', 'keep-alive', 'proxy-connection', 'te', 'trailer', 'upgrade']);

export interface RunningIcap {
  url: string;
  proxy: RunningProxy;
  close(): Promise<void>;
}

/** `config` is the proxy's; its target and listen address are replaced, `listen` is the ICAP one. */
export async function startIcap(config: ProxyConfig, listen: { host: string; port: number }, options: ProxyOptions = {}): Promise<RunningIcap> {
  const log = options.log ?? createLogger(config.logLevel);
  // Every replayed request comes from 127.0.0.1: trusting an SSO header from there would trust it from any browser.
  const loopback = parseFourEyesConfig(config.features, config.baseDir).identity.ssoTrustedSources.find(isLoopback);
  if (loopback !== undefined) {
    throw new ConfigError(`config.identity.ssoTrustedSources: '${loopback}' is a loopback address; through the ICAP service every request comes from there, so an SSO header would be trusted from any browser`);
  }
  const secret = randomBytes(16).toString('hex');
  const uploads = new UploadAnswers(UPLOAD_ANSWER_WAIT_MS);
  /** The REQMOD exchanges whose replay is waiting for its verdict. */
  const exchanges = new Set<string>();
  // Set once a gateway asked for the RESPMOD service's options: only then does an answer come.
  let respmodInUse = false;
  const verdict = createHttpServer((req, res) => {
    req.resume();
    const names = [...new Set(Object.keys(req.headers))].join(',');
    const headers = { [PASSED]: secret, [RECEIVED]: names };
    const withBody = req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] ?? 0) > 0;
    req.on('end', () => {
      if (!exchanges.has(String(req.headers[EXCHANGE]))) {
        // Only the pipeline's release of a chunked upload's earlier pieces (held, then checked as
        // the whole file) comes with an exchange already answered. The gateway sends the portal
        // the request in hand only, so those pieces cannot get there: the upload is refused (the
        // pipeline answers 502) rather than reaching the portal in part.
        log.warn('icap-chunked-upload-refused', { method: req.method, message: 'chunked upload widgets cannot upload through the ICAP service: upload in one piece' });
        return void res.writeHead(501).end();
      }
      if (respmodInUse && withBody && UPLOAD_METHODS.has(req.method ?? '')) uploads.hold(res, headers, UPLOAD);
      else res.writeHead(204, headers).end();
    });
  });
  await listenOn(verdict, 0, '127.0.0.1');
  const proxy = await startProxy(
    { ...config, target: new URL(`http://127.0.0.1:${(verdict.address() as AddressInfo).port}`), changeOrigin: false, listen: { host: '127.0.0.1', port: 0 }, tls: undefined },
    { ...options, log },
  ).catch(async (error: unknown) => {
    verdict.close();
    throw error;
  });
  const proxyUrl = new URL(proxy.url);
  // An idle replay connection is closed by this side after 4 s, before the pipeline's server closes
  // it after its 5 s: a replay handed to a connection the server was closing failed with
  // ECONNRESET, and the gateway got a 500 for a request nobody had judged (seen under load).
  const agent = new Agent({ keepAlive: true, timeout: 4_000 });
  const perClient = await canBindLoopbackAliases();
  if (!perClient) log.warn('icap-one-client-address', { message: 'cannot send from 127.x.y.z: every browser counts as one address for the wrong-token lockout' });
  const seenClients = new Set<string>();
  const istag = `"eg-${Date.now().toString(36)}"`;
  const keepLimit = proxy.policy.limits.maxFileBytes;

  const sockets = new Set<Socket>();
  const server = createNetServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    serve(socket).catch((error: unknown) => {
      log.error('icap-connection-failed', { message: error instanceof Error ? error.message : String(error) });
      socket.destroy();
    });
  });
  server.maxConnections = MAX_CONNECTIONS;
  try {
    await listenOn(server, listen.port, listen.host);
  } catch (error) {
    await proxy.close();
    verdict.close();
    throw error;
  }
  const { address, port } = server.address() as AddressInfo;
  const url = `icap://${address.includes(':') ? `[${address}]` : address}:${port}${SERVICE_PATH}`;
  log.info('icap-started', { url });

  async function serve(socket: Socket): Promise<void> {
    const reader = new IcapReader(socket);
    while (await reader.more()) {
      try {
        const head = await readIcapHead(reader);
        if (!(await answer(socket, reader, head))) return void socket.end();
      } catch (error) {
        if (!(error instanceof IcapError)) throw error;
        log.warn('icap-bad-request', { message: error.message });
        return void socket.end(icapHead(400, 'Bad Request', { ISTag: istag, Connection: 'close', 'X-Reason': error.message.replace(/[\r\n]/g, ' '), Encapsulated: 'null-body=0' }));
      }
    }
  }

  /** Answers one ICAP request; false when the connection must close after it. */
  async function answer(socket: Socket, reader: IcapReader, head: IcapHead): Promise<boolean> {
    const path = servicePath(head.uri);
    if (head.method !== 'OPTIONS' && head.method !== 'REQMOD' && head.method !== 'RESPMOD') {
      socket.write(icapHead(501, 'Method Not Implemented', { ISTag: istag, Connection: 'close', Encapsulated: 'null-body=0' }));
      return false;
    }
    if (path !== SERVICE_PATH && path !== RESPMOD_PATH) {
      socket.write(icapHead(404, 'ICAP Service Not Found', { ISTag: istag, Connection: 'close', Encapsulated: 'null-body=0' }));
      return false;
    }
    const method = path === SERVICE_PATH ? 'REQMOD' : 'RESPMOD';
    if (head.method !== 'OPTIONS' && head.method !== method) {
      socket.write(icapHead(405, 'Method Not Allowed For Service', { ISTag: istag, Connection: 'close', Encapsulated: 'null-body=0' }));
      return false;
    }
    if (head.method === 'OPTIONS') {
      if (head.headers.has('encapsulated') && parseEncapsulated(head.headers.get('encapsulated')).hasBody) throw new IcapError('OPTIONS with a body is not supported');
      if (method === 'RESPMOD') respmodInUse = true;
      socket.write(icapHead(200, 'OK', {
        Methods: method,
        Service: 'export-guard',
        ISTag: istag,
        'Max-Connections': MAX_CONNECTIONS,
        'Options-TTL': OPTIONS_TTL_SECONDS,
        Allow: 204,
        // REQMOD scans the whole body anyway, RESPMOD passes all but upload answers after their head.
        Preview: 0,
        'Transfer-Preview': '*',
        Encapsulated: 'null-body=0',
      }));
      return true;
    }
    if (method === 'RESPMOD') {
      await answerRespmod(socket, reader, head, istag, uploads);
      return true;
    }
    const encapsulated = parseEncapsulated(head.headers.get('encapsulated'));
    if (encapsulated.reqHdr === 0) throw new IcapError('REQMOD without an encapsulated HTTP request header (req-hdr)');
    const block = await reader.exact(encapsulated.reqHdr, 'encapsulated HTTP header');
    const http = parseHttpRequestHead(block);
    const allow204 = (head.headers.get('allow') ?? '').split(',').some((value) => value.trim() === '204');
    if (http.method === 'CONNECT') {
      // A gateway asks about the tunnel before it decrypts it (Squid with ssl_bump does). The
      // tunnel carries no content of its own: each request inside comes as its own REQMOD once the
      // gateway decrypts it. A gateway that does not decrypt the portal's host sends only this,
      // which is why docs/proxy.md says to bump those hosts.
      if (encapsulated.hasBody) throw new IcapError('a CONNECT request with a body');
      log.debug('icap-connect', { target: http.target.slice(0, 300) });
      if (allow204) socket.write(icapHead(204, 'No Content', { ISTag: istag, Encapsulated: 'null-body=0' }));
      else writeAll(socket, [icapHead(200, 'OK', { ISTag: istag, Encapsulated: `req-hdr=0, null-body=${block.length}` }), block]);
      return true;
    }
    // Kept for an answer that is the request itself (no 204, or headers taken off); a body over
    // the policy's limit is refused by the pipeline, so what is kept never needs to be larger.
    const kept: Buffer[] = [];
    let keptBytes = 0;
    const replay = replayRequest(http, encapsulated.hasBody, perClient ? clientAddress(head.headers.get('x-client-ip')) : undefined);
    if (encapsulated.hasBody) {
      const write = async (piece: Buffer) => {
        keptBytes += piece.length;
        if (keptBytes <= keepLimit) kept.push(piece);
        await replay.write(piece);
      };
      try {
        const complete = await pumpChunks(reader, write);
        if (!complete && head.headers.has('preview')) {
          socket.write(icapHead(100, 'Continue', {}));
          await pumpChunks(reader, write);
        }
      } catch (error) {
        // A body cut short must not stay half-sent, holding its share of the proxy's budget.
        replay.abort();
        throw error;
      }
    }
    replay.end();
    const outcome = await replay.response.catch((error: unknown) => {
      log.error('icap-replay-failed', { message: error instanceof Error ? error.message : String(error) });
      return undefined;
    });
    if (outcome?.passed && keptBytes <= keepLimit) {
      const sent = forwardedHead(block, http, outcome.received);
      // Squid hands this ICAP header to the RESPMOD call for the portal's answer (adaptation_masterx_shared_names).
      const upload: Record<string, string> = outcome.upload ? { [UPLOAD_KEY_HEADER]: outcome.upload } : {};
      if (allow204 && sent === block) socket.write(icapHead(204, 'No Content', { ISTag: istag, ...upload, Encapsulated: 'null-body=0' }));
      else {
        const body = encapsulated.hasBody ? [...kept.flatMap(chunk), LAST_CHUNK] : [];
        writeAll(socket, [icapHead(200, 'OK', { ISTag: istag, ...upload, Encapsulated: `req-hdr=0, ${encapsulated.hasBody ? 'req-body' : 'null-body'}=${sent.length}` }), sent, ...body]);
      }
      return true;
    }
    if (outcome?.upload) void uploads.end(outcome.upload);
    const refusal = outcome ?? internalError();
    const resHead = Buffer.from(`HTTP/1.1 ${refusal.status} ${refusal.reason}\r\n${refusal.headers.map(([name, value]) => `${name}: ${value}\r\n`).join('')}content-length: ${refusal.body.length}\r\n\r\n`, 'latin1');
    const body = refusal.body.length ? [`res-body=${resHead.length}`, [...chunk(refusal.body), LAST_CHUNK]] as const : [`null-body=${resHead.length}`, []] as const;
    writeAll(socket, [icapHead(200, 'OK', { ISTag: istag, Encapsulated: `res-hdr=0, ${body[0]}` }), resHead, ...body[1]]);
    return true;
  }

  /**
   * The replay's source address: a stand-in 127.x.y.z for the browser's address the gateway sends
   * (Squid's icap_send_client_ip), so the pipeline's wrong-token lockout counts each browser on
   * its own instead of everyone behind the gateway as 127.0.0.1. Logged once per browser, since
   * lockout entries name the stand-in.
   */
  function clientAddress(client: string | undefined): string | undefined {
    if (client === undefined || !/^[0-9a-fA-F.:]{2,45}$/.test(client)) return undefined;
    const standIn = loopbackStandIn(client);
    if (!seenClients.has(client)) {
      if (seenClients.size >= 100_000) seenClients.clear();
      seenClients.add(client);
      log.info('icap-client', { client, address: standIn });
    }
    return standIn;
  }

  /** The encapsulated request, streamed into the in-process proxy. */
  function replayRequest(http: HttpRequestHead, hasBody: boolean, localAddress: string | undefined) {
    const headers: OutgoingHttpHeaders = {};
    for (const [name, value] of http.headers) {
      const key = name.toLowerCase();
      if (FRAMING.has(key) || key === PASSED) continue;
      const prior = headers[key];
      headers[key] = prior === undefined ? value : [...(Array.isArray(prior) ? prior : [String(prior)]), value];
    }
    if (hasBody) headers['transfer-encoding'] = 'chunked';
    const exchange = randomBytes(12).toString('hex');
    headers[EXCHANGE] = exchange;
    exchanges.add(exchange);
    const req = request({ host: proxyUrl.hostname, port: proxyUrl.port, method: http.method, path: http.target, headers, agent, ...(localAddress ? { localAddress } : {}) });
    let open = true;
    const response = new Promise<Outcome>((resolve, reject) => {
      req.on('error', (error) => {
        open = false;
        reject(error);
      });
      req.on('response', (res: IncomingMessage) => {
        if (res.headers[PASSED] === secret) {
          // Passed: the answer is its headers. A held upload's body comes later (the portal's answer, for the pipeline); not needed here.
          res.resume();
          const upload = res.headers[UPLOAD];
          if (typeof upload === 'string') uploads.finishing(upload, new Promise<void>((done) => res.once('end', done).once('close', done)));
          return resolve({ passed: true, received: new Set(String(res.headers[RECEIVED] ?? '').split(',')), upload: typeof upload === 'string' ? upload : undefined, status: 204, reason: '', headers: [], body: Buffer.alloc(0) });
        }
        const parts: Buffer[] = [];
        res.on('data', (part: Buffer) => parts.push(part));
        res.on('error', reject);
        res.on('end', () => {
          const kept: [string, string][] = [];
          for (let i = 0; i < res.rawHeaders.length; i += 2) {
            if (!FRAMING.has(res.rawHeaders[i]!.toLowerCase())) kept.push([res.rawHeaders[i]!, res.rawHeaders[i + 1]!]);
          }
          resolve({ passed: false, received: new Set(), status: res.statusCode ?? 500, reason: res.statusMessage ?? '', headers: kept, body: Buffer.concat(parts) });
        });
      });
    });
    // An early answer (a refusal before the whole body) is kept; the rest of the body is drained.
    response.then(() => exchanges.delete(exchange), () => exchanges.delete(exchange));
    req.on('close', () => (open = false));
    return {
      response,
      async write(piece: Buffer): Promise<void> {
        if (!open || req.write(piece)) return;
        await new Promise<void>((resolve) => {
          const done = () => {
            req.off('drain', done).off('close', done);
            resolve();
          };
          req.on('drain', done).on('close', done);
        });
      },
      end(): void {
        if (open) req.end();
      },
      abort(): void {
        req.destroy();
      },
    };
  }

  async function close(): Promise<void> {
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    for (const socket of sockets) socket.end();
    const deadline = setTimeout(() => sockets.forEach((socket) => socket.destroy()), config.shutdownGraceMs);
    await closed;
    clearTimeout(deadline);
    uploads.endAll();
    await proxy.close();
    agent.destroy();
    await new Promise<void>((resolve) => verdict.close(() => resolve()));
    log.info('icap-stopped', {});
  }

  return { url, proxy, close };
}

interface Outcome {
  passed: boolean;
  received: Set<string>;
  /** The key of a passed upload whose pipeline waits for the portal's answer (respmod.ts). */
  upload?: string;
  status: number;
  reason: string;
  headers: [string, string][];
  body: Buffer;
}

/** Fail closed: the request is refused, with the reason a person can read. */
function internalError(): Outcome {
  const body = Buffer.from(JSON.stringify({
    error: 'internal-error',
    message: 'the export-guard ICAP service could not check this request; nothing was forwarded',
    nl: 'Dit verzoek kon niet worden gecontroleerd en is niet verstuurd. Probeer het later opnieuw.',
    en: 'This request could not be checked and was not sent. Please try again later.',
  }));
  return { passed: false, received: new Set(), status: 500, reason: 'Internal Server Error', headers: [['content-type', 'application/json; charset=utf-8'], ['cache-control', 'no-store']], body };
}


/** The header block as the portal would get it: unchanged (the same buffer), or without the headers a step took off. */
function forwardedHead(block: Buffer, http: HttpRequestHead, received: Set<string>): Buffer {
  const kept = http.headers.filter(([name]) => FRAMING.has(name.toLowerCase()) || received.has(name.toLowerCase()));
  if (kept.length === http.headers.length) return block;
  const requestLine = block.subarray(0, block.indexOf('\r\n')).toString('latin1');
  return Buffer.from(`${[requestLine, ...kept.map(([name, value]) => `${name}: ${value}`)].join('\r\n')}\r\n\r\n`, 'latin1');
}

/** 127.x.y.z from a hash of the browser's address (x.y.z never all 0 or 255, so never 127.0.0.1's neighbours at the ends). */
export function loopbackStandIn(client: string): string {
  const [a, b, c] = createHash('sha256').update(client.toLowerCase()).digest();
  return `127.${a!}.${b!}.${1 + (c! % 254)}`;
}

/** Linux routes all of 127.0.0.0/8 to the loopback device; other systems may have only 127.0.0.1. */
async function canBindLoopbackAliases(): Promise<boolean> {
  const probe = createNetServer();
  return new Promise((resolve) => {
    probe.once('error', () => resolve(false));
    probe.listen(0, '127.80.90.100', () => probe.close(() => resolve(true)));
  });
}

function isLoopback(address: string): boolean {
  return /^(::ffff:)?127\./.test(address) || address === '::1' || address === 'localhost';
}

function servicePath(uri: string): string | undefined {
  try {
    return new URL(uri).pathname;
  } catch {
    return undefined;
  }
}

function writeAll(socket: Socket, parts: Buffer[]): void {
  for (const part of parts) socket.write(part);
}

function listenOn(server: Server | ReturnType<typeof createHttpServer>, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}
