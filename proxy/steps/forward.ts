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

export function forwardStep(deps: ForwardDeps): Step {
  const contexts = new WeakMap<IncomingMessage, RequestContext>();
  deps.proxy.on('proxyRes', (upstream, req) => {
    const ctx = contexts.get(req);
    if (ctx) deps.onUpstreamResponse(ctx, upstream);
  });
  return async (ctx) => {
    contexts.set(ctx.req, ctx);
    deps.proxy.web(ctx.req, ctx.res, { target: deps.target, buffer: ctx.body ? Readable.from([ctx.body]) : undefined }, (error) => {
      deps.log.warn('upstream-error', { requestId: ctx.requestId, code: (error as NodeJS.ErrnoException).code, message: error.message });
      if (ctx.res.headersSent) ctx.res.destroy();
      else sendJson(ctx.res, 502, { error: 'bad-gateway', message: 'the portal could not be reached', nl: 'Het portaal is niet bereikbaar.', en: 'The portal could not be reached.' });
    });
    return 'handled';
  };
}
