// `export-guard audit verify|report`: the evidence for the privacy officer, read from the store.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { parseFourEyesConfig } from '../../proxy/approval/config.js';
import { checkHead, verifyChain } from '../../proxy/audit/chain.js';
import { buildReport, formatReport } from '../../proxy/audit/report.js';
import { SqliteStore } from '../../proxy/store/sqlite.js';

const HELP = `usage: export-guard audit verify (--db FILE | --config FILE) [--head SEQ:HASH]
       export-guard audit report (--db FILE | --config FILE) [--since DATE] [--format text|json|csv]

  verify   checks the hash chain: names every edited, removed or reordered entry, and prints the
           head (SEQ:HASH) to note down; --head checks a head noted earlier is still there, which
           shows a log cut back at its end
  report   blocks per ISO week by reason, approvals and rejections, median time to approve,
           sends refused without approval
  --db FILE      the proxy's SQLite file
  --config FILE  the proxy's config file (its store.sqlite is used)
  --since DATE   only entries from this date (YYYY-MM-DD or ISO time) on

Exit status: 0 intact / report written, 1 the chain is broken, 2 usage error or unreadable file.`;

class UsageError extends Error {}

export async function run(argv: string[]): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    console.log(HELP);
    return 0;
  }
  let store: SqliteStore | undefined;
  try {
    const { positionals, values } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: { db: { type: 'string' }, config: { type: 'string' }, since: { type: 'string' }, format: { type: 'string', default: 'text' }, head: { type: 'string' } },
    });
    const [action, ...extra] = positionals;
    if (extra.length > 0) throw new UsageError(`unexpected argument '${extra[0]}'`);
    if (action !== 'verify' && action !== 'report') throw new UsageError(action ? `unknown action '${action}'` : 'no action given');
    const head = values.head === undefined ? undefined : parseHead(values.head);
    const dbPath = databasePath(values.db, values.config);
    store = new SqliteStore(dbPath);
    const entries = await store.auditEntries();
    if (action === 'verify') {
      const problems = verifyChain(entries);
      const headProblem = head && checkHead(entries, head);
      if (headProblem) problems.push(headProblem);
      for (const p of problems) console.log(`BROKEN at entry ${p.seq} (${p.problem}): ${p.detail}`);
      if (problems.length > 0) return 1;
      const last = entries[entries.length - 1];
      console.log(`intact: ${entries.length} entries${last ? `, head ${last.seq}:${last.hash}` : ''}`);
      return 0;
    }
    const format = values.format;
    if (format !== 'text' && format !== 'json' && format !== 'csv') throw new UsageError(`--format must be text, json or csv, not '${format}'`);
    let since: Date | undefined;
    if (values.since !== undefined) {
      since = new Date(values.since);
      if (Number.isNaN(since.getTime())) throw new UsageError(`--since: not a date: '${values.since}'`);
    }
    console.log(formatReport(buildReport(entries, since), format));
    return 0;
  } catch (error) {
    const usage = error instanceof UsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS');
    console.error(`export-guard audit: ${(error as Error).message}${usage ? `\n\n${HELP}` : ''}`);
    return 2;
  } finally {
    await store?.close();
  }
}

function parseHead(text: string): { seq: number; hash: string } {
  const match = /^(\d+):([0-9a-f]{64})$/.exec(text);
  if (!match) throw new UsageError(`--head must be SEQ:HASH as verify prints it, not '${text}'`);
  return { seq: Number(match[1]), hash: match[2]! };
}

function databasePath(db: string | undefined, config: string | undefined): string {
  if (db !== undefined && config !== undefined) throw new UsageError('give --db or --config, not both');
  let path = db;
  if (config !== undefined) {
    const raw = JSON.parse(readFileSync(config, 'utf8')) as { store?: unknown };
    path = parseFourEyesConfig({ store: raw.store }, dirname(resolve(config))).storePath;
    if (path === ':memory:') throw new Error(`${config} names no store.sqlite file: its audit log lives only in the running proxy's memory`);
  }
  if (path === undefined) throw new UsageError('--db FILE or --config FILE is required');
  // Opening a missing file would create an empty log that verifies as intact.
  if (!existsSync(path)) throw new Error(`no database at ${path}`);
  return path;
}
