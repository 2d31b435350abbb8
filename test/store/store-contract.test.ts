// One suite for every Store: the embedded SQLite file and the shared PostgreSQL database (a real
// server, test/helpers/postgres.ts) must behave the same. Each test opens two stores on one
// database, as two proxies would, and the concurrency tests race them against each other.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { verifyChain } from '../../proxy/audit/chain.js';
import { SharedAttachmentLedger, type AttachmentRecord } from '../../proxy/attachments.js';
import type { AuditEvent } from '../../proxy/audit/entry.js';
import { PostgresStore } from '../../proxy/store/postgres.js';
import { SqliteStore } from '../../proxy/store/sqlite.js';
import type { ApprovalRecord, CountedSend, Store } from '../../proxy/store/types.js';
import { startPostgres, type TestPostgres } from '../helpers/postgres.js';

const KEY = Buffer.alloc(32, 7);

/** A place for one test's database, and a way to open another store on it (another proxy). */
interface Backend {
  name: string;
  setUp(): Promise<void>;
  tearDown(): Promise<void>;
  database(): Promise<(key?: Buffer) => Promise<Store>>;
}

let server: TestPostgres | undefined;
let tmp: string;
let files = 0;

const BACKENDS: Backend[] = [
  {
    name: 'sqlite',
    async setUp() {
      tmp = mkdtempSync(join(tmpdir(), 'eg-store-'));
    },
    async tearDown() {
      rmSync(tmp, { recursive: true, force: true });
    },
    async database() {
      const path = join(tmp, `state-${++files}.db`);
      return async (key) => new SqliteStore(path, key);
    },
  },
  {
    name: 'postgres',
    async setUp() {
      server = await startPostgres();
    },
    async tearDown() {
      await server?.stop();
    },
    async database() {
      const url = await server!.createDatabase();
      return (key) => PostgresStore.open(url, key);
    },
  },
];

const T0 = Date.parse('2026-03-02T09:00:00.000Z');
const at = (minutes: number) => new Date(T0 + minutes * 60_000).toISOString();
const user = (id: string, team = 'jeugd') => ({ id, name: id.toUpperCase(), team, roles: [] });

function record(id: string, overrides: Partial<ApprovalRecord> = {}): ApprovalRecord {
  return {
    id,
    state: 'pending',
    sender: user('s1'),
    createdAt: at(0),
    expiresAt: at(60),
    subject: 'Overzicht',
    body: 'Zie bijlage',
    recipientCount: 3,
    attachments: [],
    payloadHash: 'f'.repeat(64),
    method: 'POST',
    path: '/api/berichten',
    ...overrides,
  };
}

const event = (type: AuditEvent['type'], user: string, minutes = 0, approvalId?: string): AuditEvent => ({ type, at: at(minutes), facts: { user, approvalId } });
const decision = (minutes: number) => ({ state: 'approved' as const, decidedBy: user('a1'), decidedAt: at(minutes), expiresAt: at(minutes + 30) });

describe.each(BACKENDS)('store contract: $name', (backend) => {
  const open: Store[] = [];
  /** Two stores on one fresh database: two proxies sharing it. */
  async function twoProxies(key?: Buffer): Promise<[Store, Store]> {
    const next = await backend.database();
    const pair: [Store, Store] = [await next(key), await next(key)];
    open.push(...pair);
    return pair;
  }

  beforeAll(() => backend.setUp(), 60_000);
  afterAll(() => backend.tearDown());
  afterEach(async () => {
    await Promise.all(open.splice(0).map((store) => store.close()));
  });

  it('creates, reads and lists approvals newest first, by team, state and page', async () => {
    const [a, b] = await twoProxies();
    await a.createApproval(record('r1'), event('approval-requested', 's1', 0, 'r1'));
    await b.createApproval(record('r2', { sender: user('s2', 'wmo') }), event('approval-requested', 's2', 1, 'r2'));
    await a.createApproval(record('r3'), event('approval-requested', 's1', 2, 'r3'));
    expect(await b.getApproval('r1')).toEqual(record('r1'));
    expect(await b.getApproval('nope')).toBeUndefined();
    const ids = async (filter: Parameters<Store['listApprovals']>[0]) => (await b.listApprovals(filter)).map((r) => r.id);
    expect(await ids({})).toEqual(['r3', 'r2', 'r1']);
    expect(await ids({ team: 'jeugd' })).toEqual(['r3', 'r1']);
    expect(await ids({ limit: 2 })).toEqual(['r3', 'r2']);
    expect(await ids({ before: 'r3', limit: 1 })).toEqual(['r2']);
    expect(await ids({ before: 'r1' })).toEqual([]);
    expect(await ids({ before: 'unknown' })).toEqual([]);
    expect(await ids({ state: 'approved' })).toEqual([]);
    expect((await a.countByState()).pending).toBe(3);
    expect((await a.auditHead()).count).toBe(3);
  });

  it('decides, withdraws and uses only what is pending or granted and unexpired', async () => {
    const [a, b] = await twoProxies();
    for (const id of ['r1', 'r2', 'r3']) await a.createApproval(record(id), event('approval-requested', 's1', 0, id));
    expect(await b.useApproval('r1', at(1), event('send-passed', 's1', 1, 'r1'))).toBe(false);
    expect(await b.decideApproval('r1', decision(1), at(1), event('approval-approved', 'a1', 1, 'r1'))).toBe(true);
    expect(await a.decideApproval('r1', decision(2), at(2), event('approval-approved', 'a1', 2, 'r1'))).toBe(false);
    expect(await a.withdrawApproval('r1', at(2), event('approval-withdrawn', 's1', 2, 'r1'))).toBe(false);
    expect(await a.useApproval('r1', at(40), event('send-passed', 's1', 40, 'r1'))).toBe(false); // past the approval's 30 minutes
    expect(await a.useApproval('r1', at(3), event('send-passed', 's1', 3, 'r1'))).toBe(true);
    expect(await b.useApproval('r1', at(4), event('send-passed', 's1', 4, 'r1'))).toBe(false);
    expect(await b.getApproval('r1')).toMatchObject({ state: 'used', usedAt: at(3), decidedBy: user('a1'), expiresAt: at(31) });

    expect(await b.withdrawApproval('r2', at(5), event('approval-withdrawn', 's1', 5, 'r2'))).toBe(true);
    expect(await a.getApproval('r2')).toMatchObject({ state: 'withdrawn', withdrawnAt: at(5) });
    expect(await a.decideApproval('r3', decision(61), at(61), event('approval-approved', 'a1', 61, 'r3'))).toBe(false);

    const counts = await a.countByState();
    expect(counts).toEqual({ pending: 1, approved: 0, rejected: 0, expired: 0, used: 1, withdrawn: 1 });
    // Refused changes leave no evidence: 3 requests, 1 decision, 1 use, 1 withdrawal.
    expect((await b.auditEntries()).map((e) => e.type)).toEqual([
      'approval-requested',
      'approval-requested',
      'approval-requested',
      'approval-approved',
      'send-passed',
      'approval-withdrawn',
    ]);
  });

  it('expires pending and granted approvals past their time, auditing each', async () => {
    const [a, b] = await twoProxies();
    await a.createApproval(record('r1', { expiresAt: at(10) }), event('approval-requested', 's1', 0, 'r1'));
    await a.createApproval(record('r2', { expiresAt: at(100) }), event('approval-requested', 's1', 0, 'r2'));
    await a.createApproval(record('r3'), event('approval-requested', 's1', 0, 'r3'));
    await a.decideApproval('r3', decision(1), at(1), event('approval-approved', 'a1', 1, 'r3')); // granted until 31
    const expired = await b.expireDue(at(40), (r) => event('approval-expired', r.sender.id, 40, r.id));
    expect(expired.map((r) => r.id).sort()).toEqual(['r1', 'r3']);
    expect(await a.getApproval('r3')).toMatchObject({ state: 'expired' });
    expect(await a.getApproval('r2')).toMatchObject({ state: 'pending' });
    expect(await a.expireDue(at(40), (r) => event('approval-expired', r.sender.id, 40, r.id))).toEqual([]);
    expect((await a.auditEntries()).filter((e) => e.type === 'approval-expired')).toHaveLength(2);
  });

  it('counts bulk sends per sender and refuses the send that would cross the threshold', async () => {
    const [a, b] = await twoProxies();
    const send = (recipients: string[], minutes: number, more: Partial<CountedSend> = {}): CountedSend => ({
      sender: 's1',
      bulks: [{ key: 'sha-1', threshold: 4 }],
      recipients,
      at: at(minutes),
      since: at(minutes - 60),
      ...more,
    });
    expect(await a.countSend(send(['p1', 'p2'], 0))).toBeUndefined();
    expect(await b.countSend(send(['p3'], 1, { checkOnly: true }))).toBeUndefined();
    expect(await b.countSend(send(['p3'], 1))).toBeUndefined();
    expect(await a.countSend(send(['p4'], 2))).toEqual({ key: 'sha-1', total: 4, threshold: 4 });
    expect(await a.countSend(send(['p1'], 2))).toBeUndefined(); // no new recipient
    expect(await a.countSend(send(['p1'], 2, { sender: 's2' }))).toBeUndefined(); // another sender's count
    // An approved send is counted whatever the totals, and covers its recipients afterwards.
    expect(await b.countSend(send(['p4', 'p5'], 3, { approvalId: 'r1' }))).toBeUndefined();
    expect(await a.countSend(send(['p4', 'p5'], 4))).toBeUndefined();
    expect(await a.countSend(send(['p6'], 4))).toEqual({ key: 'sha-1', total: 6, threshold: 4 });
    // An hour later the earlier sends no longer count.
    expect(await b.countSend(send(['p6', 'p7'], 90))).toBeUndefined();
  });

  it('makes the fingerprint secret once and shares it', async () => {
    const [a, b] = await twoProxies();
    const [first, second] = await Promise.all([a.fingerprintSecret(), b.fingerprintSecret()]);
    expect(first).toHaveLength(32);
    expect(second.equals(first)).toBe(true);
    expect((await a.fingerprintSecret()).equals(first)).toBe(true);
  });

  it('chains audit entries, sealed with the key, and records a reported event once', async () => {
    const [a, b] = await twoProxies(KEY);
    expect(await a.auditHead()).toEqual({ count: 0, head: undefined });
    const first = await a.appendAudit(event('upload-blocked', 'u1'));
    expect(first).toMatchObject({ seq: 1, prevHash: '0'.repeat(64), version: 2 });
    expect(await b.appendReportedEvent('ev-1', event('false-block-reported', 'u2', 1))).toBe(true);
    expect(await a.appendReportedEvent('ev-1', event('false-block-reported', 'u2', 1))).toBe(false);
    const third = await b.appendAudit({ type: 'upload-blocked', at: at(2), facts: { user: 'u3', reasonCodes: ['bsn-column'], columns: ['BSN'], size: 12 } });
    const entries = await a.auditEntries();
    expect(entries.map((e) => e.seq)).toEqual([1, 2, 3]);
    expect(entries[2]).toEqual(third);
    expect(verifyChain(entries, KEY)).toEqual([]);
    expect(await b.auditHead()).toEqual({ count: 3, head: third });
  });

  it('two proxies appending at once still make one unbroken chain', async () => {
    const [a, b] = await twoProxies(KEY);
    const appends = Array.from({ length: 60 }, (_, i) => (i % 2 ? a : b).appendAudit(event('upload-blocked', `u${i}`, i)));
    const reported = Array.from({ length: 10 }, (_, i) => (i % 2 ? b : a).appendReportedEvent(`ev-${i % 5}`, event('false-block-reported', 'u', i)));
    await Promise.all(appends);
    expect((await Promise.all(reported)).filter(Boolean)).toHaveLength(5);
    const entries = await b.auditEntries();
    expect(entries.map((e) => e.seq)).toEqual(Array.from({ length: 65 }, (_, i) => i + 1));
    expect(verifyChain(entries, KEY)).toEqual([]);
  });

  it('an approval used through two proxies at once is used exactly once', async () => {
    const [a, b] = await twoProxies();
    for (let i = 0; i < 5; i++) {
      const id = `r${i}`;
      await a.createApproval(record(id), event('approval-requested', 's1', 0, id));
      await b.decideApproval(id, decision(1), at(1), event('approval-approved', 'a1', 1, id));
      const uses = await Promise.all([a, b, a, b].map((store) => store.useApproval(id, at(2), event('send-passed', 's1', 2, id))));
      expect(uses.filter(Boolean)).toHaveLength(1);
    }
    const entries = await a.auditEntries();
    expect(entries.filter((e) => e.type === 'send-passed')).toHaveLength(5);
    expect(verifyChain(entries)).toEqual([]);
  });

  it('concurrent sends through two proxies never take a bulk send past its threshold', async () => {
    const [a, b] = await twoProxies();
    // Several rounds, each on its own bulk send, so the races run on connections already open.
    for (const key of ['sha-1', 'sha-2', 'sha-3']) {
      const sends = Array.from({ length: 16 }, (_, i) =>
        (i % 2 ? a : b).countSend({ sender: 's1', bulks: [{ key, threshold: 5 }], recipients: [`p${i}`], at: at(0), since: at(-60) }),
      );
      const refused = (await Promise.all(sends)).filter(Boolean);
      // 4 recipients pass; a fifth would reach the threshold, so every other send is refused.
      expect(refused).toHaveLength(12);
      expect(refused.every((r) => r!.total === 5)).toBe(true);
    }
  });

  const blob = (size: number, fill = 1) => new Uint8Array(size).fill(fill);
  const kept = async (store: Store, ids: string[]) => (await Promise.all(ids.map((id) => store.getAttachment(id)))).flatMap((f, i) => (f ? [ids[i]] : []));

  it('keeps the sealed attachment ledger for every proxy, the newest within the byte cap', async () => {
    const [a, b] = await twoProxies();
    await a.recordAttachment('f1', blob(40), 100);
    expect(Buffer.from((await b.getAttachment('f1'))!).equals(Buffer.alloc(40, 1))).toBe(true);
    expect(await b.getAttachment('nope')).toBeUndefined();
    await b.recordAttachment('f2', blob(40), 100);
    await a.recordAttachment('f3', blob(40), 100); // 120 bytes: f1, the oldest, goes
    expect(await kept(a, ['f1', 'f2', 'f3'])).toEqual(['f2', 'f3']);
    await b.recordAttachment('f2', blob(10, 2), 100); // recorded again: now the newest, with its new bytes
    await a.recordAttachment('f4', blob(55), 100); // f3 is now the oldest
    expect(await kept(b, ['f2', 'f3', 'f4'])).toEqual(['f2', 'f4']);
    expect(Buffer.from((await a.getAttachment('f2'))!).equals(Buffer.alloc(10, 2))).toBe(true);
    await a.recordAttachment('big', blob(101), 100); // over the cap alone: nothing older is kept, nor itself
    expect(await kept(b, ['f2', 'f4', 'big'])).toEqual([]);
  });

  it('two proxies recording attachments at once stay within the cap together', async () => {
    const [a, b] = await twoProxies();
    await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 ? a : b).recordAttachment(`f${i}`, blob(10), 55)));
    expect(await kept(a, Array.from({ length: 20 }, (_, i) => `f${i}`))).toHaveLength(5);
  });

  it('a shared ledger on the store: an upload recorded through one proxy is read through the other, never readable in the database', async () => {
    const [a, b] = await twoProxies();
    const secret = `Kok ${'x'.repeat(8)} Tilburg;24`;
    const file: AttachmentRecord = { id: 'att-1', name: 'vacatures.csv', size: secret.length, sha256: 'a'.repeat(64), verdict: 'allow', bytes: Buffer.from(secret), user: 'anna', recordedAt: at(0) };
    await new SharedAttachmentLedger(a, 1_000, KEY).record(file);
    const read = await new SharedAttachmentLedger(b, 1_000, KEY).get('att-1');
    expect({ ...read, bytes: Buffer.from(read!.bytes).toString() }).toEqual({ ...file, bytes: secret });
    const stored = Buffer.from((await b.getAttachment('att-1'))!).toString('latin1');
    expect(stored).not.toContain('Tilburg');
    expect(stored).not.toContain('vacatures');
    // Another key, or a sealed file put under another id, opens as unknown.
    expect(await new SharedAttachmentLedger(b, 1_000, Buffer.alloc(32, 8)).get('att-1')).toBeUndefined();
    await b.recordAttachment('att-2', (await b.getAttachment('att-1'))!, 1_000);
    expect(await new SharedAttachmentLedger(b, 1_000, KEY).get('att-2')).toBeUndefined();
  });
});
