// The demo portal behind the real proxy with the four-eyes feature on a real SQLite file, and
// a team of users with real tokens. Every approval test starts from here.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startPortal, type Portal } from '../../demo-portal/server.js';
import { hashToken, newToken } from '../../proxy/identity/tokens.js';
import { writeUsersFile } from '../../proxy/identity/users-file.js';
import type { AuditEntry } from '../../proxy/audit/entry.js';
import { PostgresStore } from '../../proxy/store/postgres.js';
import { SqliteStore } from '../../proxy/store/sqlite.js';
import { HEADERS, ROUTES, type Role } from '../../shared/api.js';
import { portalLogin } from '../demo-portal/login.js';
import { startTestProxy, type TestProxy } from '../proxy/start.js';

export const EXTENSION_ORIGIN = 'chrome-extension://abcdefghijklmnopabcdefghijklmnop';
/** The office's SSO gateway is this machine: its user header is trusted from 127.0.0.1. */
export const SSO_HEADER = 'x-remote-user';

/** anna and bram are caseworkers of team A, carla its approver; dirk approves for team B; eva is in A without the role. */
const PEOPLE: [id: string, team: string, roles: Role[]][] = [
  ['anna', 'A', ['caseworker']],
  ['bram', 'A', ['caseworker']],
  ['carla', 'A', ['caseworker', 'approver']],
  ['dirk', 'B', ['caseworker', 'approver']],
  ['eva', 'A', ['caseworker', 'admin']],
];

export interface Harness {
  dir: string;
  dbPath: string;
  portal: Portal;
  proxy: TestProxy;
  tokens: Record<string, string>;
  /** The audit log as `export-guard audit` reads it: from the database file, beside the running proxy. */
  audit(): Promise<AuditEntry[]>;
  /** Starts the proxy again on the same database and users file. */
  restart(): Promise<void>;
  /** Starts another proxy sharing the database and users file, as a second proxy of the office does; closed by close(). */
  another(): Promise<TestProxy>;
  close(): Promise<void>;
}

/** more: further config sections, e.g. a shared store ({ store: { postgres: URL } }) and the audit key every proxy on it needs. */
export async function startHarness(approval: Record<string, unknown> = {}, identity: Record<string, unknown> = {}, more: { store?: { postgres: string }; [section: string]: unknown } = {}): Promise<Harness> {
  const dir = mkdtempSync(join(tmpdir(), 'eg-approval-'));
  const usersFile = join(dir, 'users.json');
  const dbPath = join(dir, 'state.db');
  const tokens: Record<string, string> = {};
  writeUsersFile(usersFile, {
    users: PEOPLE.map(([id, team, roles]) => {
      tokens[id] = newToken();
      return { id, name: `${id[0]!.toUpperCase()}${id.slice(1)}`, team, roles, tokenSha256: hashToken(tokens[id]!) };
    }),
  });
  const portal = await startPortal({ jobSeekers: 300 });
  const config = { identity: { usersFile, extensionOrigins: [EXTENSION_ORIGIN], ssoHeader: SSO_HEADER, ssoTrustedSources: ['127.0.0.1'], ...identity }, store: { sqlite: dbPath }, approval, ...more };
  const others: TestProxy[] = [];
  const harness: Harness = {
    dir,
    dbPath,
    portal,
    proxy: await startTestProxy(portal.url, config),
    tokens,
    async audit() {
      const store = more.store ? await PostgresStore.open(more.store.postgres) : new SqliteStore(dbPath);
      try {
        return await store.auditEntries();
      } finally {
        await store.close();
      }
    },
    async restart() {
      const logLines = harness.proxy.logLines;
      await harness.proxy.close();
      harness.proxy = await startTestProxy(portal.url, config);
      harness.proxy.logLines.unshift(...logLines);
    },
    async another() {
      const other = await startTestProxy(portal.url, config);
      others.push(other);
      return other;
    },
    async close() {
      for (const other of others) await other.close();
      await harness.proxy.close();
      await portal.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return harness;
}

/** Logs in to the portal through the proxy, as a caseworker's browser does. */
export function portalSession(h: Harness): Promise<string> {
  return portalLogin(h.proxy.url, 'Anna de Vries');
}

export async function upload(h: Harness, session: string, user: string, name: string, content: string | Uint8Array, via = h.proxy.url): Promise<Response> {
  const form = new FormData();
  form.append('file', new Blob([typeof content === 'string' ? content : new Uint8Array(content)]), name);
  return fetch(`${via}/api/attachments`, { method: 'POST', headers: { cookie: session, [HEADERS.token]: h.tokens[user]! }, body: form });
}

/** Uploads a file through the proxy as `user` and returns the attachment id the portal gave it. */
export async function attach(h: Harness, session: string, user: string, content: string, via = h.proxy.url): Promise<string> {
  const response = await upload(h, session, user, 'uitnodiging.txt', content, via);
  if (response.status !== 200) throw new Error(`upload answered ${response.status}: ${await response.text()}`);
  return ((await response.json()) as { id: string }).id;
}

/** The start most four-eyes tests share: a harness, Anna's portal session, one attachment of hers and three recipients. */
export async function startSendHarness(attachmentText: string): Promise<{ h: Harness; session: string; attachmentId: string; recipients: string[] }> {
  const h = await startHarness();
  const session = await portalSession(h);
  const attachmentId = await attach(h, session, 'anna', attachmentText);
  return { h, session, attachmentId, recipients: h.portal.jobSeekers.slice(0, 3).map((p) => p.id) };
}

export function sendBody(recipientIds: string[], attachmentIds: string[], subject = 'Uitnodiging banenmarkt'): string {
  return JSON.stringify({ recipientIds, subject, body: 'Graag tot dinsdag.', attachmentIds });
}

export async function send(h: Harness, session: string, user: string, body: string, approvalId?: string, via = h.proxy.url): Promise<Response> {
  const headers: Record<string, string> = { cookie: session, 'content-type': 'application/json', [HEADERS.token]: h.tokens[user]! };
  if (approvalId) headers[HEADERS.approval] = approvalId;
  return fetch(`${via}/api/messages`, { method: 'POST', headers, body });
}

/** Calls the proxy's API as the extension does: its origin, the user's token. */
export async function api(h: Harness, user: string | undefined, method: 'GET' | 'POST', path: string, body?: unknown, headers: Record<string, string> = {}): Promise<{ status: number; json: any }> {
  const all: Record<string, string> = { origin: EXTENSION_ORIGIN, ...headers };
  if (user) all[HEADERS.token] = h.tokens[user]!;
  if (body !== undefined) all['content-type'] = 'application/json';
  const response = await fetch(h.proxy.url + path, { method, headers: all, body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body) });
  const text = await response.text();
  return { status: response.status, json: text ? JSON.parse(text) : undefined };
}

export function requestApproval(h: Harness, user: string, body: string) {
  return api(h, user, 'POST', ROUTES.approvals, { payload: { method: 'POST', path: '/api/messages', contentType: 'application/json', body } });
}

export function decide(h: Harness, user: string, id: string, decision: 'approve' | 'reject', reason?: string) {
  return api(h, user, 'POST', ROUTES.decision(id), { decision, reason });
}

