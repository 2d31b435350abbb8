// One way to validate every input the proxy takes (proxy/config-fields.ts): the config file, the
// users file and the API bodies each name the field that is wrong, in the same words, and never
// repeat a given text (an API body or a users file may carry personal data; messages are logged).
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HEADERS, ROUTES } from '../../shared/api.js';
import { ConfigError, parseConfig } from '../../proxy/config.js';
import { readUsersFile, UsersFileError } from '../../proxy/identity/users-file.js';
import { startTestProxy } from './start.js';
import { startUpstream } from './upstream.js';
import { startHarness, EXTENSION_ORIGIN, type Harness } from '../approval/harness.js';

describe('one validation style', () => {
  it('the config file names the field and what it expected', () => {
    expect(() => parseConfig({ target: 'http://p', scan: { workers: 'twee' } }, '/tmp')).toThrow(ConfigError);
    expect(() => parseConfig({ target: 'http://p', scan: { workers: 'twee' } }, '/tmp')).toThrow('config.scan.workers: expected an integer from 1 to 64, got other text');
  });

  it('the users file names the file, the user and the field, without the value', async () => {
    const file = join(await mkdtemp(join(tmpdir(), 'eg-fields-')), 'users.json');
    const user = { id: 'anna', name: 'Anna de Vries', team: 'A', roles: ['approver'], tokenSha256: 'a'.repeat(64) };
    await writeFile(file, JSON.stringify({ users: [user, { ...user, id: 'bram', roles: ['boss'] }] }));
    expect(() => readUsersFile(file)).toThrow(UsersFileError);
    expect(() => readUsersFile(file)).toThrow(`${file}: users[1].roles[0]: expected one of caseworker, approver, officer, admin, got other text`);
    await writeFile(file, JSON.stringify({ users: [{ ...user, tokenSha256: 'Anna de Vries' }] }));
    expect(() => readUsersFile(file)).toThrow(`${file}: users[0].tokenSha256: expected 64 hex digits, got other text`);
  });

  it('a configured users file that does not exist is a warning at start, naming the field and the path', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'eg-fields-'));
    const usersFile = join(dir, 'users.json');
    const upstream = await startUpstream();
    const proxy = await startTestProxy(upstream.url, { identity: { usersFile }, store: { sqlite: ':memory:' } });
    try {
      const warnings = proxy.logLines.map((line) => JSON.parse(line) as Record<string, string>).filter((line) => line.event === 'users-file-missing');
      expect(warnings).toEqual([expect.objectContaining({ level: 'warn', field: 'config.identity.usersFile', path: usersFile })]);
      expect(warnings[0]!.message).toContain(`export-guard users add --file ${usersFile}`);
    } finally {
      await proxy.close();
      await upstream.close();
    }
  });

  describe('API bodies', () => {
    let h: Harness;
    beforeAll(async () => {
      h = await startHarness();
    });
    afterAll(() => h.close());

    const post = async (route: string, body: unknown) => {
      const response = await fetch(h.proxy.url + route, {
        method: 'POST',
        headers: { origin: EXTENSION_ORIGIN, [HEADERS.token]: h.tokens.anna!, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      return { status: response.status, json: (await response.json()) as { error: string; message: string } };
    };

    it('answer 400 naming the field, and never repeat what was sent', async () => {
      const report = { type: 'false-block', sha256: 'a'.repeat(64), kind: 'csv', reasonCodes: ['BSN 123456782'], size: 10, at: '2026-03-02T10:00:00Z', eventId: 'r-1' };
      expect(await post(ROUTES.falseBlocks, report)).toEqual({
        status: 400,
        json: { error: 'malformed-report', message: 'reasonCodes[0]: expected a reason code, got other text' },
      });
      expect((await post(ROUTES.falseBlocks, { ...report, reasonCodes: [], size: -1 })).json.message).toBe('size: expected an integer from 0 to 9007199254740991, got -1');
      expect((await post(ROUTES.events, [])).json).toEqual({ error: 'malformed-event', message: 'body: expected an object' });
      const event = { source: 'extension', site: 'https://portal/compose', via: 'picker', fileName: '', sha256: 'a'.repeat(64), kind: 'csv', size: 1, reasonCodes: [], columns: [], at: 'gisteren', eventId: 'e-1' };
      expect((await post(ROUTES.events, event)).json).toEqual({ error: 'malformed-event', message: 'at: expected an ISO time, got other text' });
      expect((await post(ROUTES.events, { ...event, at: '2026-03-02T10:00:00Z' })).status).toBe(201);
    });
  });
});
