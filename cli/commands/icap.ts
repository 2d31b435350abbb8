// `export-guard icap [--listen HOST:PORT] [--config FILE]`: the ICAP REQMOD (and RESPMOD) service for an office
// gateway (proxy/icap/server.ts). The config file is the proxy's; its target and listen are not
// used (the gateway knows the portal). Runs until SIGTERM or SIGINT. Exit status 2 for a bad config.
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig, type ProxyConfig } from '../../proxy/config.js';
import { DEFAULT_PORT, RESPMOD_PATH, SERVICE_PATH, startIcap } from '../../proxy/icap/server.js';

const USAGE = `usage: export-guard icap [--listen HOST:PORT] [--config FILE]

  --listen HOST:PORT  where the gateway reaches the service (default 127.0.0.1:${DEFAULT_PORT}); REQMOD at ${SERVICE_PATH},
                      RESPMOD (the portal's answers to uploads, for the attachment ledger) at ${RESPMOD_PATH}
  --config FILE       the proxy's JSON config (policy, scan, identity, approval, store, audit)`;

export async function run(argv: string[]): Promise<number> {
  let flags: { listen?: string; config?: string; help?: boolean };
  try {
    flags = parseArgs({ args: argv, options: { listen: { type: 'string' }, config: { type: 'string' }, help: { type: 'boolean', short: 'h' } } }).values;
  } catch (error) {
    console.error(`export-guard icap: ${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (flags.help) {
    console.log(USAGE);
    return 0;
  }
  let config: ProxyConfig;
  let listen: ProxyConfig['listen'];
  try {
    // The target is required by the proxy's config and replaced by the service: any URL will do.
    const args = [...(flags.config ? ['--config', flags.config] : []), '--target', 'http://127.0.0.1/', '--listen', flags.listen ?? `127.0.0.1:${DEFAULT_PORT}`];
    config = await loadConfig(args);
    listen = config.listen;
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(`export-guard icap: ${error.message}`);
    return 2;
  }
  let icap;
  try {
    icap = await startIcap(config, listen);
  } catch (error) {
    console.error(`export-guard icap: cannot start: ${(error as Error).message}`);
    return 2;
  }
  console.error(`export-guard icap: listening on ${icap.url}`);
  const signal = await new Promise<NodeJS.Signals>((resolve) => {
    process.once('SIGTERM', resolve);
    process.once('SIGINT', resolve);
  });
  console.error(`export-guard icap: ${signal}, finishing in-flight requests`);
  await icap.close();
  return 0;
}
