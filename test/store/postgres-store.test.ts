// What only the PostgreSQL store has: its config field, its versioned migrations and the proxy
// starting on it, against a real server (test/helpers/postgres.ts). What every store does is in
// store-contract.test.ts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { parseFourEyesConfig } from '../../proxy/approval/config.js';
import { MIGRATIONS } from '../../proxy/store/postgres-migrations.js';
import { PostgresStore } from '../../proxy/store/postgres.js';
import { startPostgres, type TestPostgres } from '../helpers/postgres.js';

describe('store.postgres config', () => {
  it('takes a postgres URL instead of a SQLite file', () => {
    const config = parseFourEyesConfig({ store: { postgres: 'postgresql://eg:geheim@db.example:5432/exportguard' } }, '/etc/eg');
    expect(config.postgres).toBe('postgresql://eg:geheim@db.example:5432/exportguard');
    expect(parseFourEyesConfig({ store: { postgres: 'postgres:///exportguard?host=/run/postgresql' } }, '/').postgres).toBe('postgres:///exportguard?host=/run/postgresql');
    expect(parseFourEyesConfig({ store: { sqlite: 'eg.db' } }, '/etc/eg').postgres).toBeUndefined();
  });

  it('names the field of a mistake and never repeats the URL, which may hold a password', () => {
    expect(() => parseFourEyesConfig({ store: { sqlite: 'eg.db', postgres: 'postgres://db/eg' } }, '/')).toThrow('config.store: give sqlite (one office) or postgres (shared by several proxies), not both');
    expect(() => parseFourEyesConfig({ store: { postgres: 'mysql://eg:geheim@db/eg' } }, '/')).toThrow(/^config\.store\.postgres: expected a URL postgres:\/\/USER:PASSWORD@HOST:PORT\/DATABASE$/);
    expect(() => parseFourEyesConfig({ store: { postgres: 'geheim' } }, '/')).toThrow(/^config\.store\.postgres: expected a URL/);
    expect(() => parseFourEyesConfig({ store: { postgres: 5432 } }, '/')).toThrow('config.store.postgres: expected a non-empty string, got 5432');
    expect(() => parseFourEyesConfig({ store: { postgress: 'x' } }, '/')).toThrow('config.store.postgress: unknown field (known: sqlite, postgres)');
  });
});

describe('PostgreSQL store on a real server', () => {
  let server: TestPostgres;
  beforeAll(async () => {
    server = await startPostgres();
  }, 60_000);
  afterAll(() => server?.stop());

  async function query<T extends pg.QueryResultRow>(url: string, sql: string): Promise<T[]> {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      return (await client.query<T>(sql)).rows;
    } finally {
      await client.end();
    }
  }

  it('migrates a new database once, however many proxies start on it at the same moment', async () => {
    const url = await server.createDatabase();
    const stores = await Promise.all(Array.from({ length: 4 }, () => PostgresStore.open(url)));
    await Promise.all(stores.map((s) => s.close()));
    const applied = await query<{ version: number }>(url, 'SELECT version FROM schema_migrations ORDER BY version');
    expect(applied.map((row) => row.version)).toEqual(MIGRATIONS.map((m) => m.version));
    // A restart finds nothing to do and keeps the data.
    const again = await PostgresStore.open(url);
    await again.appendAudit({ type: 'upload-blocked', at: '2026-03-02T09:00:00.000Z', facts: { user: 'u1' } });
    await again.close();
    const reopened = await PostgresStore.open(url);
    expect((await reopened.auditHead()).count).toBe(1);
    await reopened.close();
  });

  it('refuses a database a newer proxy has migrated, and says so', async () => {
    const url = await server.createDatabase();
    await (await PostgresStore.open(url)).close();
    const next = MIGRATIONS.at(-1)!.version + 1;
    await query(url, `INSERT INTO schema_migrations (version, why) VALUES (${next}, 'from the future')`);
    await expect(PostgresStore.open(url)).rejects.toThrow(`config.store.postgres: cannot open the database: the database's schema is version ${next}, this proxy knows up to ${next - 1}: update the proxy`);
  });

  it('names the config field when the server cannot be reached, without the password', async () => {
    const url = (await server.createDatabase()).replace(/@127\.0\.0\.1:\d+/, ':geheim@127.0.0.1:1');
    const failure = PostgresStore.open(url);
    await expect(failure).rejects.toThrow(/^config\.store\.postgres: cannot open the database: .*ECONNREFUSED/);
    await expect(failure).rejects.not.toThrow(/geheim/);
  });

  it("ends its own sessions that sit idle in a transaction, so a proxy cut off mid-append cannot hold every office's lock", async () => {
    const store = await PostgresStore.open(await server.createDatabase());
    try {
      // The pool is the store's own; this reads the setting its sessions run with.
      const { rows } = await (store as unknown as { pool: pg.Pool }).pool.query<{ idle_in_transaction_session_timeout: string }>('SHOW idle_in_transaction_session_timeout');
      expect(rows[0]!.idle_in_transaction_session_timeout).toBe('15s');
    } finally {
      await store.close();
    }
  });
});
