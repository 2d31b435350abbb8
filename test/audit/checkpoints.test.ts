// The checkpoint writer on real files and a real UDP socket, the audit key file, and the proxy
// writing checkpoints at start and shutdown.
import { createSocket } from 'node:dgram';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { CHECKPOINT_FILE, readCheckpoints, type Checkpoint } from '../../proxy/audit/checkpoint.js';
import { startCheckpoints } from '../../proxy/audit/checkpoint-writer.js';
import { createAuditKeyFile, readAuditKeyFile, type AuditKey } from '../../proxy/audit/key.js';
import { createLogger } from '../../proxy/log.js';
import { Registry } from '../../proxy/ops/metrics.js';
import { SqliteStore } from '../../proxy/store/sqlite.js';
import { run as audit } from '../../cli/commands/audit.js';
import { fixtureBytes } from '../helpers/fixtures.js';
import { startTestProxy } from '../proxy/start.js';
import { startUpstream } from '../proxy/upstream.js';

let dir: string;
let key: AuditKey;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'eg-checkpoints-'));
  key = createAuditKeyFile(join(dir, 'audit-key.pem'));
});
afterEach(() => {
  vi.useRealTimers();
  rmSync(dir, { recursive: true, force: true });
});

function written(checkpointDir: string): Checkpoint[] {
  const { checkpoints, problems } = readCheckpoints(readFileSync(join(checkpointDir, CHECKPOINT_FILE), 'utf8'), key);
  expect(problems).toEqual([]);
  return checkpoints;
}

const event = (i: number) => ({ type: 'send-passed' as const, at: new Date(Date.UTC(2026, 0, i)).toISOString(), facts: { user: 'anna', recipients: 1 } });

describe('the audit key file', () => {
  it('is created readable by its owner only, never over an existing one', () => {
    const path = join(dir, 'audit-key.pem');
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(readAuditKeyFile(path, 'config.audit.keyFile').id).toBe(key.id);
    expect(() => createAuditKeyFile(path)).toThrow(`'${path}' exists: an audit key is never replaced, the entries it sealed would become unverifiable`);
    expect(readAuditKeyFile(path, 'config.audit.keyFile').id).toBe(key.id);
  });

  it('is refused when others can read it, or is missing, naming the field', () => {
    const path = join(dir, 'audit-key.pem');
    chmodSync(path, 0o644);
    expect(() => readAuditKeyFile(path, 'config.audit.keyFile')).toThrow(`config.audit.keyFile: cannot use '${path}': others can read it (mode 644): chmod 600 '${path}'`);
    expect(() => readAuditKeyFile(join(dir, 'gone.pem'), 'config.audit.keyFile')).toThrow(/^config\.audit\.keyFile: .*no such file \(create one with `export-guard audit key --out FILE`\)$/);
  });
});

describe('the checkpoint writer', () => {
  it('signs the head at start, at each interval when it moved, and at shutdown', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    const store = new SqliteStore(':memory:', key.chain);
    const checkpointDir = join(dir, 'checkpoints');
    await store.appendAudit(event(1));
    const writer = await startCheckpoints({ dir: checkpointDir, intervalMinutes: 15 }, key, store, createLogger('error', () => {}), new Registry());
    await store.appendAudit(event(2));
    await vi.advanceTimersByTimeAsync(15 * 60_000);
    // Nothing new in the next interval: no checkpoint that proves nothing new.
    await vi.advanceTimersByTimeAsync(15 * 60_000);
    await writer.close();
    const head = (await store.auditHead()).head!;
    await store.close();
    expect(written(checkpointDir).map(({ reason, count, seq }) => [reason, count, seq])).toEqual([
      ['start', 1, 1],
      ['interval', 2, 2],
      ['shutdown', 2, 2],
    ]);
    expect(written(checkpointDir).at(-1)).toMatchObject({ hash: head.hash, keyId: key.id });
  });

  it('counts a checkpoint it could not write, and logs why, for IT to alert on', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    const store = new SqliteStore(':memory:', key.chain);
    const checkpointDir = join(dir, 'checkpoints');
    const metrics = new Registry();
    const logged: string[] = [];
    const writer = await startCheckpoints({ dir: checkpointDir, intervalMinutes: 15 }, key, store, createLogger('error', (line) => logged.push(line)), metrics);
    // Whatever stands where the file should be: here a directory.
    rmSync(join(checkpointDir, CHECKPOINT_FILE));
    mkdirSync(join(checkpointDir, CHECKPOINT_FILE));
    await store.appendAudit(event(1));
    await vi.advanceTimersByTimeAsync(15 * 60_000);
    await writer.close();
    await store.close();
    expect(metrics.render()).toContain('export_guard_audit_checkpoints_total{outcome="written"} 1');
    expect(metrics.render()).toContain('export_guard_audit_checkpoints_total{outcome="failed"} 2');
    expect(logged.map((line) => JSON.parse(line)).map(({ event, reason }) => [event, reason])).toEqual([
      ['audit-checkpoint-failed', 'interval'],
      ['audit-checkpoint-failed', 'shutdown'],
    ]);
  });

  it('sends each checkpoint to a syslog server as RFC 5424', async () => {
    const server = createSocket('udp4');
    const received: string[] = [];
    server.on('message', (message) => received.push(message.toString('utf8')));
    await new Promise<void>((resolve) => server.bind(0, '127.0.0.1', resolve));
    const store = new SqliteStore(':memory:', key.chain);
    const writer = await startCheckpoints({ dir: join(dir, 'checkpoints'), intervalMinutes: 15, syslog: { host: '127.0.0.1', port: server.address().port } }, key, store, createLogger('error', () => {}), new Registry());
    await writer.close();
    await store.close();
    await vi.waitFor(() => expect(received).toHaveLength(2), { timeout: 10_000 });
    server.close();
    const match = /^<109>1 (\S+) \S+ export-guard \d+ audit-checkpoint - (\{.*\})$/.exec(received[1]!);
    expect(match).not.toBeNull();
    // The syslog copy is a complete checkpoint: whoever keeps it can verify it with the key alone.
    expect(readCheckpoints(match![2]!, key)).toMatchObject({ checkpoints: [{ reason: 'shutdown', at: match![1] }], problems: [] });
  });

  it('keeps the proxy from starting when it cannot write a checkpoint', async () => {
    const store = new SqliteStore(':memory:', key.chain);
    const blocker = join(dir, 'audit-key.pem');
    await expect(startCheckpoints({ dir: join(blocker, 'checkpoints'), intervalMinutes: 15 }, key, store, createLogger('error', () => {}), new Registry())).rejects.toThrow(/^config\.audit\.checkpoints\.dir: cannot create/);
    await store.close();
  });
});

// Starting the proxy's scan workers takes seconds on a loaded two-core machine.
describe('the proxy', { timeout: 60_000 }, () => {
  it('seals its audit entries and writes a checkpoint at start and at shutdown, also into its own log', async () => {
    const upstream = await startUpstream();
    const checkpointDir = join(dir, 'checkpoints');
    const proxy = await startTestProxy(upstream.url, { store: { sqlite: join(dir, 'state.db') }, audit: { keyFile: join(dir, 'audit-key.pem'), checkpoints: { dir: checkpointDir } } });
    try {
      expect(written(checkpointDir).map((c) => c.reason)).toEqual(['start']);
      const refused = await fetch(`${proxy.url}/upload`, { method: 'POST', headers: { 'content-type': 'text/csv' }, body: Buffer.from(await fixtureBytes('leak-3-bsn-only.csv')) });
      expect(refused.status).toBe(422);
      expect(await (await fetch(`${proxy.url}/metrics`)).text()).toContain('export_guard_audit_checkpoints_total{outcome="written"} 1');
    } finally {
      await proxy.close();
      await upstream.close();
    }
    expect(written(checkpointDir).map((c) => c.reason)).toEqual(['start', 'shutdown']);
    // The proxy's own log line is a checkpoint as it stands (journald keeps it away from the database).
    const logged = proxy.logLines.filter((line) => JSON.parse(line).event === 'audit-checkpoint');
    expect(readCheckpoints(logged.join(''), key)).toMatchObject({ checkpoints: [{ reason: 'start' }, { reason: 'shutdown' }], problems: [] });
    const store = new SqliteStore(join(dir, 'state.db'));
    expect((await store.auditEntries()).map((e) => [e.type, e.version])).toEqual([['upload-blocked', 2]]);
    await store.close();
    expect(written(checkpointDir).at(-1)).toMatchObject({ count: 1, seq: 1 });
    vi.spyOn(console, 'log').mockImplementation(() => {});
    expect(await audit(['verify', '--db', join(dir, 'state.db'), '--key', join(dir, 'audit-key.pem'), '--checkpoints', checkpointDir, '--no-record'])).toBe(0);
    vi.restoreAllMocks();
  });

  it('does not start without the key on a sealed log', async () => {
    const db = join(dir, 'state.db');
    const sealed = new SqliteStore(db, key.chain);
    await sealed.appendAudit(event(1));
    await sealed.close();
    const upstream = await startUpstream();
    try {
      await expect(startTestProxy(upstream.url, { store: { sqlite: db } })).rejects.toThrow('config.audit.keyFile: the audit log is sealed with an audit key and this proxy has none');
    } finally {
      await upstream.close();
    }
  });

  it('does not start with a key file others can read', async () => {
    chmodSync(join(dir, 'audit-key.pem'), 0o640);
    const upstream = await startUpstream();
    try {
      await expect(startTestProxy(upstream.url, { audit: { keyFile: join(dir, 'audit-key.pem') } })).rejects.toThrow(/^config\.audit\.keyFile: .*others can read it/);
    } finally {
      await upstream.close();
    }
  });
});
