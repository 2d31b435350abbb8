// `npm start`: the demo portal with export-guard's proxy in front of it, after `build:extension`
// has built the extension. Open the proxy's URL: it is the portal, protected.
// Ports: PORTAL_PORT (default 3001), PROXY_PORT (default 8080, the extension's default proxy URL).
import { startPortal } from '../demo-portal/server.js';
import { parseConfig } from '../proxy/config.js';
import { startProxy } from '../proxy/server.js';
import { createLogger } from '../proxy/log.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EXTENSION_ORIGIN } from '../extension/extension-id.js';
import { ANY_FIREFOX_EXTENSION } from '../proxy/approval/config.js';
import { DEMO_TEAM, seedDemoUsers } from './demo-users.js';
import { createAuditKeyFile } from '../proxy/audit/key.js';

// A fresh users file and approval store per run, outside the work tree.
const stateDir = mkdtempSync(join(tmpdir(), 'export-guard-demo-'));
const users = seedDemoUsers(join(stateDir, 'users.json'));
const fourEyes = {
  identity: { usersFile: join(stateDir, 'users.json'), extensionOrigins: [EXTENSION_ORIGIN, ANY_FIREFOX_EXTENSION] },
  store: { sqlite: join(stateDir, 'state.db') },
};
// The audit log sealed and checkpointed as an office should run it (docs/audit.md).
createAuditKeyFile(join(stateDir, 'audit-key.pem'));
const audit = { keyFile: join(stateDir, 'audit-key.pem'), checkpoints: { dir: join(stateDir, 'checkpoints') } };
// The demo's state lives only as long as the demo: a stop, or a start that fails, removes it.
process.once('exit', () => rmSync(stateDir, { recursive: true, force: true }));

/** A port in use is a common first-hour stumble: say which variable moves it, not a stack trace. */
async function listening<T>(what: string, variable: string, port: string, start: () => Promise<T>): Promise<T> {
  try {
    return await start();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error;
    console.error(`export-guard demo: port ${port} (${what}) is already in use. Stop what uses it, or choose another port: ${variable}=8081 npm start`);
    process.exit(1);
  }
}

const portalPort = process.env.PORTAL_PORT ?? '3001';
const proxyPort = process.env.PROXY_PORT ?? '8080';
const portal = await listening('the demo portal', 'PORTAL_PORT', portalPort, () => startPortal({ port: Number(portalPort) }));
const proxy = await listening('the proxy', 'PROXY_PORT', proxyPort, () =>
  startProxy(parseConfig({ target: portal.url, listen: `127.0.0.1:${proxyPort}`, ...fourEyes, audit }, process.cwd()), { log: createLogger('warn') }),
);

const someone = portal.jobSeekers[0]!;
console.log(`
export-guard demo

  Portal, protected by export-guard:  ${proxy.url}/
    log in as a caseworker, pick recipients, attach a file, send.
    An export ("Exporteer deze lijst naar CSV" on the compose page) is refused when attached.
  A job seeker's inbox:               ${proxy.url}/inbox/${someone.id}
  Proxy health and metrics:           ${proxy.url}/healthz  ${proxy.url}/metrics
  The same portal without the proxy:  ${portal.url}/   (only the extension stands in the way there)

  The extension is built. Load it in the browser you open the portal with:
    Chromium/Edge: chrome://extensions > Developer mode > Load unpacked > ${join(process.cwd(), 'dist/chromium')}
    Firefox:       about:debugging > This Firefox > Load Temporary Add-on > ${join(process.cwd(), 'dist/firefox/manifest.json')}

  Four-eyes approval (team ${DEMO_TEAM}): each user pastes their token into the extension's options page
  (right-click the extension's icon > Options; proxy URL ${proxy.url}). Without a token the extension
  cannot ask for approval, and the proxy refuses the bulk send.
${users.map((u) => `    ${u.name.padEnd(16)} ${u.roles.join(', ').padEnd(22)} ${u.token}`).join('\n')}
    A group message with an attachment waits until another user with the approver role approves it.
  Audit evidence:  npx export-guard audit report --db ${join(stateDir, 'state.db')}
                   npx export-guard audit verify --db ${join(stateDir, 'state.db')} --key ${audit.keyFile} --checkpoints ${audit.checkpoints.dir}

Ctrl+C stops both and removes ${stateDir}.`);

await new Promise((resolve) => {
  process.once('SIGINT', resolve);
  process.once('SIGTERM', resolve);
});
await proxy.close();
await portal.close();
