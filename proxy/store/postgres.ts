// The shared store: one PostgreSQL database for the proxies and ICAP services of several offices,
// so they agree on every approval, the bulk-send counts, the sealed attachment ledger and one
// audit chain. It behaves as the SQLite store does; where SQLite has one write lock for the file,
// this store takes advisory locks: every transaction that appends to the audit log first takes
// the append lock, so entries chain one after another whichever proxy writes them, and the
// approval change written with its entry is decided under the same lock (an approval is used at
// most once, everywhere).
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { APPROVAL_STATES, type ApprovalState } from '../../shared/api.js';
import { chainEntry } from '../audit/chain.js';
import type { AuditEntry, AuditEvent } from '../audit/entry.js';
import { migrate } from './postgres-migrations.js';
import { ApprovalMoves } from './approval-moves.js';
import type { ApprovalFilter, ApprovalRecord, BulkOverThreshold, CountedSend, Store } from './types.js';

/** Any constants, distinct from the migration lock: the audit append lock, and the class of the per-sender count locks. */
const AUDIT_LOCK = 0x45474131; // 'EGA1'
const COUNT_LOCKS = 0x45474331; // 'EGC1'
const LEDGER_LOCK = 0x45474c31; // 'EGL1'

interface AuditRow {
  seq: string;
  at: string;
  type: string;
  facts: string;
  prev_hash: string;
  hash: string;
  version: number;
}

const AUDIT_COLUMNS = 'seq, at, type, facts, prev_hash, hash, version';

export class PostgresStore extends ApprovalMoves implements Store {
  private constructor(
    private readonly pool: pg.Pool,
    private readonly chainKey?: Buffer,
  ) {
    super();
  }

  /**
   * Connects and brings the schema up to date (proxy/store/postgres-migrations.ts).
   * chainKey: the audit key's HMAC key (proxy/audit/key.ts); without it entries are sealed with plain SHA-256.
   */
  static async open(url: string, chainKey?: Buffer, { maxConnections = 10 } = {}): Promise<PostgresStore> {
    // A proxy cut off mid-transaction (a frozen host, a broken link) would hold the append lock and
    // stop every office; the server ends such a session after 15 s, and the lock with it. Our
    // transactions never wait between statements for anything but the database.
    const pool = new pg.Pool({
      connectionString: url,
      max: maxConnections,
      connectionTimeoutMillis: 10_000,
      keepAlive: true,
      options: '-c idle_in_transaction_session_timeout=15000',
    });
    // An idle connection the server drops (a restart, a failover) must not end the process: the
    // next query gets a new connection, or fails and is answered as any store failure.
    pool.on('error', () => undefined);
    try {
      const client = await pool.connect();
      try {
        await migrate(client);
      } finally {
        client.release();
      }
    } catch (error) {
      await pool.end().catch(() => undefined);
      // The field to fix, not the URL: it may hold a password.
      throw new Error(`config.store.postgres: cannot open the database: ${(error as Error).message}`);
    }
    return new PostgresStore(pool, chainKey);
  }

  async createApproval(record: ApprovalRecord, audit: AuditEvent): Promise<void> {
    await this.audited(async (db, append) => {
      await db.query('INSERT INTO approvals (id, state, sender_id, sender_team, expires_at, record) VALUES ($1, $2, $3, $4, $5, $6)', [
        record.id,
        record.state,
        record.sender.id,
        record.sender.team,
        record.expiresAt,
        JSON.stringify(record),
      ]);
      await append(audit);
    });
  }

  async getApproval(id: string): Promise<ApprovalRecord | undefined> {
    const { rows } = await this.pool.query<{ record: string }>('SELECT record FROM approvals WHERE id = $1', [id]);
    return rows[0] && (JSON.parse(rows[0].record) as ApprovalRecord);
  }

  async listApprovals(filter: ApprovalFilter): Promise<ApprovalRecord[]> {
    // LIMIT NULL is PostgreSQL's "no limit".
    const { rows } = await this.pool.query<{ record: string }>(
      `SELECT record FROM approvals WHERE ($1::text IS NULL OR sender_team = $1) AND ($2::text IS NULL OR state = $2)
         AND ($3::text IS NULL OR position < (SELECT position FROM approvals WHERE id = $3)) ORDER BY position DESC LIMIT $4`,
      [filter.team ?? null, filter.state ?? null, filter.before ?? null, filter.limit ?? null],
    );
    return rows.map((row) => JSON.parse(row.record) as ApprovalRecord);
  }

  async expireDue(now: string, auditOf: (record: ApprovalRecord) => AuditEvent): Promise<ApprovalRecord[]> {
    return this.audited(async (db, append) => {
      const { rows } = await db.query<{ record: string }>("SELECT record FROM approvals WHERE state IN ('pending', 'approved') AND expires_at <= $1 ORDER BY position", [now]);
      const expired: ApprovalRecord[] = [];
      for (const row of rows) {
        const record: ApprovalRecord = { ...(JSON.parse(row.record) as ApprovalRecord), state: 'expired' };
        await this.save(db, record);
        await append(auditOf(record));
        expired.push(record);
      }
      return expired;
    });
  }

  async countByState(): Promise<Record<ApprovalState, number>> {
    const counts = Object.fromEntries(APPROVAL_STATES.map((s) => [s, 0])) as Record<ApprovalState, number>;
    const { rows } = await this.pool.query<{ state: ApprovalState; n: string }>('SELECT state, COUNT(*) AS n FROM approvals GROUP BY state');
    for (const { state, n } of rows) counts[state] = Number(n);
    return counts;
  }

  async countSend(send: CountedSend): Promise<BulkOverThreshold | undefined> {
    // A sender's sends are checked and counted one at a time across every proxy; other senders' go on meanwhile.
    return this.transaction(async (db) => {
      await db.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [COUNT_LOCKS, send.sender]);
      await db.query('DELETE FROM bulk_sends WHERE at < $1', [send.since]);
      if (!send.approvalId) {
        for (const { key, threshold } of send.bulks) {
          const { rows: earlier } = await db.query<{ recipient: string; covered: boolean }>(
            'SELECT recipient, bool_or(approval_id IS NOT NULL) AS covered FROM bulk_sends WHERE sender = $1 AND bulk = $2 AND at >= $3 GROUP BY recipient',
            [send.sender, key, send.since],
          );
          const covered = new Set(earlier.filter((row) => row.covered).map((row) => row.recipient));
          const total = new Set([...earlier.map((row) => row.recipient), ...send.recipients]).size;
          if (total >= threshold && send.recipients.some((r) => !covered.has(r))) return { key, total, threshold };
        }
      }
      if (send.checkOnly) return undefined;
      for (const { key } of send.bulks) {
        if (send.recipients.length === 0) continue;
        await db.query(
          'INSERT INTO bulk_sends (sender, bulk, recipient, at, approval_id) SELECT $1, $2, recipient, $4, $5 FROM unnest($3::text[]) AS recipient',
          [send.sender, key, send.recipients, send.at, send.approvalId ?? null],
        );
      }
      return undefined;
    });
  }

  async fingerprintSecret(): Promise<Buffer> {
    // The first proxy's insert wins; a racing one waits for it, inserts nothing, and reads the winner's.
    await this.pool.query('INSERT INTO secrets (name, value) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING', ['recipient-fingerprint', randomBytes(32)]);
    const { rows } = await this.pool.query<{ value: Buffer }>('SELECT value FROM secrets WHERE name = $1', ['recipient-fingerprint']);
    return rows[0]!.value;
  }

  async appendAudit(event: AuditEvent): Promise<AuditEntry> {
    return this.audited((_db, append) => append(event));
  }

  async appendReportedEvent(eventId: string, event: AuditEvent): Promise<boolean> {
    return this.audited(async (db, append) => {
      const inserted = await db.query('INSERT INTO reported_events (event_id) VALUES ($1) ON CONFLICT DO NOTHING', [eventId]);
      if (inserted.rowCount === 0) return false;
      await append(event);
      return true;
    });
  }

  async auditEntries(): Promise<AuditEntry[]> {
    const { rows } = await this.pool.query<AuditRow>(`SELECT ${AUDIT_COLUMNS} FROM audit ORDER BY position`);
    return rows.map(toEntry);
  }

  async auditHead(): Promise<{ count: number; head?: AuditEntry }> {
    // One statement sees one snapshot: the count and the newest entry agree.
    const { rows } = await this.pool.query<AuditRow & { n: string }>(
      `SELECT c.n, a.* FROM (SELECT COUNT(*) AS n FROM audit) c LEFT JOIN LATERAL (SELECT ${AUDIT_COLUMNS} FROM audit ORDER BY position DESC LIMIT 1) a ON true`,
    );
    const row = rows[0]!;
    return { count: Number(row.n), head: row.seq === null ? undefined : toEntry(row) };
  }

  async recordAttachment(id: string, sealed: Uint8Array, maxBytes: number): Promise<void> {
    // One proxy at a time trims, so two recording at once cannot each leave the other's bytes over the cap.
    await this.transaction(async (db) => {
      await db.query('SELECT pg_advisory_xact_lock($1)', [LEDGER_LOCK]);
      await db.query('DELETE FROM attachments WHERE id = $1', [id]);
      await db.query('INSERT INTO attachments (id, sealed) VALUES ($1, $2)', [id, Buffer.from(sealed.buffer, sealed.byteOffset, sealed.byteLength)]);
      // Newest first, the bytes of each entry and all newer ones: those past the cap go.
      await db.query(
        'DELETE FROM attachments WHERE position IN (SELECT position FROM (SELECT position, SUM(octet_length(sealed)) OVER (ORDER BY position DESC) AS kept FROM attachments) newest WHERE kept > $1)',
        [maxBytes],
      );
    });
  }

  async getAttachment(id: string): Promise<Uint8Array | undefined> {
    const { rows } = await this.pool.query<{ sealed: Buffer }>('SELECT sealed FROM attachments WHERE id = $1', [id]);
    return rows[0]?.sealed;
  }

  async close(): Promise<void> {
    await this.pool.end();
  }

  protected move(id: string, from: 'pending' | 'approved', now: string, change: Partial<ApprovalRecord>, audit: AuditEvent): Promise<boolean> {
    return this.audited(async (db, append) => {
      const { rows } = await db.query<{ record: string }>('SELECT record FROM approvals WHERE id = $1 AND state = $2 AND expires_at > $3 FOR UPDATE', [id, from, now]);
      if (!rows[0]) return false;
      await this.save(db, { ...(JSON.parse(rows[0].record) as ApprovalRecord), ...change });
      await append(audit);
      return true;
    });
  }

  private async save(db: pg.ClientBase, record: ApprovalRecord): Promise<void> {
    await db.query('UPDATE approvals SET state = $1, expires_at = $2, record = $3 WHERE id = $4', [record.state, record.expiresAt, JSON.stringify(record), record.id]);
  }

  /**
   * A transaction that appends to the audit log. It takes the append lock first, before any row
   * lock, so two never wait on each other; then reads the newest entry with a statement of its
   * own, whose snapshot is taken once the lock is held, so no proxy can append after that entry
   * until this one commits. BEGIN, the lock and the read go in one round trip: the lock is held
   * for as few round trips as can be, since every proxy of every office waits for it.
   */
  private audited<T>(work: (db: pg.ClientBase, append: (event: AuditEvent) => Promise<AuditEntry>) => Promise<T>): Promise<T> {
    const opening = `SELECT pg_advisory_xact_lock(${AUDIT_LOCK}); SELECT ${AUDIT_COLUMNS} FROM audit ORDER BY position DESC LIMIT 1`;
    return this.transaction(async (db, opened) => {
      const newest = opened.at(-1)!.rows[0] as AuditRow | undefined;
      let last = newest && toEntry(newest);
      const append = async (event: AuditEvent): Promise<AuditEntry> => {
        const entry = chainEntry(last, event, this.chainKey);
        await db.query('INSERT INTO audit (seq, at, type, facts, prev_hash, hash, version) VALUES ($1, $2, $3, $4, $5, $6, $7)', [
          entry.seq,
          entry.at,
          entry.type,
          JSON.stringify(entry.facts),
          entry.prevHash,
          entry.hash,
          entry.version,
        ]);
        last = entry;
        return entry;
      };
      return work(db, append);
    }, opening);
  }

  /** `opening`: statements without parameters sent with BEGIN in one round trip; work gets their results. */
  private async transaction<T>(work: (db: pg.ClientBase, opened: pg.QueryResult[]) => Promise<T>, opening = ''): Promise<T> {
    const db = await this.pool.connect();
    let broken: Error | undefined;
    try {
      // Several statements in one query come back as a list of results, one as a single result.
      const opened = (await db.query(`BEGIN; ${opening}`)) as unknown as pg.QueryResult | pg.QueryResult[];
      const result = await work(db, Array.isArray(opened) ? opened : [opened]);
      await db.query('COMMIT');
      return result;
    } catch (error) {
      // A connection that cannot even roll back is not given to the next caller.
      await db.query('ROLLBACK').catch((rollback: Error) => (broken = rollback));
      throw error;
    } finally {
      db.release(broken);
    }
  }
}

function toEntry(row: AuditRow): AuditEntry {
  return {
    seq: Number(row.seq),
    at: row.at,
    type: row.type as AuditEntry['type'],
    facts: JSON.parse(row.facts),
    prevHash: row.prev_hash,
    hash: row.hash,
    version: row.version as 1 | 2,
  };
}
