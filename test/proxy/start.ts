// Starts the real proxy in front of a given upstream, with a silent log the test can read.
import { afterAll, beforeAll } from 'vitest';
import { parseConfig } from '../../proxy/config.js';
import { startProxy, type ProxyOptions, type RunningProxy } from '../../proxy/server.js';
import { createLogger } from '../../proxy/log.js';
import { startUpstream, type Upstream } from './upstream.js';

export interface TestProxy extends RunningProxy {
  logLines: string[];
}

export async function startTestProxy(target: string, config: Record<string, unknown> = {}, options: ProxyOptions = {}): Promise<TestProxy> {
  const logLines: string[] = [];
  const proxy = await startProxy(parseConfig({ target, listen: '127.0.0.1:0', scan: { workers: 2 }, ...config }, process.cwd()), {
    log: createLogger('debug', (line) => logLines.push(line)),
    ...options,
  });
  return { ...proxy, logLines };
}

/**
 * A recording upstream with the proxy in front of it, shared by a test file: started before its
 * tests, closed after. `started` runs once both are up (to listen to the proxy's events).
 */
export function proxyBeforeAll(started?: (proxy: TestProxy) => void): { readonly upstream: Upstream; readonly proxy: TestProxy } {
  const stack = {} as { upstream: Upstream; proxy: TestProxy };
  beforeAll(async () => {
    stack.upstream = await startUpstream();
    stack.proxy = await startTestProxy(stack.upstream.url);
    started?.(stack.proxy);
  });
  afterAll(async () => {
    await stack.proxy?.close();
    await stack.upstream?.close();
  });
  return stack;
}
