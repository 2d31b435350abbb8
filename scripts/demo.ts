// `npm start`: the demo portal with export-guard's proxy in front of it, after `build:extension`
// has built the extension. Open the proxy's URL: it is the portal, protected.
// Ports: PORTAL_PORT (default 3001), PROXY_PORT (default 8080, the extension's default proxy URL).
import { startPortal } from '../demo-portal/server.js';
import { parseConfig } from '../proxy/config.js';
import { startProxy } from '../proxy/server.js';
import { createLogger } from '../proxy/log.js';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EXTENSION_ORIGIN } from '../extension/extension-id.js';
import { ANY_FIREFOX_EXTENSION } from '../proxy/approval/config.js';
import { DEMO_TEAM, seedDemoUsers } from './demo-users.js';

// A fresh users file and approval store per run, outside the work tree.
const stateDir = mkdtempSync(join(tmpdir(), 'export-guard-demo-'));
const users = seedDemoUsers(join(stateDir, 'users.json'));
const fourEyes = {
  identity: { usersFile: join(stateDir, 'users.json'), extensionOrigins: [EXTENSION_ORIGIN, ANY_FIREFOX_EXTENSION] },
  store: { sqlite: join(stateDir, 'state.db') },
};
const portal = await startPortal({ port: Number(process.env.PORTAL_PORT ?? 3001) });
const proxy = await startProxy(
  parseConfig({ target: portal.url, listen: `127.0.0.1:${process.env.PROXY_PORT ?? 8080}`, ...fourEyes }, process.cwd()),
  { log: createLogger('warn') },
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

  Four-eyes approval (team ${DEMO_TEAM}): paste a token into the extension's options (proxy URL ${proxy.url})
${users.map((u) => `    ${u.name.padEnd(16)} ${u.roles.join(', ').padEnd(22)} ${u.token}`).join('\n')}
    A group message with an attachment waits until another user with the approver role approves it.
  Audit evidence:  npx export-guard audit report --db ${join(stateDir, 'state.db')}
                   npx export-guard audit verify --db ${join(stateDir, 'state.db')}

Ctrl+C stops both.`);

await new Promise((resolve) => {
  process.once('SIGINT', resolve);
  process.once('SIGTERM', resolve);
});
await proxy.close();
await portal.close();
