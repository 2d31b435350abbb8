// The shared store's schema, one numbered step at a time. A proxy applies the steps its database
// lacks when it starts, all in one transaction under an advisory lock, so two proxies starting
// together do not both migrate and a failed step leaves the schema as it was. Steps are never
// edited once released: a change is a new step.
import type pg from 'pg';

/** Any constant: the lock every proxy takes to migrate. */
const MIGRATION_LOCK = 0x45474d31; // 'EGM1'

export const MIGRATIONS: readonly { version: number; why: string; sql: string }[] = [
  {
    version: 1,
    why: 'approvals, the audit chain, seen event ids, bulk-send counts and the store secret, as in the SQLite store',
    // Times are ISO text, compared as text: COLLATE "C" so the database's locale cannot reorder them.
    // position is the order approvals are listed and audit entries are stored (and verified) in.
    sql: `
      CREATE TABLE approvals (
        position BIGSERIAL PRIMARY KEY,
        id TEXT NOT NULL UNIQUE,
        state TEXT NOT NULL,
        sender_id TEXT NOT NULL,
        sender_team TEXT NOT NULL,
        expires_at TEXT COLLATE "C" NOT NULL,
        record TEXT NOT NULL
      );
      CREATE INDEX approvals_by_team ON approvals (sender_team, state);
      CREATE INDEX approvals_by_expiry ON approvals (state, expires_at);
      -- seq is UNIQUE: even a writer that skipped the append lock could not fork the chain.
      CREATE TABLE audit (
        position BIGSERIAL PRIMARY KEY,
        seq BIGINT NOT NULL UNIQUE,
        at TEXT NOT NULL,
        type TEXT NOT NULL,
        facts TEXT NOT NULL,
        prev_hash TEXT NOT NULL,
        hash TEXT NOT NULL,
        version SMALLINT NOT NULL
      );
      CREATE TABLE reported_events (event_id TEXT PRIMARY KEY);
      CREATE TABLE bulk_sends (
        sender TEXT NOT NULL,
        bulk TEXT NOT NULL,
        recipient TEXT NOT NULL,
        at TEXT COLLATE "C" NOT NULL,
        approval_id TEXT
      );
      CREATE INDEX bulk_sends_by_bulk ON bulk_sends (sender, bulk, at);
      CREATE INDEX bulk_sends_by_time ON bulk_sends (at);
      CREATE TABLE secrets (name TEXT PRIMARY KEY, value BYTEA NOT NULL);
    `,
  },
  {
    version: 2,
    why: 'the attachment ledger, sealed by the proxies, so that a send may go through another proxy than its upload',
    sql: `
      CREATE TABLE attachments (
        position BIGSERIAL PRIMARY KEY,
        id TEXT NOT NULL UNIQUE,
        sealed BYTEA NOT NULL
      );
    `,
  },
];

/** Applies the missing steps; returns the versions it applied. */
export async function migrate(client: pg.ClientBase): Promise<number[]> {
  await client.query('BEGIN');
  try {
    await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
    await client.query('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, why TEXT NOT NULL, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())');
    const { rows } = await client.query<{ version: number }>('SELECT version FROM schema_migrations');
    const applied = new Set(rows.map((row) => row.version));
    const newest = Math.max(0, ...applied);
    const known = MIGRATIONS.at(-1)?.version ?? 0;
    // A newer proxy migrated this database: an older one would misread the tables it changed.
    if (newest > known) throw new Error(`the database's schema is version ${newest}, this proxy knows up to ${known}: update the proxy`);
    const done: number[] = [];
    for (const step of MIGRATIONS) {
      if (applied.has(step.version)) continue;
      await client.query(step.sql);
      await client.query('INSERT INTO schema_migrations (version, why) VALUES ($1, $2)', [step.version, step.why]);
      done.push(step.version);
    }
    await client.query('COMMIT');
    return done;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
}
