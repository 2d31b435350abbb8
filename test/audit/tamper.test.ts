// Every way to tamper with a sealed audit log on a real SQLite file, with the checkpoints the
// proxy's own writer signed, as `export-guard audit verify` finds it. The tamperer holds the
// database, not the audit key.
import { appendFileSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { chainEntry } from '../../proxy/audit/chain.js';
import { CHECKPOINT_FILE, checkCheckpoints, signCheckpoint } from '../../proxy/audit/checkpoint.js';
import { startCheckpoints } from '../../proxy/audit/checkpoint-writer.js';
import type { AuditEntry, AuditEvent } from '../../proxy/audit/entry.js';
import { createAuditKeyFile, type AuditKey } from '../../proxy/audit/key.js';
import { createLogger } from '../../proxy/log.js';
import { Registry } from '../../proxy/ops/metrics.js';
import { SqliteStore } from '../../proxy/store/sqlite.js';
import { auditDatabase, rewriteAudit, tamper, swapPositions } from './audit-database.js';
import { auditCli } from './run-cli.js';

let dir: string;
let db: string;
let keyFile: string;
let key: AuditKey;
let checkpoints: string;

function blocked(i: number): AuditEvent {
  return { type: 'upload-blocked', at: new Date(Date.UTC(2026, 2, i)).toISOString(), facts: { user: `u${i}`, source: 'proxy', reasonCodes: ['bsn-column'], size: 100 * i } };
}

// Ten sealed entries; the writer signs the head at start (entry 6) and at shutdown (entry 10).
beforeEach(async () => {
  ({ dir, path: db } = await auditDatabase([]));
  keyFile = join(dir, 'audit-key.pem');
  key = createAuditKeyFile(keyFile);
  checkpoints = join(dir, 'checkpoints');
  const store = new SqliteStore(db, key.chain);
  for (let i = 1; i <= 6; i += 1) await store.appendAudit(blocked(i));
  const writer = await startCheckpoints({ dir: checkpoints, intervalMinutes: 15 }, key, store, createLogger('error', () => {}), new Registry());
  for (let i = 7; i <= 10; i += 1) await store.appendAudit(blocked(i));
  await writer.close();
  await store.close();
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const cli = auditCli;

const verify = () => cli('verify', '--db', db, '--key', keyFile, '--checkpoints', checkpoints, '--no-record');

async function stored(): Promise<AuditEntry[]> {
  const store = new SqliteStore(db);
  try {
    return await store.auditEntries();
  } finally {
    await store.close();
  }
}

/**
 * The events chained again after the entries kept as they were, as the tamperer can: in plain
 * SHA-256 (no key) or sealed with a key of their own.
 */
function rechain(kept: readonly AuditEntry[], events: readonly AuditEvent[], chainKey?: Buffer): AuditEntry[] {
  const entries = [...kept];
  for (const { type, at, facts } of events) entries.push(chainEntry(entries.at(-1), { type, at, facts }, chainKey));
  return entries;
}

/** Each break as 'SEQ KIND' ('- KIND' for a break of the checkpoints). */
const problems = (out: string) =>
  out
    .split('\n')
    .filter((l) => l.startsWith('BROKEN'))
    .map((l) => /^BROKEN(?: at entry (\d+))? \(([a-z-]+)\)/.exec(l)!.slice(1).map((part) => part ?? '-').join(' '));

describe('audit verify of a sealed log with checkpoints', () => {
  it('an untouched log is intact, checked against the newest checkpoint', async () => {
    const { code, out } = await verify();
    expect(code).toBe(0);
    expect(out).toMatch(/^intact: 10 entries, head 10:[0-9a-f]{64}\nchecked against the checkpoint of \S+ \(10 entries, head 10\)$/);
    expect((await stored()).every((e) => e.version === 2)).toBe(true);
  });

  it('finds an edited entry', async () => {
    tamper(db, `UPDATE audit SET facts = replace(facts, '"size":300', '"size":3') WHERE seq = 3`);
    const { code, out } = await verify();
    expect(code).toBe(1);
    expect(out).toContain('BROKEN at entry 3 (edited): entry 3 does not match its own seal: its content was changed');
  });

  it('finds an edited entry whose hash was recomputed without the key', async () => {
    const entries = await stored();
    const edited = { ...entries[2]!, facts: { ...entries[2]!.facts, size: 3 } };
    entries[2] = { ...chainEntry(entries[1], edited, Buffer.from('a guess at the key')) };
    rewriteAudit(db, entries);
    // The checkpoint of entry 6 still matches: the chain itself shows the edit.
    expect(problems((await verify()).out)).toEqual(['3 edited', '4 relinked']);
  });

  it('finds a deletion with every later hash recomputed, in plain SHA-256 or under a key of the tamperer', async () => {
    const entries = await stored();
    const kept = entries.slice(0, 3);
    const after = entries.slice(4);
    rewriteAudit(db, rechain(kept, after));
    const plain = await verify();
    expect(plain.code).toBe(1);
    // Entries 1-3 come out the same; from 4 on the tamperer could only write unsealed entries.
    expect(problems(plain.out)).toEqual(['4 unkeyed', '5 unkeyed', '6 unkeyed', '7 unkeyed', '8 unkeyed', '9 unkeyed', '6 rewritten', '10 truncated']);
    expect(plain.out).toContain('BROKEN at entry 6 (rewritten): entry 6 is not the entry the checkpoint of');
    expect(plain.out).toContain('the log ends at entry 9: its newest entries were cut off');

    rewriteAudit(db, rechain(kept, after, createAuditKeyFile(join(dir, 'other-key.pem')).chain));
    expect(problems((await verify()).out)).toEqual(['4 edited', '5 edited', '6 edited', '7 edited', '8 edited', '9 edited', '6 rewritten', '10 truncated']);
  });

  it('finds reordered entries', async () => {
    swapPositions(db, 5, 6);
    const { code, out } = await verify();
    expect(code).toBe(1);
    expect(problems(out)).toEqual(['5 out-of-order']);
  });

  it('finds a log cut back at its end, which the chain alone cannot see', async () => {
    tamper(db, 'DELETE FROM audit WHERE seq >= 9');
    expect((await cli('verify', '--db', db, '--key', keyFile, '--no-record')).code).toBe(0);
    const { code, out } = await verify();
    expect(code).toBe(1);
    expect(out).toMatch(/^BROKEN at entry 10 \(truncated\): the checkpoint of \S+ names 10 entries up to entry 10, but the log ends at entry 8: its newest entries were cut off$/);
  });

  it('finds a whole table rewritten as a fresh, valid chain', async () => {
    const events = (await stored()).map((e, i) => (i === 3 ? { ...e, facts: { ...e.facts, user: 'someone else' } } : e));
    rewriteAudit(db, rechain([], events));
    // The fresh chain is consistent in itself (all unsealed, as from before a key); only the checkpoints know better.
    expect((await cli('verify', '--db', db, '--key', keyFile, '--no-record')).code).toBe(0);
    const { code, out } = await verify();
    expect(code).toBe(1);
    expect(problems(out)).toEqual(['6 rewritten']);
  });

  it('does not take a checkpoint the tamperer signed with a key of their own', async () => {
    const entries = rechain([], (await stored()).slice(0, 8));
    rewriteAudit(db, entries);
    const forger = createAuditKeyFile(join(dir, 'forger.pem'));
    appendFileSync(join(checkpoints, CHECKPOINT_FILE), `${JSON.stringify(signCheckpoint({ count: 8, head: entries.at(-1) }, 'shutdown', forger, new Date()))}\n`);
    const { code, out } = await verify();
    expect(code).toBe(1);
    expect(out).toContain(`BROKEN (checkpoint-forged): checkpoint line 3 is not signed by this audit key (${key.id}): it was forged or damaged`);
    expect(problems(out)).toEqual(['- checkpoint-forged', '6 rewritten', '10 truncated']);
  });

  it('does not take a checkpoint edited to fit a cut-back log, nor a damaged line', async () => {
    tamper(db, 'DELETE FROM audit WHERE seq >= 9');
    const file = join(checkpoints, CHECKPOINT_FILE);
    const [start, shutdown] = readFileSync(file, 'utf8').trim().split('\n').map((line) => JSON.parse(line));
    const eighth = (await stored()).at(-1)!;
    writeFileSync(file, [start, { ...shutdown, count: 8, seq: 8, hash: eighth.hash }].map((c) => JSON.stringify(c)).join('\n') + '\nnull\n{"count":1');
    const { code, out } = await verify();
    expect(code).toBe(1);
    expect(problems(out)).toEqual(['- checkpoint-forged', '- checkpoint-forged', '- checkpoint-forged']);
    expect(out).toMatch(/checkpoint line 2 is not signed by this audit key .*\n.*checkpoint line 3 .*\n.*checkpoint line 4 /);
  });

  it('says so when the checkpoints are gone', async () => {
    unlinkSync(join(checkpoints, CHECKPOINT_FILE));
    const { code, out } = await verify();
    expect(code).toBe(1);
    expect(out).toContain('(no-checkpoint): no checkpoint signed by this key in');
  });

  it('will not call sealed entries intact without the key', async () => {
    const { code, out } = await cli('verify', '--db', db, '--no-record');
    expect(code).toBe(2);
    expect(out).toContain('10 entries are sealed with the audit key: give --key FILE or --config FILE to verify them');
  });

  it('reads the key and the checkpoints from the proxy config, records the run, and the report says against what', async () => {
    const config = join(dir, 'config.json');
    writeFileSync(config, JSON.stringify({ target: 'http://portal.invalid', store: { sqlite: 'state.db' }, audit: { keyFile: 'audit-key.pem', checkpoints: { dir: 'checkpoints' } } }));
    expect(JSON.parse((await cli('report', '--config', config, '--format', 'json')).out).lastVerified).toBeUndefined();
    expect((await cli('report', '--config', config)).out).toContain('last verified: never (run `export-guard audit verify --config FILE`)');

    const { code, out } = await cli('verify', '--config', config);
    expect(code).toBe(0);
    expect(out.split('\n').at(-1)).toBe('recorded as entry 11 (audit-verified)');
    const report = JSON.parse((await cli('report', '--config', config, '--format', 'json')).out);
    expect(report.lastVerified).toMatchObject({ result: 'intact', entries: 10, problems: [], checkpointCount: 10 });
    expect((await cli('report', '--config', config)).out).toMatch(/last verified: \S+ by \S+: intact, 10 entries, against the signed checkpoint of \S+ \(10 entries\)/);
    // The record is sealed like every other entry, so the next run verifies it too.
    expect((await cli('verify', '--config', config)).code).toBe(0);

    tamper(db, 'DELETE FROM audit WHERE seq >= 9');
    expect((await cli('verify', '--config', config)).code).toBe(1);
    const broken = JSON.parse((await cli('report', '--config', config, '--format', 'json')).out).lastVerified;
    expect(broken).toMatchObject({ result: 'broken', entries: 8, problems: ['truncated'], checkpointCount: 10 });
    expect((await cli('report', '--config', config)).out).toMatch(/last verified: \S+ by \S+: BROKEN \(truncated\), 8 entries, against the signed checkpoint of/);
  });
});

describe('a log from before the audit key', () => {
  it('stays verifiable: its unsealed entries, then sealed ones once the key is configured', async () => {
    const old = await auditDatabase([1, 2, 3].map(blocked));
    // The schema of a store written before entries carried a version.
    tamper(old.path, 'ALTER TABLE audit DROP COLUMN version');
    const store = new SqliteStore(old.path, key.chain);
    await store.appendAudit(blocked(4));
    await store.close();
    const upgraded = new SqliteStore(old.path);
    expect((await upgraded.auditEntries()).map((e) => e.version)).toEqual([1, 1, 1, 2]);
    await upgraded.close();
    const { code, out } = await cli('verify', '--db', old.path, '--key', keyFile, '--no-record');
    expect(code).toBe(0);
    expect(out).toMatch(/^intact: 4 entries/);
    rmSync(old.dir, { recursive: true, force: true });
  });
});

describe('a long log', () => {
  // Generous time: building 300,000 entries took 9 s on the loaded two-core machine.
  it('is checked against its checkpoints without overflowing the stack', { timeout: 120_000 }, async () => {
    // A few years of a busy office; from about 130,000 entries a spread of their numbers overflowed
    // the stack. The checkpoints look only at numbers and hashes.
    const event = blocked(1);
    const entries: AuditEntry[] = Array.from({ length: 300_000 }, (_, i) => ({ ...event, seq: i + 1, prevHash: '', hash: i.toString(16).padStart(64, '0'), version: 2 }));
    const newest = signCheckpoint({ count: entries.length, head: entries.at(-1) }, 'interval', key, new Date());
    expect(checkCheckpoints(entries, [newest])).toEqual([]);
    expect(checkCheckpoints(entries.slice(0, -1), [newest]).map((p) => p.problem)).toEqual(['truncated']);
  });
});
