// The forward-proxy office for tests: the demo portal served over HTTPS as portal.test with a
// certificate of an "internet" CA, and `export-guard proxy --mode forward` (the real proxy, with
// four-eyes on a SQLite file and two users) intercepting portal.test with leaves minted from a
// separate office CA. Clients trust only the office CA; the proxy trusts the internet CA for the
// portal. Names ending in .test resolve to 127.0.0.1 for the proxy (its lookup), as a hosts file
// would; browsers behind a proxy never resolve them themselves.
import { lookup as dnsLookup } from 'node:dns';
import { mkdtemp, rm } from 'node:fs/promises';
import type { LookupFunction } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startPortal, type Portal } from '../../demo-portal/server.js';
import { EXTENSION_ORIGIN } from '../../extension/extension-id.js';
import { parseConfig } from '../../proxy/config.js';
import { createLogger } from '../../proxy/log.js';
import { startProxy, type RunningProxy } from '../../proxy/server.js';
import { writeTeamUsers } from '../helpers/four-eyes-stack.js';
import { createTestCa, type TestCa } from '../helpers/squid.js';

export const testLookup: LookupFunction = (hostname, options, callback) => {
  if (!hostname.endsWith('.test')) return dnsLookup(hostname, options, callback);
  if (options.all) callback(null, [{ address: '127.0.0.1', family: 4 }]);
  else callback(null, '127.0.0.1', 4);
};

export interface ForwardStack {
  dir: string;
  office: TestCa;
  internet: TestCa;
  portal: Portal;
  /** https://portal.test:PORT, the portal as browsers name it. */
  site: string;
  proxy: RunningProxy;
  logLines: string[];
  tokens: { caseworker: string; approver: string };
  close(): Promise<void>;
}

/** `protectedHosts` beyond portal.test, and `config` merged into the proxy's. */
export async function startForwardStack({ protectedHosts = [], config = {} }: { protectedHosts?: string[]; config?: Record<string, unknown> } = {}): Promise<ForwardStack> {
  const dir = await mkdtemp(join(tmpdir(), 'export-guard-forward-'));
  const parts: Partial<ForwardStack> = {};
  const close = async () => {
    await parts.proxy?.close();
    await parts.portal?.close();
    await parts.office?.close();
    await parts.internet?.close();
    await rm(dir, { recursive: true, force: true });
  };
  try {
    const usersFile = join(dir, 'users.json');
    const tokens = writeTeamUsers(usersFile);
    const office = (parts.office = await createTestCa());
    const internet = (parts.internet = await createTestCa());
    const portal = (parts.portal = await startPortal({ tls: await internet.issue('portal.test') }));
    const logLines: string[] = [];
    const proxy = (parts.proxy = await startProxy(parseConfig({
      mode: 'forward',
      listen: '127.0.0.1:0',
      scan: { workers: 1 },
      forward: { protectedHosts: ['portal.test', ...protectedHosts], ca: { cert: office.certPath, key: office.keyPath }, upstreamCa: internet.certPath },
      identity: { usersFile, extensionOrigins: [EXTENSION_ORIGIN] },
      store: { sqlite: join(dir, 'state.db') },
      ...config,
    }, dir), { log: createLogger('debug', (line) => logLines.push(line)), forward: { lookup: testLookup } }));
    return { dir, office, internet, portal, site: `https://portal.test:${new URL(portal.url).port}`, proxy, logLines, tokens, close };
  } catch (error) {
    await close();
    throw error;
  }
}
