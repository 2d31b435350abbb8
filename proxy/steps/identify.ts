// Who is sending. It never refuses by itself; the steps that need a user do.
import { HEADERS } from '../../shared/api.js';
import type { Step } from '../pipeline.js';
import type { UserDirectory } from '../identity/directory.js';

export function identifyStep(directory: UserDirectory): Step {
  return async (ctx) => {
    ctx.user = directory.authenticate(ctx.req);
    // The token is the proxy's credential: the protected site never needs to see it.
    delete ctx.req.headers[HEADERS.token];
    // The portal may trust the SSO header too: one that did not come from the gateway is a forgery.
    const forged = directory.forgedSsoHeader(ctx.req);
    if (forged) delete ctx.req.headers[forged];
    return 'continue';
  };
}
