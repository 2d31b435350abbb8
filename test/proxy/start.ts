// Starts the real proxy in front of a given upstream, with a silent log the test can read.
import { parseConfig } from '../../proxy/config.js';
import { startProxy, type ProxyOptions, type RunningProxy } from '../../proxy/server.js';
import { createLogger } from '../../proxy/log.js';

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
