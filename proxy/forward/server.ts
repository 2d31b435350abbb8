// `export-guard proxy --mode forward`: the proxy as the browsers' HTTP proxy, for an office whose
// portal is someone else's HTTPS site and that has no gateway to plug ICAP into. startProxy
// (proxy/server.ts) builds the same steps as ever, with the egress (proxy/forward/egress.ts) as
// their target, and listens with the server made here, which decides per request:
//   - to a protected host (absolute-form http://, or decrypted from a CONNECT): the pipeline, with
//     the real destination named for the egress;
//   - CONNECT: proxy/forward/connect.ts (intercepted for protected hosts, a byte tunnel otherwise);
//   - to any other host (absolute-form http://): passed on untouched;
//   - to the proxy itself: /proxy.pac (proxy/forward/pac.ts), /healthz, /metrics, the API.
import { createServer, Agent as HttpAgent, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { hostname as machineName } from 'node:os';
import { isIP, type AddressInfo, type LookupFunction, type Socket } from 'node:net';
import HttpProxy from 'http-proxy';
import { API_PREFIX, ROUTES } from '../../shared/api.js';
import { ConfigError, type ProxyConfig } from '../config.js';
import type { Logger } from '../log.js';
import type { Registry } from '../ops/metrics.js';
import { sendJson } from '../respond.js';
import { connectHandler } from './connect.js';
import { hostKey, type ForwardConfig } from './config.js';
import { startEgress } from './egress.js';
import { LeafMint, readOfficeCa } from './mint.js';
import { PAC_PATH, PAC_TYPE, pacFile, pacProxyAddress } from './pac.js';

/** Headers for the proxy itself, never passed on. */
const PROXY_HEADERS = ['proxy-connection', 'proxy-authorization'];

export interface ForwardOptions {
  /** How host names are resolved for tunnels, passed-on requests and the egress; the system's resolver by default. */
  lookup?: LookupFunction;
}

export interface ForwardProxy {
  /** The pipeline's target. */
  egress: URL;
  /** The listening server; `pipeline` is the proxy's own request handler (health, metrics, API, the steps). */
  server(pipeline: (req: IncomingMessage, res: ServerResponse) => void): Server;
  /** Shutdown has begun: tunnels and intercepted connections are cut after graceMs. */
  shutdown(graceMs: number): void;
  close(): Promise<void>;
}

export async function startForward(config: Pick<ProxyConfig, 'listen' | 'tls'>, forward: ForwardConfig, deps: { log: Logger; metrics: Registry }, options: ForwardOptions = {}): Promise<ForwardProxy> {
  if (config.tls) throw new ConfigError('config.tls: not used in forward mode (browsers speak to a forward proxy in plain HTTP and CONNECT)');
  const { log, metrics } = deps;
  const protectedHosts = new Set(forward.protectedHosts);
  const isProtected = (host: string) => protectedHosts.has(hostKey(host));
  const leaves = metrics.counter('export_guard_forward_leaf_certificates_total', 'Leaf certificates minted from the office CA since start.');
  const mint = new LeafMint(await readOfficeCa(forward.ca.cert, forward.ca.key, 'config.forward.ca'), () => leaves.inc());
  const egress = await startEgress({ isProtected, upstreamCa: forward.upstreamCa, lookup: options.lookup, log });

  const connects = metrics.counter('export_guard_forward_connects_total', 'CONNECTs by outcome: intercepted (a protected host, checked), tunnelled (any other host, bytes passed untouched), failed.');
  const passed = metrics.counter('export_guard_forward_passed_total', 'Plain-HTTP requests to unprotected hosts passed on untouched.');
  /** Sockets of CONNECTs (tunnels and intercepted), for the shutdown. */
  const held = new Set<Socket>();
  metrics.gauge('export_guard_forward_connections', 'CONNECT connections open (tunnels and intercepted).', () => held.size);

  const agent = new HttpAgent({ keepAlive: true, lookup: options.lookup });
  const plain = HttpProxy.createProxyServer({ agent, xfwd: false, changeOrigin: false });
  /** Decrypted connections, by the origin their CONNECT named. */
  const origins = new WeakMap<Socket, URL>();
  let server: Server | undefined;

  /** Hands a request for a protected origin to the pipeline, which forwards it through the egress. */
  function toPipeline(req: IncomingMessage, origin: URL): void {
    // As RFC 9112 has a proxy do: the Host is the one the request was made for.
    req.headers.host = origin.host;
    withoutProxyHeaders(req.headers);
    egress.direct(req.headers, origin);
  }

  /** An absolute-form request naming this proxy (a browser told to send everything to it): answered as its own. */
  function isSelf(url: URL): boolean {
    const port = (server?.address() as AddressInfo | null)?.port;
    const host = hostKey(url.hostname);
    return Number(url.port || 80) === port && (host === 'localhost' || host === hostKey(config.listen.host) || host === machineName().toLowerCase() || isLoopback(host));
  }

  return {
    egress: egress.url,
    server(pipeline) {
      const own = (req: IncomingMessage, res: ServerResponse, path: string) => {
        if (path === PAC_PATH && (req.method === 'GET' || req.method === 'HEAD')) {
          const port = (server!.address() as AddressInfo).port;
          const body = pacFile([...protectedHosts], pacProxyAddress(req.headers.host, port, `${machineName()}:${port}`));
          res.writeHead(200, { 'content-type': PAC_TYPE, 'cache-control': 'max-age=300', 'content-length': Buffer.byteLength(body) }).end(req.method === 'HEAD' ? undefined : body);
          return;
        }
        if (path === ROUTES.health || path === ROUTES.metrics || path === API_PREFIX || path.startsWith(`${API_PREFIX}/`)) return pipeline(req, res);
        sendJson(res, 404, {
          error: 'forward-proxy',
          message: `this is export-guard's forward proxy: set it as the browser's proxy, or use its PAC file ${PAC_PATH}`,
          nl: 'Dit is de proxy van export-guard. Stel hem in als proxy van de browser.',
          en: "This is export-guard's proxy. Set it as the browser's proxy.",
        });
      };
      server = createServer((req, res) => {
        const origin = origins.get(req.socket);
        if (origin) {
          toPipeline(req, origin);
          return pipeline(req, res);
        }
        const target = req.url ?? '/';
        if (target.startsWith('/')) return own(req, res, new URL(target, 'http://proxy.invalid').pathname);
        const url = absolute(target);
        if (!url) return sendJson(res, 400, { error: 'bad-target', message: 'a forward proxy takes http:// URLs; HTTPS goes by CONNECT' });
        if (isSelf(url)) {
          req.url = `${url.pathname}${url.search}`;
          return own(req, res, url.pathname);
        }
        if (isProtected(url.hostname)) {
          toPipeline(req, new URL(url.origin));
          return pipeline(req, res);
        }
        passed.inc();
        req.headers.host = url.host;
        withoutProxyHeaders(req.headers);
        req.url = `${url.pathname}${url.search}`;
        plain.web(req, res, { target: url.origin }, (error) => {
          log.debug('forward-passthrough-error', { host: url.host, message: error.message });
          if (res.headersSent) return void res.destroy();
          sendJson(res, 502, { error: 'bad-gateway', message: `${url.host} could not be reached` });
        });
      });
      server.on('connect', connectHandler({
        isProtected,
        mint,
        intercepted(tls, origin) {
          origins.set(tls, origin);
          server!.emit('connection', tls);
        },
        held(socket) {
          held.add(socket);
          socket.on('close', () => held.delete(socket));
        },
        counted: (outcome) => connects.inc({ outcome }),
        lookup: options.lookup,
        log,
      }));
      // Before the proxy's WebSocket relay (added by startProxy): a WebSocket inside an
      // intercepted connection is relayed, and checked, like one to the reverse proxy.
      server.prependListener('upgrade', (req: IncomingMessage) => {
        const origin = origins.get(req.socket);
        if (origin) toPipeline(req, origin);
      });
      return server;
    },
    shutdown(graceMs) {
      setTimeout(() => held.forEach((socket) => socket.destroy()), graceMs).unref();
    },
    async close() {
      for (const socket of held) socket.destroy();
      plain.close();
      agent.destroy();
      await egress.close();
    },
  };
}

function absolute(target: string): URL | undefined {
  try {
    const url = new URL(target);
    return url.protocol === 'http:' && url.hostname !== '' ? url : undefined;
  } catch {
    return undefined;
  }
}

function isLoopback(host: string): boolean {
  return host === '::1' || (isIP(host) === 4 && host.startsWith('127.'));
}

function withoutProxyHeaders(headers: IncomingHttpHeaders): void {
  for (const name of PROXY_HEADERS) delete headers[name];
}
