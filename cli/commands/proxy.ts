// `export-guard proxy [--config FILE] [--target URL] [--listen HOST:PORT] [--policy FILE]`
// Runs until SIGTERM or SIGINT, then shuts down gracefully. Exit status 2 for a bad config.
import { ConfigError, loadConfig, USAGE, type ProxyConfig } from '../../proxy/config.js';
import { startProxy } from '../../proxy/server.js';

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
  const signal = await new Promise<NodeJS.Signals>((resolve) => {
    process.once('SIGTERM', resolve);
    process.once('SIGINT', resolve);
  });
  console.error(`export-guard proxy: ${signal}, finishing in-flight requests`);
  await proxy.close();
  return 0;
}
