// First step: the request target becomes the origin-form path http-proxy forwards (see
// proxy/request/target.ts), so every later step judges the path the portal receives. A target
// with no such path (authority form, '*') is refused: there is nothing to judge.
import type { Step } from '../pipeline.js';
import { forwardedTarget } from '../request/target.js';
import { refuse } from '../respond.js';

export function normaliseTargetStep(): Step {
  return async (ctx) => {
    const target = forwardedTarget(ctx.req.url ?? '');
    if (target === undefined) {
      refuse(ctx.req, ctx.res, 400, {
        error: 'bad-target',
        message: 'the request target has no path to forward',
        nl: 'Dit verzoek heeft geen geldig adres en is niet doorgestuurd.',
        en: 'This request has no valid address and was not forwarded.',
      });
      return 'handled';
    }
    ctx.req.url = target;
    // Prefixed with an origin, '//api/x' stays a path instead of naming a host 'api'.
    ctx.url = new URL(`http://proxy.invalid${target}`);
    return 'continue';
  };
}
