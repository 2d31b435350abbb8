// A real state database for the audit tests, and tampering with it through a second connection,
// the way someone with access to the file would.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { AuditEvent } from '../../proxy/audit/entry.js';
import { SqliteStore } from '../../proxy/store/sqlite.js';

/** A fresh temporary folder holding state.db, whose audit log holds `events` in order. */
export async function auditDatabase(events: readonly AuditEvent[]): Promise<{ dir: string; path: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'eg-audit-'));
  const path = join(dir, 'state.db');
  const store = new SqliteStore(path);
  for (const event of events) await store.appendAudit(event);
  await store.close();
  return { dir, path };
}

export function tamper(path: string, sql: string): void {
  const connection = new Database(path);
  connection.exec(sql);
  connection.close();
}
