// Two `export-guard proxy` processes, as two offices run them, on one PostgreSQL store (a real
// server). A request approved through one is sent through the other exactly once. One is killed
// (SIGKILL) with sends in flight: the other still has every request and approval, each approval
// goes out at most once, and the audit chain both wrote verifies.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPortal, type Portal } from '../../demo-portal/server.js';
import { verifyChain } from '../../proxy/audit/chain.js';
import { createAuditKeyFile, type AuditKey } from '../../proxy/audit/key.js';
import { hashToken, newToken } from '../../proxy/identity/tokens.js';
import { writeUsersFile } from '../../proxy/identity/users-file.js';
import { PostgresStore } from '../../proxy/store/postgres.js';
import { HEADERS, ROUTES } from '../../shared/api.js';
import { portalLogin } from '../demo-portal/login.js';
import { startPostgres, type TestPostgres } from '../helpers/postgres.js';

let server: TestPostgres;
let portal: Portal;
let dir: string;
let key: AuditKey;
let databaseUrl: string;
const tokens = { anna: newToken(), carla: newToken() };
const children: ChildProcess[] = [];

/** Between the proxy to be killed and the portal: holds sends until released, and drops a send whose proxy went away. */
let relay: { url: string; server: Server; held: number; release(): void };

beforeAll(async () => {
  server = await startPostgres();
  databaseUrl = await server.createDatabase();
  dir = mkdtempSync(join(tmpdir(), 'eg-pg-procs-'));
  key = createAuditKeyFile(join(dir, 'audit-key.pem'));
  writeUsersFile(join(dir, 'users.json'), {
    users: [
      { id: 'anna', name: 'Anna', team: 'A', roles: ['caseworker'], tokenSha256: hashToken(tokens.anna) },
      { id: 'carla', name: 'Carla', team: 'A', roles: ['caseworker', 'approver'], tokenSha256: hashToken(tokens.carla) },
    ],
  });
  portal = await startPortal({ jobSeekers: 300 });
  relay = await startRelay(portal.url);
}, 60_000);

afterAll(async () => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  relay?.server.close();
  await portal?.close();
  await server?.stop();
  rmSync(dir, { recursive: true, force: true });
});

async function startProxyProcess(office: string, target: string): Promise<{ url: string; child: ChildProcess }> {
  const config = join(dir, `${office}.json`);
  writeFileSync(
    config,
    JSON.stringify({
      target,
      listen: '127.0.0.1:0',
      logLevel: 'info',
      scan: { workers: 1 },
      selfTest: { enabled: false },
      identity: { usersFile: 'users.json' },
      store: { postgres: databaseUrl },
      audit: { keyFile: 'audit-key.pem' },
    }),
  );
  const child = spawn(process.execPath, ['--import', 'tsx', 'cli/main.ts', 'proxy', '--config', config], { cwd: process.cwd(), stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let output = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`proxy ${office} did not start in 60 s:\n${output}`)), 60_000);
    const read = (chunk: Buffer) => {
      output += chunk.toString();
      const started = output.split('\n').find((line) => line.includes('"proxy-started"'));
      if (!started) return;
      clearTimeout(timer);
      // From here on its log is drained unread, so a full pipe never blocks the proxy.
      for (const stream of [child.stdout!, child.stderr!]) stream.off('data', read).resume();
      resolve((JSON.parse(started) as { url: string }).url);
    };
    child.stdout!.on('data', read);
    child.stderr!.on('data', read);
    child.once('exit', (code) => reject(new Error(`proxy ${office} exited with ${code}:\n${output}`)));
  });
  return { url, child };
}

const call = async (via: string, user: keyof typeof tokens, method: string, path: string, body?: unknown) => {
  const response = await fetch(via + path, { method, headers: { [HEADERS.token]: tokens[user], ...(body === undefined ? {} : { 'content-type': 'application/json' }) }, body: body === undefined ? undefined : JSON.stringify(body) });
  return { status: response.status, json: (await response.json()) as any };
};
const sendBody = (recipients: string[], subject: string) => JSON.stringify({ recipientIds: recipients, subject, body: 'Graag tot dinsdag.', attachmentIds: [] });
const send = async (via: string, session: string, body: string, approvalId: string) =>
  (await fetch(`${via}/api/messages`, { method: 'POST', headers: { cookie: session, 'content-type': 'application/json', [HEADERS.token]: tokens.anna, [HEADERS.approval]: approvalId }, body })).status;

/** Files a bulk send (more recipients than may go without approval) through `via` and has Carla approve it through `approver`. */
async function approved(via: string, approver: string, subject: string): Promise<{ id: string; body: string }> {
  const body = sendBody(portal.jobSeekers.slice(0, 120).map((p) => p.id), subject);
  const created = await call(via, 'anna', 'POST', ROUTES.approvals, { payload: { method: 'POST', path: '/api/messages', contentType: 'application/json', body } });
  expect(created.status).toBe(201);
  expect((await call(approver, 'carla', 'POST', ROUTES.decision(created.json.approval.id), { decision: 'approve' })).status).toBe(200);
  return { id: created.json.approval.id, body };
}

const delivered = (subject: string) => portal.mailbox.sent().filter((m) => m.subject === subject).length;

describe('two proxy processes on one PostgreSQL store', { timeout: 120_000 }, () => {
  it('approved through one, sent through the other exactly once; one killed mid-send loses nothing and sends nothing twice', async () => {
    const [east, west] = await Promise.all([startProxyProcess('east', relay.url), startProxyProcess('west', portal.url)]);
    const session = await portalLogin(west.url, 'Anna de Vries');

    // Filed through east, approved through west, sent through west; east then finds it used.
    const first = await approved(east.url, west.url, 'Eerste ronde');
    expect(await send(west.url, session, first.body, first.id)).toBe(200);
    expect(await send(east.url, session, first.body, first.id)).toBe(428);
    expect(delivered('Eerste ronde')).toBe(1);

    // Five approved sends go through east and are held on their way to the portal; east dies.
    const inFlight = await Promise.all([1, 2, 3, 4, 5].map((i) => approved(west.url, east.url, `Onderweg ${i}`)));
    const waiting = await approved(east.url, east.url, 'Nog niet verstuurd');
    const pending = (await call(east.url, 'anna', 'POST', ROUTES.approvals, { payload: { method: 'POST', path: '/api/messages', contentType: 'application/json', body: sendBody(portal.jobSeekers.slice(0, 120).map((p) => p.id), 'Wacht op Carla') } })).json.approval.id as string;
    const cut = inFlight.map(({ id, body }) => send(east.url, session, body, id).catch(() => 'cut off'));
    const deadline = Date.now() + 30_000;
    while (relay.held < 5 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(relay.held).toBe(5);
    east.child.kill('SIGKILL');
    expect(await Promise.all(cut)).toEqual(Array(5).fill('cut off'));
    relay.release();

    // West has every request: the cut-off sends' approvals were used (at most once: they cannot go
    // again), the one not yet sent goes out through west once, the pending one is still pending.
    const listed = await call(west.url, 'carla', 'GET', ROUTES.approvals);
    const state = (id: string) => listed.json.approvals.find((a: { id: string }) => a.id === id)?.state;
    for (const { id, body } of inFlight) {
      expect(state(id)).toBe('used');
      expect(await send(west.url, session, body, id)).toBe(428);
    }
    expect(state(pending)).toBe('pending');
    expect(await send(west.url, session, waiting.body, waiting.id)).toBe(200);
    expect(await send(west.url, session, waiting.body, waiting.id)).toBe(428);
    expect(delivered('Nog niet verstuurd')).toBe(1);
    for (const i of [1, 2, 3, 4, 5]) expect(delivered(`Onderweg ${i}`)).toBe(0);

    const store = await PostgresStore.open(databaseUrl, key.chain);
    try {
      const entries = await store.auditEntries();
      expect(verifyChain(entries, key.chain)).toEqual([]);
      const passed = (id: string) => entries.filter((e) => e.type === 'send-passed' && e.facts.approvalId === id).length;
      for (const { id } of [first, waiting, ...inFlight]) expect(passed(id)).toBe(1);
    } finally {
      await store.close();
    }
  });
});

async function startRelay(target: string): Promise<typeof relay> {
  let releases: (() => void)[] = [];
  const state = {
    held: 0,
    release() {
      for (const go of releases) go();
      releases = [];
    },
  };
  const server = createServer((req, res) => {
    const forward = () => {
      const upstream = request(new URL(req.url!, target), { method: req.method, headers: req.headers }, (answer) => {
        res.writeHead(answer.statusCode!, answer.headers);
        answer.pipe(res);
      });
      upstream.on('error', () => res.destroy());
      req.pipe(upstream);
    };
    if (req.method !== 'POST' || req.url !== '/api/messages') return forward();
    state.held += 1;
    // A send whose proxy died before the portal got it is not delivered: the portal never saw it.
    let gone = false;
    res.on('close', () => (gone = !res.writableFinished));
    req.pause();
    releases.push(() => (gone ? req.destroy() : forward()));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return Object.assign(state, { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server });
}
