// Approval API latency at 50 concurrent clients (create, list pending, approve), and what a valid
// approval adds to a send, measured side by side with a send that needs none, in one run; on the
// embedded SQLite store and on a PostgreSQL store (a local server, durable commits) side by side.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startPortal } from '../demo-portal/server.js';
import { parseConfig } from '../proxy/config.js';
import { hashToken, newToken } from '../proxy/identity/tokens.js';
import { writeUsersFile } from '../proxy/identity/users-file.js';
import { createLogger } from '../proxy/log.js';
import { startProxy } from '../proxy/server.js';
import { HEADERS, ROUTES } from '../shared/api.js';
import { portalLogin } from '../test/demo-portal/login.js';
import { postgresBinDir, startPostgres } from '../test/helpers/postgres.js';
import { concurrently, percentile, type Timing } from './load.js';

const CLIENTS = 50;
const REQUESTS = 500;
const SENDS = 200;

interface Measured {
  create: Timing;
  list: Timing;
  approve: Timing;
  plain: number[];
  withApproval: number[];
}

export async function run(): Promise<void> {
  const results: [string, Measured][] = [];
  const sqliteDir = mkdtempSync(join(tmpdir(), 'eg-bench-sqlite-'));
  try {
    results.push(['SQLite', await measure({ sqlite: join(sqliteDir, 'state.db') })]);
  } finally {
    rmSync(sqliteDir, { recursive: true, force: true });
  }
  if (postgresBinDir()) {
    const server = await startPostgres({ durable: true });
    try {
      results.push(['PostgreSQL', await measure({ postgres: await server.createDatabase() })]);
    } finally {
      await server.stop();
    }
  } else {
    console.log('PostgreSQL is not installed (/usr/lib/postgresql/*/bin/initdb): measured SQLite only');
  }

  const names = results.map(([name]) => name.padStart(20)).join('');
  console.log(`approval API, ${CLIENTS} concurrent clients, ${REQUESTS} requests per operation (req/s, p50 ms, p99 ms):`);
  console.log(`  operation       ${names}`);
  for (const op of ['create', 'list', 'approve'] as const) {
    const cells = results.map(([, m]) => `${m[op].rps.toFixed(0).padStart(6)} ${fmt(m[op].p50)}${fmt(m[op].p99)}`.padStart(20)).join('');
    console.log(`  ${(op === 'list' ? 'list pending' : op).padEnd(14)} ${cells}`);
  }
  console.log(`sends through the proxy, ${SENDS} each, one after another (p50 ms, p99 ms):`);
  console.log(`  send                      ${names}`);
  for (const [label, key] of [['needs no approval', 'plain'], ['carries a valid approval', 'withApproval']] as const) {
    console.log(`  ${label.padEnd(24)} ${results.map(([, m]) => `${fmt(percentile(m[key], 50))}${fmt(percentile(m[key], 99))}`.padStart(20)).join('')}`);
  }
  for (const [name, m] of results) {
    const added = percentile(m.withApproval, 50) - percentile(m.plain, 50);
    console.log(`  ${name}: added by the approval check (p50) ${added.toFixed(2)} ms, ratio ${(percentile(m.withApproval, 50) / percentile(m.plain, 50)).toFixed(2)}x`);
  }
}

async function measure(store: Record<string, string>): Promise<Measured> {
  const dir = mkdtempSync(join(tmpdir(), 'eg-bench-approval-'));
  const usersFile = join(dir, 'users.json');
  const tokens = { anna: newToken(), carla: newToken() };
  writeUsersFile(usersFile, {
    users: [
      { id: 'anna', name: 'Anna', team: 'A', roles: ['caseworker'], tokenSha256: hashToken(tokens.anna) },
      { id: 'carla', name: 'Carla', team: 'A', roles: ['approver'], tokenSha256: hashToken(tokens.carla) },
    ],
  });
  const portal = await startPortal({ jobSeekers: 300 });
  const proxy = await startProxy(
    parseConfig({ target: portal.url, listen: '127.0.0.1:0', identity: { usersFile }, store }, dir),
    { log: createLogger('error') },
  );
  try {
    const call = async (user: keyof typeof tokens, method: string, path: string, body?: unknown) => {
      const response = await fetch(proxy.url + path, {
        method,
        headers: { [HEADERS.token]: tokens[user], ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const json = (await response.json()) as { approval?: { id: string } };
      if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${JSON.stringify(json)}`);
      return json;
    };
    const recipients = portal.jobSeekers.slice(0, 3).map((p) => p.id);
    const payload = (i: number) => ({ method: 'POST', path: '/api/messages', contentType: 'application/json', body: sendBody(recipients, ['att-x'], `Bericht ${i}`) });

    const ids: string[] = [];
    const create = await concurrently(CLIENTS, REQUESTS, async (i) => {
      ids.push((await call('anna', 'POST', ROUTES.approvals, { payload: payload(i) })).approval!.id);
    });
    const list = await concurrently(CLIENTS, REQUESTS, () => call('carla', 'GET', `${ROUTES.approvals}?state=pending`));
    const approve = await concurrently(CLIENTS, REQUESTS, (i) => call('carla', 'POST', ROUTES.decision(ids[i]!), { decision: 'approve' }));

    // Sends: the same portal work either way (3 recipients); one needs an approval, one does not.
    const session = await portalLogin(portal.url, 'Anna de Vries');
    const form = new FormData();
    form.append('file', new Blob(['Uitnodiging voor de banenmarkt.\n']), 'uitnodiging.txt');
    const attachmentId = ((await (await fetch(`${proxy.url}/api/attachments`, { method: 'POST', headers: { cookie: session, [HEADERS.token]: tokens.anna }, body: form })).json()) as { id: string }).id;
    const approved: { id: string; body: string }[] = [];
    for (let i = 0; i < SENDS; i += 1) {
      const body = sendBody(recipients, [attachmentId], `Verzending ${i}`);
      const { approval } = await call('anna', 'POST', ROUTES.approvals, { payload: { method: 'POST', path: '/api/messages', contentType: 'application/json', body } });
      await call('carla', 'POST', ROUTES.decision(approval!.id), { decision: 'approve' });
      approved.push({ id: approval!.id, body });
    }
    const send = async (body: string, approvalId?: string) => {
      const started = performance.now();
      const response = await fetch(`${proxy.url}/api/messages`, {
        method: 'POST',
        headers: { cookie: session, 'content-type': 'application/json', [HEADERS.token]: tokens.anna, ...(approvalId ? { [HEADERS.approval]: approvalId } : {}) },
        body,
      });
      await response.arrayBuffer();
      if (response.status !== 200) throw new Error(`send: ${response.status}`);
      return performance.now() - started;
    };
    const plain: number[] = [];
    const withApproval: number[] = [];
    // Interleaved, so drift on a shared machine hits both alike.
    for (let i = 0; i < SENDS; i += 1) {
      plain.push(await send(sendBody(recipients, [], `Zonder bijlage ${i}`)));
      withApproval.push(await send(approved[i]!.body, approved[i]!.id));
    }

    return { create, list, approve, plain, withApproval };
  } finally {
    await proxy.close();
    await portal.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

function sendBody(recipientIds: string[], attachmentIds: string[], subject: string): string {
  return JSON.stringify({ recipientIds, subject, body: 'Graag tot dinsdag.', attachmentIds });
}

const fmt = (ms: number) => ms.toFixed(2).padStart(8);
