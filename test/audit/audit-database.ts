// A real state database for the audit tests, and tampering with it through a second connection,
// the way someone with access to the file would.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { AuditEntry, AuditEvent } from '../../proxy/audit/entry.js';
import { SqliteStore } from '../../proxy/store/sqlite.js';

/** A fresh temporary folder holding state.db, whose audit log holds `events` in order (sealed when a chain key is given). */
export async function auditDatabase(events: readonly AuditEvent[], chainKey?: Buffer): Promise<{ dir: string; path: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'eg-audit-'));
  const path = join(dir, 'state.db');
  const store = new SqliteStore(path, chainKey);
  for (const event of events) await store.appendAudit(event);
  await store.close();
  return { dir, path };
}

export function tamper(path: string, sql: string): void {
  const connection = new Database(path);
  connection.exec(sql);
  connection.close();
}

/** Swaps the stored places of two entries: the rows stay, their order changes. */
export function swapPositions(path: string, a: number, b: number): void {
  tamper(path, `
    UPDATE audit SET position = -1 WHERE position = ${a};
    UPDATE audit SET position = ${a} WHERE position = ${b};
    UPDATE audit SET position = ${b} WHERE position = -1;
  `);
}

/** Replaces the whole audit table with `entries`, as someone rewriting the log with hashes of their own would. */
export function rewriteAudit(path: string, entries: readonly AuditEntry[]): void {
  const connection = new Database(path);
  const insert = connection.prepare('INSERT INTO audit (seq, at, type, facts, prev_hash, hash, version) VALUES (?, ?, ?, ?, ?, ?, ?)');
  connection.transaction(() => {
    connection.exec('DELETE FROM audit');
    for (const e of entries) insert.run(e.seq, e.at, e.type, JSON.stringify(e.facts), e.prevHash, e.hash, e.version);
  })();
  connection.close();
}
