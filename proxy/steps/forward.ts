// The last step: hands the request to the upstream through http-proxy over a keep-alive agent.
// A body the earlier steps read is replayed exactly as received; any other request streams.
import { Readable } from 'node:stream';
import type { IncomingMessage } from 'node:http';
import type HttpProxy from 'http-proxy';
import type { RequestContext, Step } from '../pipeline.js';
import { sendJson } from '../respond.js';
import type { Logger } from '../log.js';

export interface ForwardDeps {
  proxy: HttpProxy;
  target: URL;
  log: Logger;
  /** Called with the upstream's answer before it streams on to the client. */
  onUpstreamResponse(ctx: RequestContext, upstream: IncomingMessage): void;
}

/**
 * Methods the portal must treat as safe to repeat (RFC 9110 9.2.2). Only these are sent again when
 * the portal dropped the connection before answering: an upstream closes an idle keep-alive
 * connection after its own timeout (5 s for a Node server), and Node 20's agent keeps the socket
 * until it has seen that close; a request handed to it while the close is on its way fails, and a
 * page's GET got a 502 (more often on a busy machine, where the close waits longer to be seen).
 */
const REPEATABLE = new Set(['GET', 'HEAD', 'OPTIONS']);

export function forwardStep(deps: ForwardDeps): Step {
  const contexts = new WeakMap<IncomingMessage, RequestContext>();
  deps.proxy.on('proxyRes', (upstream, req) => {
    const ctx = contexts.get(req);
    if (ctx) deps.onUpstreamResponse(ctx, upstream);
  });
  const send = (ctx: RequestContext, retried: boolean): void => {
    // A retry cannot read the request again (it has ended): its body is the one read, or none.
    const buffer = ctx.body ? Readable.from([ctx.body]) : retried ? Readable.from([]) : undefined;
    deps.proxy.web(ctx.req, ctx.res, { target: deps.target, buffer }, (error) => {
      const code = (error as NodeJS.ErrnoException).code;
      if (!retried && code === 'ECONNRESET' && REPEATABLE.has(ctx.req.method ?? '') && !ctx.body && !ctx.res.headersSent) {
        deps.log.debug('upstream-retry', { requestId: ctx.requestId, code });
        return send(ctx, true);
      }
      deps.log.warn('upstream-error', { requestId: ctx.requestId, code, message: error.message });
      if (ctx.res.headersSent) ctx.res.destroy();
      else sendJson(ctx.res, 502, { error: 'bad-gateway', message: 'the portal could not be reached', nl: 'Het portaal is niet bereikbaar.', en: 'The portal could not be reached.' });
    });
  };
  return async (ctx) => {
    contexts.set(ctx.req, ctx);
    send(ctx, false);
    return 'handled';
  };
}
