// Reads the body of every request that has one, so that nothing reaches the upstream unscanned.
// Requests without a body (GET, HEAD, ...) are not touched and stream through.
import type { IncomingMessage } from 'node:http';
import type { RequestContext, Step } from '../pipeline.js';
import { refuse } from '../respond.js';

export function hasBody(req: IncomingMessage): boolean {
  return Number(req.headers['content-length'] ?? 0) > 0 || req.headers['transfer-encoding'] !== undefined;
}

export function readBody(maxBytes: number): Step {
  return async (ctx) => {
    const { req } = ctx;
    if (!hasBody(req)) return 'continue';
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > maxBytes) return tooLarge(ctx, maxBytes);
    // With a declared length the body is read straight into one buffer: no second copy at the end.
    const chunks: Buffer[] = [];
    const whole = declared > 0 ? Buffer.allocUnsafe(declared) : undefined;
    let size = 0;
    try {
      for await (const chunk of req as AsyncIterable<Buffer>) {
        if (size + chunk.byteLength > maxBytes) return tooLarge(ctx, maxBytes);
        if (whole) chunk.copy(whole, size);
        else chunks.push(chunk);
        size += chunk.byteLength;
      }
    } catch {
      // The client went away mid-body: there is no one left to answer.
      return 'handled';
    }
    ctx.body = whole ? whole.subarray(0, size) : Buffer.concat(chunks, size);
    return 'continue';
  };
}

/** Answers at once and closes the connection rather than reading the rest of a body it refuses. */
function tooLarge(ctx: RequestContext, maxBytes: number): 'handled' {
  const limit = maxBytes >= 1024 * 1024 ? `${Math.floor(maxBytes / 1024 / 1024)} MB` : `${Math.floor(maxBytes / 1024)} kB`;
  refuse(
    ctx.req,
    ctx.res,
    413,
    {
      error: 'too-large',
      message: `request body over the limit of ${maxBytes} bytes`,
      nl: `Dit bestand is groter dan de toegestane ${limit}.`,
      en: `This file is larger than the allowed ${limit}.`,
    },
    { headers: { connection: 'close' } },
  );
  ctx.res.on('finish', () => ctx.req.destroy());
  return 'handled';
}
