// The forward proxy's way out for checked requests. The pipeline (proxy/pipeline.ts) forwards to
// one fixed target; in forward mode that target is this loopback server, and each request names
// its real destination in a header the front end (proxy/forward/server.ts) set, with a secret of
// this process so that nothing else on the machine can use the egress as an open relay. So the
// whole pipeline (uploads, chunked upload sessions, WebSockets, the portal's answers recorded in
// the ledger) works unchanged, for any number of protected hosts. The real host's certificate is
// verified (the well-known CAs, plus forward.upstreamCa when given).
import { createServer, Agent as HttpAgent, type IncomingHttpHeaders, type IncomingMessage, type Server } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { rootCertificates } from 'node:tls';
import type { AddressInfo, LookupFunction, Socket } from 'node:net';
import HttpProxy from 'http-proxy';
import type { Logger } from '../log.js';
import { sendJson } from '../respond.js';

/** Where a checked request goes: set by the front end only, removed here before it goes out. */
const UPSTREAM_HEADER = 'x-export-guard-upstream';

export interface EgressOptions {
  /** Only these hosts may be reached through the egress (hostKey form). */
  isProtected(host: string): boolean;
  upstreamCa?: string;
  /** How host names are resolved; the system's resolver by default (tests map names to loopback). */
  lookup?: LookupFunction;
  log: Logger;
}

export interface Egress {
  /** The pipeline's target. */
  url: URL;
  /** Names the real destination of a request the front end hands to the pipeline; any header of that name the client sent goes. */
  direct(headers: IncomingHttpHeaders, origin: URL): void;
  close(): Promise<void>;
}

export async function startEgress(options: EgressOptions): Promise<Egress> {
  const secret = randomBytes(16).toString('hex');
  // Given a ca, Node trusts only that list: the well-known CAs are kept beside the extra one.
  const ca = options.upstreamCa === undefined ? undefined : [...rootCertificates, readFileSync(options.upstreamCa, 'utf8')];
  const agents: Record<string, HttpAgent> = {
    'https:': new HttpsAgent({ keepAlive: true, ca, lookup: options.lookup }),
    'http:': new HttpAgent({ keepAlive: true, lookup: options.lookup }),
  };
  const proxy = HttpProxy.createProxyServer({ xfwd: false, changeOrigin: false, secure: true });

  /** The destination the front end named, or undefined for a request that did not come from it. */
  function destination(req: IncomingMessage): URL | undefined {
    const value = req.headers[UPSTREAM_HEADER];
    delete req.headers[UPSTREAM_HEADER];
    if (typeof value !== 'string' || !value.startsWith(`${secret} `)) return undefined;
    const origin = new URL(value.slice(secret.length + 1));
    return options.isProtected(origin.hostname.replace(/^\[(.*)\]$/, '$1')) ? origin : undefined;
  }

  const server: Server = createServer((req, res) => {
    const origin = destination(req);
    if (!origin) return sendJson(res, 403, { error: 'not-forwarded', message: 'the egress takes only requests the forward proxy checked' });
    proxy.web(req, res, { target: origin, agent: agents[origin.protocol] }, (error) => {
      options.log.warn('forward-upstream-error', { host: origin.host, code: (error as NodeJS.ErrnoException).code, message: error.message });
      if (res.headersSent) return void res.destroy();
      sendJson(res, 502, { error: 'bad-gateway', message: `${origin.host} could not be reached: ${error.message}`, nl: 'Het portaal is niet bereikbaar.', en: 'The portal could not be reached.' });
    });
  });
  // The pipeline's keep-alive agent is the only client: an idle connection is kept until the agent
  // drops it, so the agent never sends a request on one the egress is closing at that moment.
  server.keepAliveTimeout = 0;
  const sockets = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  server.on('upgrade', (req: IncomingMessage, socket: Socket, head: Buffer) => {
    const origin = destination(req);
    if (!origin) return void socket.destroy();
    proxy.ws(req, socket, head, { target: origin, agent: agents[origin.protocol] }, (error) => {
      options.log.warn('forward-upstream-error', { host: origin.host, code: (error as NodeJS.ErrnoException).code, message: error.message });
      socket.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;

  return {
    url: new URL(`http://127.0.0.1:${port}`),
    direct(headers, origin) {
      headers[UPSTREAM_HEADER] = `${secret} ${origin.origin}`;
    },
    async close() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      // Called after the pipeline has drained: what is left are idle keep-alive connections and relayed WebSockets.
      for (const socket of sockets) socket.destroy();
      await closed;
      proxy.close();
      for (const agent of Object.values(agents)) agent.destroy();
    },
  };
}
