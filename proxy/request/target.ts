// The one target every decision and the forward use. http-proxy forwards
// `url.parse(req.url).path`: an absolute-form target ('POST http://portal/api/messages', which
// HTTP/1.1 servers must accept) loses its scheme and host there, and backslashes before the
// query become slashes. The steps judge that same path, so no spelling of a target is judged
// as one path and delivered as another.
import { parse } from 'node:url';

/** The origin-form path and query http-proxy would send upstream, or undefined when there is none. */
export function forwardedTarget(rawTarget: string): string | undefined {
  // The legacy parser is the one http-proxy uses; its reading is the one that counts here.
  const path = parse(rawTarget).path;
  return path?.startsWith('/') ? path : undefined;
}
