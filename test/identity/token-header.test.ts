// The token is the proxy's credential: the proxy uses it and the protected site never sees it,
// while every other header and the body pass unchanged.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { hashToken, newToken } from '../../proxy/identity/tokens.js';
import { writeUsersFile } from '../../proxy/identity/users-file.js';
import { HEADERS } from '../../shared/api.js';
import { startTestProxy, type TestProxy } from '../proxy/start.js';
import { startUpstream, type Upstream } from '../proxy/upstream.js';

let dir: string;
let upstream: Upstream;
let proxy: TestProxy;
const token = newToken();

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'eg-token-header-'));
  const usersFile = join(dir, 'users.json');
  writeUsersFile(usersFile, { users: [{ id: 'anna', name: 'Anna', team: 'A', roles: ['caseworker'], tokenSha256: hashToken(token) }] });
  upstream = await startUpstream();
  proxy = await startTestProxy(upstream.url, { identity: { usersFile } });
});
afterAll(async () => {
  await proxy.close();
  await upstream.close();
  rmSync(dir, { recursive: true, force: true });
});

it('strips the token before forwarding and knows the user it belongs to', async () => {
  const body = JSON.stringify({ recipientIds: ['js-1'], subject: 'Hallo', body: 'Tot dan.', attachmentIds: [] });
  const response = await fetch(`${proxy.url}/api/messages`, {
    method: 'POST',
    headers: { [HEADERS.token]: token, 'content-type': 'application/json', 'x-portal-header': 'blijft' },
    body,
  });
  expect(response.status).toBe(200);
  const received = upstream.received.at(-1)!;
  expect(received.headers[HEADERS.token]).toBeUndefined();
  expect(received.headers['x-portal-header']).toBe('blijft');
  expect(received.body.toString()).toBe(body);
  expect(proxy.logLines.join('')).toContain('"user":"anna"');
  expect(proxy.logLines.join('')).not.toContain(token);
});
