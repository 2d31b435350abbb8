// The API is for the extension only. A page of the protected site must never use it, even
// though the extension may attach the user's token to that site's requests: anything a browser
// sends from an origin that is not a configured extension origin is refused.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { HEADERS } from '../../shared/api.js';
import { ANY_FIREFOX_EXTENSION } from '../approval/config.js';

export type OriginCheck = 'allowed' | 'no-browser-origin' | 'same-origin' | 'refused';

export function checkOrigin(req: IncomingMessage, allowedOrigins: readonly string[]): OriginCheck {
  const origin = req.headers.origin;
  if (origin !== undefined) return isAllowed(origin, allowedOrigins) ? 'allowed' : 'refused';
  // Same-origin GETs carry no Origin; the Fetch Metadata header still tells a page's request apart.
  // Firefox sends its add-ons' background GETs as same-origin too: the caller must then prove
  // itself with the token, which a page never has (the extension keeps it off API paths).
  const site = req.headers['sec-fetch-site'];
  if (site === undefined || site === 'none') return 'no-browser-origin';
  return site === 'same-origin' ? 'same-origin' : 'refused';
}

function isAllowed(origin: string, allowedOrigins: readonly string[]): boolean {
  // A page cannot claim a moz-extension:// origin; only add-ons have one.
  return allowedOrigins.includes(origin) || (allowedOrigins.includes(ANY_FIREFOX_EXTENSION) && /^moz-extension:\/\/[0-9a-f-]+$/.test(origin));
}

export function setCorsHeaders(req: IncomingMessage, res: ServerResponse): void {
  res.setHeader('access-control-allow-origin', req.headers.origin ?? '');
  res.setHeader('vary', 'origin');
  res.setHeader('access-control-allow-methods', 'GET, POST');
  res.setHeader('access-control-allow-headers', `content-type, ${HEADERS.token}`);
  res.setHeader('access-control-max-age', '600');
}
