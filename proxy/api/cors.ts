// The API is for the extension only. A page of the protected site must never use it, even
// though the extension may attach the user's token to that site's requests: anything a browser
// sends from an origin that is not a configured extension origin is refused.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { HEADERS } from '../../shared/api.js';

export type OriginCheck = 'allowed' | 'no-browser-origin' | 'refused';

export function checkOrigin(req: IncomingMessage, allowedOrigins: readonly string[]): OriginCheck {
  const origin = req.headers.origin;
  if (origin !== undefined) return allowedOrigins.includes(origin) ? 'allowed' : 'refused';
  // Same-origin GETs carry no Origin; the Fetch Metadata header still tells a page's request apart.
  const site = req.headers['sec-fetch-site'];
  return site === undefined || site === 'none' ? 'no-browser-origin' : 'refused';
}

export function setCorsHeaders(req: IncomingMessage, res: ServerResponse): void {
  res.setHeader('access-control-allow-origin', req.headers.origin ?? '');
  res.setHeader('vary', 'origin');
  res.setHeader('access-control-allow-methods', 'GET, POST');
  res.setHeader('access-control-allow-headers', `content-type, ${HEADERS.token}`);
  res.setHeader('access-control-max-age', '600');
}
