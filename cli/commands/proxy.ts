// `export-guard proxy [--config FILE] [--mode reverse|forward] [--target URL] [--listen HOST:PORT] [--policy FILE]`
// --mode forward runs it as the browsers' HTTP proxy (proxy/forward/, docs/deploy.md).
// Runs until SIGTERM or SIGINT, then shuts down gracefully. Exit status 2 for a bad config.
import { ConfigError, loadConfig, USAGE, type ProxyConfig } from '../../proxy/config.js';
import { startProxy } from '../../proxy/server.js';
import { PAC_PATH } from '../../proxy/forward/pac.js';

export async function run(argv: string[]): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    console.log(USAGE);
    return 0;
  }
  let config: ProxyConfig;
  try {
    config = await loadConfig(argv);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(`export-guard proxy: ${error.message}`);
    return 2;
  }
  let proxy;
  try {
    proxy = await startProxy(config);
  } catch (error) {
    console.error(`export-guard proxy: cannot start: ${(error as Error).message}`);
    return 2;
  }
  if (config.mode === 'forward') {
    console.error(`export-guard proxy: forward proxy on ${proxy.url} for ${config.forward!.protectedHosts.join(', ')}; PAC file ${proxy.url}${PAC_PATH}`);
  }
  const signal = await new Promise<NodeJS.Signals>((resolve) => {
    process.once('SIGTERM', resolve);
    process.once('SIGINT', resolve);
  });
  console.error(`export-guard proxy: ${signal}, finishing in-flight requests`);
  await proxy.close();
  return 0;
}
