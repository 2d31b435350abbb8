// The forward mode's config and start: every mistake is refused with the field it is about, before
// the proxy listens (a forward proxy that cannot intercept would let the portal's traffic through unchecked).
import { chmod, copyFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig, parseConfig } from '../../proxy/config.js';
import { createLogger } from '../../proxy/log.js';
import { startProxy } from '../../proxy/server.js';
import { createTestCa, type TestCa } from '../helpers/squid.js';

let dir: string;
let ca: TestCa;
let other: TestCa;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'export-guard-forward-config-'));
  ca = await createTestCa();
  other = await createTestCa();
}, 60_000);
afterAll(async () => {
  await ca?.close();
  await other?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** The section with the test CA's files (read at start; parsing reads no file, so the table below can name any). */
const forward = (extra: Record<string, unknown> = {}) => ({ protectedHosts: ['werkportaal.example'], ca: ca ? { cert: ca.certPath, key: ca.keyPath } : { cert: 'ca.pem', key: 'ca.key' }, ...extra });
const parse = (raw: Record<string, unknown>) => parseConfig(raw, dir);

describe('forward mode config', () => {
  it('reads the hosts (lower case, without a trailing dot) and resolves paths against the config file', () => {
    const config = parse({ mode: 'forward', forward: { protectedHosts: ['Werkportaal.Example.', '10.0.0.5', '[::1]'], ca: { cert: 'ca.pem', key: 'ca.key' }, upstreamCa: 'extra.pem' } });
    expect(config.mode).toBe('forward');
    expect(config.forward).toEqual({ protectedHosts: ['werkportaal.example', '10.0.0.5', '::1'], ca: { cert: join(dir, 'ca.pem'), key: join(dir, 'ca.key') }, upstreamCa: join(dir, 'extra.pem') });
    expect(parse({ target: 'http://portal' }).mode).toBe('reverse');
  });

  it.each([
    [{ mode: 'sideways', target: 'http://portal' }, 'config.mode: expected one of reverse, forward'],
    [{ mode: 'forward' }, 'config.forward: required in forward mode'],
    [{ mode: 'forward', target: 'https://portal', forward: forward() }, 'config.target: not used in forward mode'],
    [{ target: 'https://portal', forward: forward() }, 'config.forward: only used in forward mode'],
    [{ mode: 'forward', forward: forward({ protectedHosts: [] }) }, 'config.forward.protectedHosts: name at least one host'],
    [{ mode: 'forward', forward: forward({ protectedHosts: ['https://werkportaal.example'] }) }, 'config.forward.protectedHosts[0]: expected a host name or IP address'],
    [{ mode: 'forward', forward: forward({ protectedHosts: ['*.example'] }) }, 'config.forward.protectedHosts[0]: expected a host name'],
    [{ mode: 'forward', forward: forward({ protectedHosts: ['portal:443'] }) }, 'config.forward.protectedHosts[0]: expected a host name'],
    [{ mode: 'forward', forward: { protectedHosts: ['p.example'] } }, 'config.forward.ca: expected an object'],
    [{ mode: 'forward', forward: forward({ ca: { cert: 'a' } }) }, 'config.forward.ca.key: expected a non-empty string'],
    [{ mode: 'forward', forward: forward({ hosts: [] }) }, 'config.forward.hosts: unknown field'],
  ])('%j is refused: %s', (raw, message) => {
    expect(() => parse(raw)).toThrow(message);
  });

  it('--mode forward with a config file; an unreadable CA file is named at load', async () => {
    const file = join(dir, 'forward.json');
    await writeFile(file, JSON.stringify({ forward: forward() }));
    expect((await loadConfig(['--config', file, '--mode', 'forward'])).forward?.protectedHosts).toEqual(['werkportaal.example']);
    await writeFile(file, JSON.stringify({ mode: 'forward', forward: forward({ ca: { cert: join(dir, 'missing.pem'), key: ca.keyPath } }) }));
    await expect(loadConfig(['--config', file])).rejects.toThrow('config.forward.ca.cert: cannot read');
  });
});

describe('forward mode start', () => {
  const start = (extra: Record<string, unknown>) => startProxy(parse({ mode: 'forward', listen: '127.0.0.1:0', scan: { workers: 1 }, selfTest: { enabled: false }, forward: forward(), ...extra }), { log: createLogger('error', () => undefined) });

  it('refuses a CA key others can read', async () => {
    const key = join(dir, 'open.key');
    await copyFile(ca.keyPath, key);
    await chmod(key, 0o644);
    await expect(start({ forward: forward({ ca: { cert: ca.certPath, key } }) })).rejects.toThrow(/^config\.forward\.ca\.key: others can read .* \(mode 644\): chmod 600 it$/);
  });

  it('refuses a key that is not the CA certificate\'s', async () => {
    await expect(start({ forward: forward({ ca: { cert: ca.certPath, key: other.keyPath } }) })).rejects.toThrow('config.forward.ca.key: ');
    await expect(start({ forward: forward({ ca: { cert: ca.certPath, key: other.keyPath } }) })).rejects.toThrow('is not the key of');
  });

  it('refuses a certificate that is not a CA', async () => {
    const leaf = await ca.issue('werkportaal.example');
    const cert = join(dir, 'leaf.pem');
    const key = join(dir, 'leaf.key');
    await writeFile(cert, leaf.cert);
    await writeFile(key, leaf.key, { mode: 0o600 });
    await expect(start({ forward: forward({ ca: { cert, key } }) })).rejects.toThrow('config.forward.ca.cert: ');
    await expect(start({ forward: forward({ ca: { cert, key } }) })).rejects.toThrow('is not a CA certificate');
  });

  it('refuses tls on the listener (browsers speak plain HTTP and CONNECT to a forward proxy)', async () => {
    await expect(start({ tls: { cert: ca.certPath, key: ca.keyPath } })).rejects.toThrow('config.tls: not used in forward mode');
  });
});
