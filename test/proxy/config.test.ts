import { describe, expect, it } from 'vitest';
import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadConfig, parseConfig } from '../../proxy/config.js';
import { parseFourEyesConfig } from '../../proxy/approval/config.js';
import { EXTENSION_ORIGIN } from '../../extension/extension-id.js';
import { parsePolicy } from '../../shared/policy/parse.js';
import { SqliteStore } from '../../proxy/store/sqlite.js';

describe('proxy config', () => {
  it('fills in defaults and resolves paths against the config file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'eg-config-'));
    const file = join(dir, 'office.json');
    await writeFile(file, JSON.stringify({ $comment: 'Kantoor Utrecht', target: 'https://werkportaal.example', policy: 'policy.json', tls: { cert: 'tls/cert.pem', key: 'tls/key.pem' } }));
    await mkdir(join(dir, 'tls'));
    for (const name of ['policy.json', 'tls/cert.pem', 'tls/key.pem']) await writeFile(join(dir, name), '{}');
    const config = await loadConfig(['--config', file, '--listen', '0.0.0.0:8443']);
    expect(config.target.href).toBe('https://werkportaal.example/');
    expect(config.listen).toEqual({ host: '0.0.0.0', port: 8443 });
    expect(config.policy).toBe(join(dir, 'policy.json'));
    expect(config.tls).toEqual({ cert: join(dir, 'tls/cert.pem'), key: join(dir, 'tls/key.pem') });
    expect(config.scan).toEqual({ workers: Math.max(1, availableParallelism() - 1), timeoutMs: undefined, maxHeapMb: 1024 });
    expect(config.uploads.attachmentIdField).toBe('id');
  });

  it('names the field of a file it cannot read, at start', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'eg-config-'));
    const file = join(dir, 'office.json');
    await writeFile(file, JSON.stringify({ target: 'https://werkportaal.example', tls: { cert: 'tls/werkportaal.pem', key: 'tls/key.pem' } }));
    await expect(loadConfig(['--config', file])).rejects.toThrow(`config.tls.cert: cannot read '${join(dir, 'tls/werkportaal.pem')}' (no such file)`);
    await expect(loadConfig(['--config', file, '--policy', join(dir, 'nope.json')])).rejects.toThrow(/^config\.policy: cannot read .*nope\.json' \(no such file\)/);
  });

  it('names the store field when the database cannot be opened', () => {
    expect(() => new SqliteStore(join(tmpdir(), 'eg-no-such-folder', 'state.db'))).toThrow(/^config\.store\.sqlite: cannot open '.*state\.db': .*directory does not exist/);
  });

  it('accepts the documented sample office config as shipped, with its sample policy and approval sections', async () => {
    const config = await loadConfig(['--config', 'deploy/export-guard.config.json']);
    expect(config.listen).toEqual({ host: '0.0.0.0', port: 8080 });
    expect(config.policy).toMatch(/deploy\/policy\.json$/);
    expect(parsePolicy(JSON.parse(await readFile(config.policy!, 'utf8'))).protectedSites).toEqual(['https://werkportaal.example/*']);
    const fourEyes = parseFourEyesConfig(config.features, config.baseDir);
    expect(fourEyes.approval.sendRoutes[0]?.path).toBe('/api/messages');
    expect(fourEyes.storePath).toBe('/var/lib/export-guard/state.db');
    // The sample must let the extension this repository builds call the approval API.
    expect(fourEyes.extensionOrigins).toEqual(expect.arrayContaining([EXTENSION_ORIGIN, 'moz-extension://*']));
  });

  it('reads --flag=value as the other commands do', async () => {
    const config = await loadConfig(['--target=http://127.0.0.1:3001', '--listen=0.0.0.0:8443']);
    expect(config.target.origin).toBe('http://127.0.0.1:3001');
    expect(config.listen).toEqual({ host: '0.0.0.0', port: 8443 });
  });

  it('lets flags stand alone and override the file', async () => {
    const config = await loadConfig(['--target', 'http://127.0.0.1:3001', '--listen', '[::1]:0']);
    expect(config.target.origin).toBe('http://127.0.0.1:3001');
    expect(config.listen).toEqual({ host: '::1', port: 0 });
  });

  it('passes the approval feature sections on for their own validation', () => {
    const config = parseConfig({ target: 'http://portal', approval: { threshold: 2 }, identity: { usersFile: 'users.json' } }, '/etc/export-guard');
    expect(config.features).toEqual({ approval: { threshold: 2 }, identity: { usersFile: 'users.json' } });
  });

  const invalid: [string, Record<string, unknown>, RegExp][] = [
    ['missing target', {}, /^config\.target: required/],
    ['target not a URL', { target: 'portal' }, /^config\.target: not a URL/],
    ['target not http', { target: 'ftp://portal' }, /^config\.target: must be http or https/],
    ['a typo at the top', { target: 'http://p', listne: '1:2' }, /^config\.listne: unknown field/],
    ['a typo in a section', { target: 'http://p', scan: { worker: 2 } }, /^config\.scan\.worker: unknown field/],
    ['listen without port', { target: 'http://p', listen: 'localhost' }, /^config\.listen: expected HOST:PORT/],
    ['port out of range', { target: 'http://p', listen: 'localhost:70000' }, /^config\.listen port: expected an integer/],
    ['workers not a number', { target: 'http://p', scan: { workers: 'two' } }, /^config\.scan\.workers: expected an integer/],
    ['tls without key', { target: 'http://p', tls: { cert: 'c.pem' } }, /^config\.tls\.key: expected a non-empty string/],
    ['log level unknown', { target: 'http://p', logLevel: 'loud' }, /^config\.logLevel: one of/],
    ['changeOrigin not a boolean', { target: 'http://p', changeOrigin: 'yes' }, /^config\.changeOrigin: expected true or false/],
  ];
  for (const [name, raw, message] of invalid) {
    it(`names the field: ${name}`, () => {
      expect(() => parseConfig(raw, '/tmp')).toThrow(ConfigError);
      expect(() => parseConfig(raw, '/tmp')).toThrow(message);
    });
  }

  it('explains unreadable files, bad JSON and unknown flags', async () => {
    await expect(loadConfig(['--config', '/nonexistent/office.json'])).rejects.toThrow(/cannot read config file '\/nonexistent\/office.json': ENOENT/);
    const dir = await mkdtemp(join(tmpdir(), 'eg-config-'));
    await writeFile(join(dir, 'bad.json'), '{ "target": ');
    await expect(loadConfig(['--config', join(dir, 'bad.json')])).rejects.toThrow(/config file '.*bad.json': .*JSON/);
    await expect(loadConfig(['--taget', 'http://p'])).rejects.toThrow(/Unknown option '--taget'/);
    await expect(loadConfig(['--target'])).rejects.toThrow(/Option '--target <value>' argument missing/);
    await expect(loadConfig(['--target', 'http://p', 'extra'])).rejects.toThrow(/Unexpected argument 'extra'[^]*usage: export-guard proxy/);
  });
});
