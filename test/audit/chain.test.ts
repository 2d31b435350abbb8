// The audit log's hash chain, on a real SQLite file, tampered with through a second connection.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { verifyChain } from '../../proxy/audit/chain.js';
import type { AuditEvent } from '../../proxy/audit/entry.js';
import { SqliteStore } from '../../proxy/store/sqlite.js';
import { auditDatabase, tamper, swapPositions } from './audit-database.js';

let dir: string;
let dbPath: string;

beforeEach(async () => {
  ({ dir, path: dbPath } = await auditDatabase([1, 2, 3, 4, 5].map(blocked)));
});

afterEach(() => rmSync(dir, { recursive: true, force: true }));

function blocked(i: number): AuditEvent {
  return {
    type: 'upload-blocked',
    at: new Date(Date.UTC(2026, 0, i)).toISOString(),
    facts: { user: `u${i}`, source: 'proxy', reasonCodes: ['bsn-column'], columns: ['BSN'], sha256: ['a'.repeat(64)], size: 100 * i },
  };
}

async function problems() {
  const store = new SqliteStore(dbPath);
  try {
    return verifyChain(await store.auditEntries());
  } finally {
    await store.close();
  }
}

describe('audit hash chain', () => {
  it('an untouched log verifies', async () => {
    expect(await problems()).toEqual([]);
  });

  it('finds an edited entry', async () => {
    tamper(dbPath, `UPDATE audit SET facts = replace(facts, '"size":300', '"size":3') WHERE seq = 3`);
    expect(await problems()).toEqual([expect.objectContaining({ seq: 3, problem: 'edited' })]);
  });

  it('finds a removed entry', async () => {
    tamper(dbPath, 'DELETE FROM audit WHERE seq = 3');
    expect(await problems()).toEqual([expect.objectContaining({ seq: 4, problem: 'missing-before' })]);
  });

  it('finds a removed first entry', async () => {
    tamper(dbPath, 'DELETE FROM audit WHERE seq = 1');
    expect(await problems()).toEqual([expect.objectContaining({ seq: 2, problem: 'missing-before' })]);
  });

  it('finds two reordered entries', async () => {
    swapPositions(dbPath, 2, 3);
    expect(await problems()).toEqual([expect.objectContaining({ seq: 2, problem: 'out-of-order' })]);
  });

  it('finds an entry replaced by a forged one with a valid own hash', async () => {
    const store = new SqliteStore(join(dir, 'other.db'));
    for (let i = 1; i <= 3; i += 1) await store.appendAudit({ ...blocked(i), facts: { ...blocked(i).facts, user: 'forger' } });
    const forged = (await store.auditEntries())[2]!;
    await store.close();
    tamper(dbPath, `UPDATE audit SET at = '${forged.at}', facts = '${JSON.stringify(forged.facts)}', prev_hash = '${forged.prevHash}', hash = '${forged.hash}' WHERE seq = 3`);
    const found = await problems();
    expect(found.map((p) => [p.seq, p.problem])).toEqual([
      [3, 'relinked'],
      [4, 'relinked'],
    ]);
  });
});
