// Reads the body of every request that has one, so that nothing reaches the upstream unscanned.
// Requests without a body (GET, HEAD, ...) are not touched and stream through. Bodies are held in
// memory until their request is answered; a shared budget caps what all of them hold together.
import type { IncomingMessage } from 'node:http';
import type { RequestContext, Step } from '../pipeline.js';
import { refuse } from '../respond.js';
import type { BodyBudget } from '../body/budget.js';

function hasBody(req: IncomingMessage): boolean {
  return Number(req.headers['content-length'] ?? 0) > 0 || req.headers['transfer-encoding'] !== undefined;
}

export function readBodyStep(maxBytes: number, budget: BodyBudget): Step {
  return async (ctx) => {
    const { req, res } = ctx;
    if (!hasBody(req)) return 'continue';
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > maxBytes) return tooLarge(ctx, maxBytes);
    let taken = 0;
    res.once('close', () => budget.give(taken));
    const reserve = (bytes: number) => {
      if (!budget.take(bytes)) return false;
      taken += bytes;
      return true;
    };
    if (!reserve(declared)) return busy(ctx);
    // With a declared length the body is read straight into one buffer: no second copy at the end.
    const chunks: Buffer[] = [];
    const whole = declared > 0 ? Buffer.allocUnsafe(declared) : undefined;
    let size = 0;
    try {
      for await (const chunk of req as AsyncIterable<Buffer>) {
        if (size + chunk.byteLength > maxBytes) return tooLarge(ctx, maxBytes);
        if (whole) chunk.copy(whole, size);
        else if (reserve(chunk.byteLength)) chunks.push(chunk);
        else return busy(ctx);
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
  return refuseUnread(ctx, 413, {
    error: 'too-large',
    message: `request body over the limit of ${maxBytes} bytes`,
    nl: `Dit bestand is groter dan de toegestane ${limit}.`,
    en: `This file is larger than the allowed ${limit}.`,
  });
}

/** Too many uploads in memory at once: the client may try again shortly; nothing is forwarded unchecked. */
function busy(ctx: RequestContext): 'handled' {
  return refuseUnread(
    ctx,
    503,
    {
      error: 'busy',
      message: 'too many uploads are being checked at once; try again shortly',
      nl: 'Er worden nu te veel bestanden tegelijk gecontroleerd. Probeer het zo opnieuw.',
      en: 'Too many files are being checked right now. Please try again shortly.',
    },
    { 'retry-after': '5' },
  );
}

function refuseUnread(ctx: RequestContext, status: number, body: Parameters<typeof refuse>[3], headers: Record<string, string> = {}): 'handled' {
  refuse(ctx.req, ctx.res, status, body, { headers: { connection: 'close', ...headers } });
  ctx.res.on('finish', () => ctx.req.destroy());
  return 'handled';
}
