// The office gateway shape the ICAP end-to-end tests share: the demo portal over HTTPS as
// portal.test (certificate from a throwaway office CA), `export-guard icap` with a caseworker and an
// approver, and a real Squid (ssl_bump) handing every request for the portal to it. The browser is
// each test's own (with or without the extension).
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ProxyAgent, request } from 'undici';
import { startPortal, type Portal } from '../../demo-portal/server.js';
import { EXTENSION_ORIGIN } from '../../extension/extension-id.js';
import { parseConfig } from '../../proxy/config.js';
import { startIcap, type RunningIcap } from '../../proxy/icap/server.js';
import { createLogger } from '../../proxy/log.js';
import { HEADERS } from '../../shared/api.js';
import { writeTeamUsers } from '../helpers/four-eyes-stack.js';
import { createTestCa, startSquid, type RunningSquid, type TestCa } from '../helpers/squid.js';

export interface GatewayStack {
  /** A temporary folder of the stack's own, removed by close(). */
  dir: string;
  ca: TestCa;
  portal: Portal;
  icap: RunningIcap;
  squid: RunningSquid;
  /** The portal as browsers name it: Squid resolves portal.test to 127.0.0.1 (its hosts_file). */
  site: string;
  tokens: { caseworker: string; approver: string };
  /** The ICAP service's log lines. */
  icapLog: string[];
  /** The approval API through the gateway, as the extension calls it: its origin and the user's token. */
  api(token: string, method: 'GET' | 'POST', path: string, body?: unknown): Promise<{ status: number; json: any }>;
  close(): Promise<void>;
}

export async function startGatewayStack(options: { policy?: unknown } = {}): Promise<GatewayStack> {
  const dir = await mkdtemp(join(tmpdir(), 'export-guard-gateway-'));
  const tokens = writeTeamUsers(join(dir, 'users.json'));
  const icapLog: string[] = [];
  const parts: Partial<Pick<GatewayStack, 'ca' | 'portal' | 'icap' | 'squid'>> = {};
  const close = async () => {
    await parts.squid?.close();
    await parts.icap?.close();
    await parts.portal?.close();
    await parts.ca?.close();
    await rm(dir, { recursive: true, force: true });
  };
  try {
    if (options.policy !== undefined) await writeFile(join(dir, 'policy.json'), JSON.stringify(options.policy));
    const ca = (parts.ca = await createTestCa());
    const portal = (parts.portal = await startPortal({ tls: await ca.issue('portal.test') }));
    const site = `https://portal.test:${new URL(portal.url).port}`;
    const config = parseConfig({
      target: 'http://127.0.0.1:1',
      listen: '127.0.0.1:0',
      scan: { workers: 1 },
      ...(options.policy === undefined ? {} : { policy: join(dir, 'policy.json') }),
      identity: { usersFile: join(dir, 'users.json'), extensionOrigins: [EXTENSION_ORIGIN] },
      store: { sqlite: join(dir, 'state.db') },
    }, process.cwd());
    const icap = (parts.icap = await startIcap(config, { host: '127.0.0.1', port: 0 }, { log: createLogger('info', (line) => icapLog.push(line)) }));
    const squid = (parts.squid = await startSquid({ ca, icapUrl: icap.url, hosts: { 'portal.test': '127.0.0.1' } }));
    const api: GatewayStack['api'] = async (token, method, path, body) => {
      const dispatcher = new ProxyAgent({ uri: squid.url, requestTls: { ca: ca.certPem } });
      try {
        const response = await request(`${site}${path}`, {
          method,
          dispatcher,
          headers: { origin: EXTENSION_ORIGIN, [HEADERS.token]: token, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
          body: body === undefined ? undefined : JSON.stringify(body),
        });
        return { status: response.statusCode, json: await response.body.json() };
      } finally {
        await dispatcher.close();
      }
    };
    return { dir, ca, portal, icap, squid, site, tokens, icapLog, api, close };
  } catch (error) {
    await close();
    throw error;
  }
}
