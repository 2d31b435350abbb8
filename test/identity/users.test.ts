// Users and tokens: the users command writes a real file, the directory reads it as the proxy does.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { run as users } from '../../cli/commands/users.js';
import { UserDirectory } from '../../proxy/identity/directory.js';
import { UsersFileError } from '../../proxy/identity/users-file.js';
import { HEADERS } from '../../shared/api.js';

let dir: string;
let file: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'eg-users-'));
  file = join(dir, 'users.json');
});
afterEach(() => {
  vi.restoreAllMocks();
  rmSync(dir, { recursive: true, force: true });
});

/** Runs `export-guard users ...` and returns its exit code and what it printed. */
async function cli(...argv: string[]): Promise<{ code: number; out: string }> {
  const printed: string[] = [];
  vi.spyOn(console, 'log').mockImplementation((line: string) => void printed.push(line));
  vi.spyOn(console, 'error').mockImplementation((line: string) => void printed.push(line));
  const code = await users([...argv, '--file', file]);
  vi.restoreAllMocks();
  return { code, out: printed.join('\n') };
}

async function addUser(id: string, team: string, roles: string): Promise<string> {
  const { code, out } = await cli('add', '--id', id, '--name', `Name ${id}`, '--team', team, '--roles', roles);
  expect(code).toBe(0);
  return out.trim().split('\n').pop()!;
}

describe('users command and directory', () => {
  it('adds a user whose token authenticates, storing only its hash', async () => {
    const token = await addUser('anna', 'team-a', 'caseworker,approver');
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(readFileSync(file, 'utf8')).not.toContain(token);
    const directory = new UserDirectory({ usersFile: file, ssoTrustedSources: [] });
    expect(directory.byToken(token)).toEqual({ id: 'anna', name: 'Name anna', team: 'team-a', roles: ['caseworker', 'approver'] });
    expect(directory.byToken(token.slice(0, -1) + (token.endsWith('A') ? 'B' : 'A'))).toBeUndefined();
    expect(directory.byToken('')).toBeUndefined();
  });

  it('a new token replaces the old one, and a running directory sees it without restart', async () => {
    const old = await addUser('bram', 'team-a', 'caseworker');
    const directory = new UserDirectory({ usersFile: file, ssoTrustedSources: [] });
    expect(directory.byToken(old)?.id).toBe('bram');
    const { code, out } = await cli('token', '--id', 'bram');
    expect(code).toBe(0);
    const fresh = out.trim().split('\n').pop()!;
    expect(directory.byToken(old)).toBeUndefined();
    expect(directory.byToken(fresh)?.id).toBe('bram');
  });

  it('lists without tokens, removes, and refuses duplicates and unknown roles', async () => {
    await addUser('anna', 'team-a', 'approver');
    await addUser('bram', 'team-a', 'caseworker');
    expect((await cli('add', '--id', 'anna', '--name', 'X', '--team', 't', '--roles', 'caseworker')).code).toBe(1);
    expect((await cli('add', '--id', 'cas', '--name', 'X', '--team', 't', '--roles', 'boss')).code).toBe(2);
    expect((await cli('list')).out).toBe('anna\tName anna\tteam-a\tapprover\nbram\tName bram\tteam-a\tcaseworker');
    expect((await cli('remove', '--id', 'anna')).code).toBe(0);
    expect((await cli('remove', '--id', 'anna')).code).toBe(1);
    expect((await cli('list')).out).toBe('bram\tName bram\tteam-a\tcaseworker');
  });

  it('a damaged users file is a clear error, never an empty directory', () => {
    writeFileSync(file, '{"users": [{"id": "x"}]}');
    expect(() => new UserDirectory({ usersFile: file, ssoTrustedSources: [] })).toThrow(UsersFileError);
    expect(() => new UserDirectory({ usersFile: file, ssoTrustedSources: [] })).toThrow(/users\.json: users\[0\]\.name: expected a non-empty string, got nothing/);
  });
});

describe('authenticating requests', () => {
  let server: Server;
  let directory: UserDirectory;
  let url: string;

  async function whoami(headers: Record<string, string>): Promise<string> {
    return (await fetch(url, { headers })).text();
  }

  async function start(ssoTrustedSources: string[]): Promise<void> {
    directory = new UserDirectory({ usersFile: file, ssoHeader: 'x-remote-user', ssoTrustedSources });
    server = createServer((req, res) => res.end(directory.authenticate(req)?.id ?? 'nobody'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  }

  afterEach(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('by token, and by SSO header only from a trusted address', async () => {
    const token = await addUser('anna', 'team-a', 'caseworker');
    await start(['127.0.0.1']);
    expect(await whoami({ [HEADERS.token]: token })).toBe('anna');
    expect(await whoami({ [HEADERS.token]: 'wrong' })).toBe('nobody');
    expect(await whoami({ 'x-remote-user': 'anna' })).toBe('anna');
    expect(await whoami({ 'x-remote-user': 'nobody-known' })).toBe('nobody');
  });

  it('ignores the SSO header from any other address', async () => {
    await addUser('anna', 'team-a', 'caseworker');
    await start(['10.1.2.3']);
    expect(await whoami({ 'x-remote-user': 'anna' })).toBe('nobody');
  });
});
