// Who is sending. It never refuses by itself; the steps that need a user do.
import type { Step } from '../pipeline.js';
import type { UserDirectory } from '../identity/directory.js';

export function identifyStep(directory: UserDirectory): Step {
  return async (ctx) => {
    ctx.user = directory.identify(ctx.req);
    return 'continue';
  };
}
