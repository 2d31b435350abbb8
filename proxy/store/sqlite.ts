// The embedded store: one SQLite file (WAL), written in transactions that take the write lock
// first, so two proxies sharing the file still chain audit entries one after another.
import { randomBytes } from 'node:crypto';
import Database from 'better-sqlite3';
import { APPROVAL_STATES, type ApprovalState } from '../../shared/api.js';
import { chainEntry } from '../audit/chain.js';
import type { AuditEntry, AuditEvent } from '../audit/entry.js';
import { ApprovalMoves } from './approval-moves.js';
import type { ApprovalFilter, ApprovalRecord, BulkOverThreshold, CountedSend, Store } from './types.js';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS approvals (
  id TEXT PRIMARY KEY,
  state TEXT NOT NULL,
  sender_id TEXT NOT NULL,
  sender_team TEXT NOT NULL,
  expires_at TEXT NOT NULL,
  record TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS approvals_by_team ON approvals (sender_team, state);
CREATE INDEX IF NOT EXISTS approvals_by_expiry ON approvals (state, expires_at);
-- position is the storage order audit verify checks; seq is the entry's own number in the chain.
CREATE TABLE IF NOT EXISTS audit (
  position INTEGER PRIMARY KEY AUTOINCREMENT,
  seq INTEGER NOT NULL,
  at TEXT NOT NULL,
  type TEXT NOT NULL,
  facts TEXT NOT NULL,
  prev_hash TEXT NOT NULL,
  hash TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS reported_events (event_id TEXT PRIMARY KEY);
-- One row per recipient of a counted send and bulk key; recipient is a keyed fingerprint, never the id.
CREATE TABLE IF NOT EXISTS bulk_sends (
  sender TEXT NOT NULL,
  bulk TEXT NOT NULL,
  recipient TEXT NOT NULL,
  at TEXT NOT NULL,
  approval_id TEXT
);
CREATE INDEX IF NOT EXISTS bulk_sends_by_bulk ON bulk_sends (sender, bulk, at);
CREATE INDEX IF NOT EXISTS bulk_sends_by_time ON bulk_sends (at);
CREATE TABLE IF NOT EXISTS secrets (name TEXT PRIMARY KEY, value BLOB NOT NULL);
-- The shared attachment ledger, sealed by the proxies (proxy/attachments.ts); newest last.
CREATE TABLE IF NOT EXISTS attachments (
  position INTEGER PRIMARY KEY AUTOINCREMENT,
  id TEXT NOT NULL UNIQUE,
  sealed BLOB NOT NULL
);
`;

interface AuditRow {
  seq: number;
  at: string;
  type: string;
  facts: string;
  prev_hash: string;
  hash: string;
  version: 1 | 2;
}

export class SqliteStore extends ApprovalMoves implements Store {
  private readonly db: Database.Database;
  private readonly sql;

  /** chainKey: the audit key's HMAC key (proxy/audit/key.ts); without it entries are sealed with plain SHA-256. */
  constructor(path: string, private readonly chainKey?: Buffer) {
    super();
    try {
      this.db = new Database(path);
    } catch (error) {
      // The operator sees the config field to fix, not only better-sqlite3's words.
      throw new Error(`config.store.sqlite: cannot open '${path}': ${(error as Error).message}`);
    }
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('busy_timeout = 5000');
    this.db.exec(SCHEMA);
    // Logs written before entries carried a version are version 1 (plain SHA-256) throughout.
    const auditColumns = this.db.pragma('table_info(audit)') as { name: string }[];
    if (!auditColumns.some((c) => c.name === 'version')) this.db.exec('ALTER TABLE audit ADD COLUMN version INTEGER NOT NULL DEFAULT 1');
    const prepare = (sql: string) => this.db.prepare(sql);
    this.sql = {
      insertApproval: prepare('INSERT INTO approvals (id, state, sender_id, sender_team, expires_at, record) VALUES (?, ?, ?, ?, ?, ?)'),
      approval: prepare('SELECT record FROM approvals WHERE id = ?'),
      approvals: prepare(
        `SELECT record FROM approvals WHERE (@team IS NULL OR sender_team = @team) AND (@state IS NULL OR state = @state)
           AND (@before IS NULL OR rowid < (SELECT rowid FROM approvals WHERE id = @before)) ORDER BY rowid DESC LIMIT @limit`,
      ),
      approvalIn: prepare('SELECT record FROM approvals WHERE id = ? AND state = ? AND expires_at > ?'),
      due: prepare("SELECT record FROM approvals WHERE state IN ('pending', 'approved') AND expires_at <= ?"),
      counts: prepare('SELECT state, COUNT(*) AS n FROM approvals GROUP BY state'),
      saveApproval: prepare('UPDATE approvals SET state = ?, expires_at = ?, record = ? WHERE id = ?'),
      pruneBulkSends: prepare('DELETE FROM bulk_sends WHERE at < ?'),
      bulkRecipients: prepare(
        'SELECT recipient, MAX(approval_id IS NOT NULL) AS covered FROM bulk_sends WHERE sender = ? AND bulk = ? AND at >= ? GROUP BY recipient',
      ),
      insertBulkSend: prepare('INSERT INTO bulk_sends (sender, bulk, recipient, at, approval_id) VALUES (?, ?, ?, ?, ?)'),
      insertSecret: prepare('INSERT OR IGNORE INTO secrets (name, value) VALUES (?, ?)'),
      secret: prepare('SELECT value FROM secrets WHERE name = ?'),
      insertEventId: prepare('INSERT OR IGNORE INTO reported_events (event_id) VALUES (?)'),
      auditAll: prepare('SELECT seq, at, type, facts, prev_hash, hash, version FROM audit ORDER BY position'),
      auditLast: prepare('SELECT seq, at, type, facts, prev_hash, hash, version FROM audit ORDER BY position DESC LIMIT 1'),
      auditCount: prepare('SELECT COUNT(*) AS n FROM audit'),
      insertAudit: prepare('INSERT INTO audit (seq, at, type, facts, prev_hash, hash, version) VALUES (?, ?, ?, ?, ?, ?, ?)'),
      deleteAttachment: prepare('DELETE FROM attachments WHERE id = ?'),
      insertAttachment: prepare('INSERT INTO attachments (id, sealed) VALUES (?, ?)'),
      // Newest first, the bytes of each entry and all newer ones: those past the cap go.
      trimAttachments: prepare(
        'DELETE FROM attachments WHERE position IN (SELECT position FROM (SELECT position, SUM(length(sealed)) OVER (ORDER BY position DESC) AS kept FROM attachments) WHERE kept > ?)',
      ),
      attachment: prepare('SELECT sealed FROM attachments WHERE id = ?'),
    };
  }

  async createApproval(record: ApprovalRecord, audit: AuditEvent): Promise<void> {
    this.db
      .transaction(() => {
        this.sql.insertApproval.run(record.id, record.state, record.sender.id, record.sender.team, record.expiresAt, JSON.stringify(record));
        this.append(audit);
      })
      .immediate();
  }

  async getApproval(id: string): Promise<ApprovalRecord | undefined> {
    const row = this.sql.approval.get(id) as { record: string } | undefined;
    return row && (JSON.parse(row.record) as ApprovalRecord);
  }

  async listApprovals(filter: ApprovalFilter): Promise<ApprovalRecord[]> {
    // LIMIT -1 is SQLite's "no limit".
    const rows = this.sql.approvals.all({ team: filter.team ?? null, state: filter.state ?? null, before: filter.before ?? null, limit: filter.limit ?? -1 }) as {
      record: string;
    }[];
    return rows.map((row) => JSON.parse(row.record) as ApprovalRecord);
  }

  async expireDue(now: string, auditOf: (record: ApprovalRecord) => AuditEvent): Promise<ApprovalRecord[]> {
    return this.db
      .transaction(() => {
        const rows = this.sql.due.all(now) as { record: string }[];
        return rows.map((row) => {
          const expired: ApprovalRecord = { ...(JSON.parse(row.record) as ApprovalRecord), state: 'expired' };
          this.save(expired);
          this.append(auditOf(expired));
          return expired;
        });
      })
      .immediate();
  }

  async countByState(): Promise<Record<ApprovalState, number>> {
    const counts = Object.fromEntries(APPROVAL_STATES.map((s) => [s, 0])) as Record<ApprovalState, number>;
    const rows = this.sql.counts.all() as { state: ApprovalState; n: number }[];
    for (const { state, n } of rows) counts[state] = n;
    return counts;
  }

  async countSend(send: CountedSend): Promise<BulkOverThreshold | undefined> {
    return this.db
      .transaction(() => {
        this.sql.pruneBulkSends.run(send.since);
        if (!send.approvalId) {
          for (const { key, threshold } of send.bulks) {
            const earlier = this.sql.bulkRecipients.all(send.sender, key, send.since) as { recipient: string; covered: number }[];
            const covered = new Set(earlier.filter((row) => row.covered).map((row) => row.recipient));
            const total = new Set([...earlier.map((row) => row.recipient), ...send.recipients]).size;
            if (total >= threshold && send.recipients.some((r) => !covered.has(r))) return { key, total, threshold };
          }
        }
        if (send.checkOnly) return undefined;
        for (const { key } of send.bulks) {
          for (const recipient of send.recipients) this.sql.insertBulkSend.run(send.sender, key, recipient, send.at, send.approvalId ?? null);
        }
        return undefined;
      })
      .immediate();
  }

  async fingerprintSecret(): Promise<Buffer> {
    this.sql.insertSecret.run('recipient-fingerprint', randomBytes(32));
    return (this.sql.secret.get('recipient-fingerprint') as { value: Buffer }).value;
  }

  async appendAudit(event: AuditEvent): Promise<AuditEntry> {
    return this.db.transaction(() => this.append(event)).immediate();
  }

  async appendReportedEvent(eventId: string, event: AuditEvent): Promise<boolean> {
    return this.db
      .transaction(() => {
        const inserted = this.sql.insertEventId.run(eventId);
        if (inserted.changes === 0) return false;
        this.append(event);
        return true;
      })
      .immediate();
  }

  async auditEntries(): Promise<AuditEntry[]> {
    const rows = this.sql.auditAll.all() as AuditRow[];
    return rows.map(toEntry);
  }

  async auditHead(): Promise<{ count: number; head?: AuditEntry }> {
    return this.db
      .transaction(() => {
        const last = this.sql.auditLast.get() as AuditRow | undefined;
        return { count: (this.sql.auditCount.get() as { n: number }).n, head: last && toEntry(last) };
      })
      .deferred();
  }

  async recordAttachment(id: string, sealed: Uint8Array, maxBytes: number): Promise<void> {
    this.db
      .transaction(() => {
        this.sql.deleteAttachment.run(id);
        this.sql.insertAttachment.run(id, sealed);
        this.sql.trimAttachments.run(maxBytes);
      })
      .immediate();
  }

  async getAttachment(id: string): Promise<Uint8Array | undefined> {
    return (this.sql.attachment.get(id) as { sealed: Buffer } | undefined)?.sealed;
  }

  async close(): Promise<void> {
    this.db.close();
  }

  /** In one write transaction. */
  protected async move(id: string, from: 'pending' | 'approved', now: string, change: Partial<ApprovalRecord>, audit: AuditEvent): Promise<boolean> {
    return this.db
      .transaction(() => {
        const record = this.pendingOrGranted(id, from, now);
        if (!record) return false;
        this.save({ ...record, ...change });
        this.append(audit);
        return true;
      })
      .immediate();
  }

  /** The approval in the given state and not yet expired; runs inside a write transaction. */
  private pendingOrGranted(id: string, state: 'pending' | 'approved', now: string): ApprovalRecord | undefined {
    const row = this.sql.approvalIn.get(id, state, now) as
      | { record: string }
      | undefined;
    return row && (JSON.parse(row.record) as ApprovalRecord);
  }

  private save(record: ApprovalRecord): void {
    this.sql.saveApproval.run(record.state, record.expiresAt, JSON.stringify(record), record.id);
  }

  private append(event: AuditEvent): AuditEntry {
    const last = this.sql.auditLast.get() as
      | AuditRow
      | undefined;
    const entry = chainEntry(last && toEntry(last), event, this.chainKey);
    this.sql.insertAudit.run(entry.seq, entry.at, entry.type, JSON.stringify(entry.facts), entry.prevHash, entry.hash, entry.version);
    return entry;
  }
}

function toEntry(row: AuditRow): AuditEntry {
  return { seq: row.seq, at: row.at, type: row.type as AuditEntry['type'], facts: JSON.parse(row.facts), prevHash: row.prev_hash, hash: row.hash, version: row.version };
}
