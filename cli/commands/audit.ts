// `export-guard audit verify|report|export|key`: the evidence for the privacy officer, read from the store.
import { existsSync, readFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { parseFourEyesConfig } from '../../proxy/approval/config.js';
import { checkHead, verifyChain, type ChainProblem } from '../../proxy/audit/chain.js';
import { CHECKPOINT_FILE, checkCheckpoints, newestCheckpoint, readCheckpoints, type Checkpoint } from '../../proxy/audit/checkpoint.js';
import { parseAuditConfig } from '../../proxy/audit/config.js';
import type { AuditEntry } from '../../proxy/audit/entry.js';
import { createAuditKeyFile, readAuditKeyFile, type AuditKey } from '../../proxy/audit/key.js';
import { toLogboek } from '../../proxy/audit/logboek.js';
import { renderHtmlReport } from '../../proxy/audit/report-html.js';
import { printPdf } from '../print-pdf.js';
import { buildReport, formatReport } from '../../proxy/audit/report.js';
import { PostgresStore } from '../../proxy/store/postgres.js';
import { SqliteStore } from '../../proxy/store/sqlite.js';
import type { Store } from '../../proxy/store/types.js';

const HELP = `usage: export-guard audit verify (--db FILE [--key FILE] [--checkpoints DIR] | --config FILE) [--head SEQ:HASH] [--no-record]
       export-guard audit report (--db FILE | --config FILE) [--since DATE] [--until DATE] [--format text|json|csv|html|pdf --out FILE] [--lang nl|en]
       export-guard audit export --format logboek (--db FILE | --config FILE) [--activity URI] [--since DATE]
       export-guard audit key --out FILE

  verify   checks the chain: names every edited, removed, reordered or resealed entry; with the
           checkpoints the proxy signed, also a log cut back at its end or rewritten whole.
           Records the verification in the log (an audit-verified entry) unless --no-record
  report   blocks per ISO week by reason, approvals and rejections, median time to approve,
           sends refused without approval, when the log was last verified, and per day
           whether the self-test ran and passed
  export   one JSON line per entry in the Logius standard "Logboek dataverwerkingen"
  key      creates the audit key (Ed25519, mode 0600) that seals the entries and signs the
           checkpoints; name it in config.audit.keyFile and keep it out of the database's backups
  --db FILE           the proxy's SQLite file
  --config FILE       the proxy's config file: its store.sqlite or store.postgres, audit.keyFile and audit.checkpoints.dir
  --key FILE          the audit key (with --db)
  --checkpoints DIR   the checkpoint directory (with --db)
  --head SEQ:HASH     a head noted earlier must still be there
  --since DATE        only entries from this date (YYYY-MM-DD or ISO time) on
  --until DATE        report: only entries before this date
  --lang nl|en        report: the language of html and pdf (default nl)
  --out FILE          report: where the pdf goes (printed by headless Chromium; CHROMIUM_PATH, default /usr/bin/chromium)
  --activity URI      the processing activity in your register (default config.audit.processingActivityId)

Exit status: 0 intact / done, 1 the log was tampered with, 2 usage error or unreadable file.`;

/** More problems than this are counted, not listed: a rewrite from entry 3 breaks every entry after it. */
const MAX_LISTED = 20;

class UsageError extends Error {}

interface Sources {
  dbPath: string;
  /** The shared store's connection URL (config.store.postgres), read instead of dbPath. */
  postgres?: string;
  keyFile?: string;
  /** Where the key file was named, for its errors. */
  keyField: string;
  checkpointDir?: string;
  activity?: string;
}

export async function run(argv: string[]): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    console.log(HELP);
    return 0;
  }
  try {
    const { positionals, values } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        db: { type: 'string' },
        config: { type: 'string' },
        key: { type: 'string' },
        checkpoints: { type: 'string' },
        since: { type: 'string' },
        until: { type: 'string' },
        lang: { type: 'string' },
        format: { type: 'string' },
        head: { type: 'string' },
        activity: { type: 'string' },
        out: { type: 'string' },
        'no-record': { type: 'boolean', default: false },
      },
    });
    const [action, ...extra] = positionals;
    if (extra.length > 0) throw new UsageError(`unexpected argument '${extra[0]}'`);
    if (action === 'key') {
      if (values.out === undefined) throw new UsageError('key needs --out FILE');
      const key = createAuditKeyFile(values.out);
      console.log(`wrote the audit key ${key.id} to ${values.out} (mode 0600): name it in config.audit.keyFile`);
      return 0;
    }
    if (action !== 'verify' && action !== 'report' && action !== 'export') throw new UsageError(action ? `unknown action '${action}'` : 'no action given');
    const sources = readSources(values);
    // Only verify needs the key (to check the seals and to seal its own record); a report is for whoever may read the log.
    const key = action === 'verify' && sources.keyFile !== undefined ? readAuditKeyFile(sources.keyFile, sources.keyField) : undefined;
    const head = action === 'verify' && values.head !== undefined ? parseHead(values.head) : undefined;
    const store = sources.postgres ? await PostgresStore.open(sources.postgres, key?.chain) : new SqliteStore(sources.dbPath, key?.chain);
    try {
      const entries = await store.auditEntries();
      if (action === 'verify') return await verify(entries, { ...sources, key }, head, values['no-record'] ? undefined : store);
      const since = parseDate('--since', values.since);
      if (action === 'export') {
        if (values.format !== 'logboek') throw new UsageError(`export: --format must be logboek, not '${values.format ?? ''}'`);
        const activity = values.activity ?? sources.activity;
        if (activity === undefined || !URL.canParse(activity)) throw new UsageError('export: --activity URI (or config.audit.processingActivityId) must name the processing activity in your register');
        for (const line of toLogboek(entries, { processingActivityId: activity, since })) console.log(JSON.stringify(line));
        return 0;
      }
      const format = values.format ?? 'text';
      if (format !== 'text' && format !== 'json' && format !== 'csv' && format !== 'html' && format !== 'pdf') throw new UsageError(`--format must be text, json, csv, html or pdf, not '${format}'`);
      if (format === 'pdf' && values.out === undefined) throw new UsageError('--format pdf needs --out FILE');
      const lang = values.lang ?? 'nl';
      if (lang !== 'nl' && lang !== 'en') throw new UsageError(`--lang must be nl or en, not '${lang}'`);
      const until = parseDate('--until', values.until);
      const report = buildReport(entries, since, { until });
      if (format === 'text' || format === 'json' || format === 'csv') {
        console.log(formatReport(report, format));
        return 0;
      }
      const html = renderHtmlReport(report, { lang, until: until?.toISOString() });
      if (format === 'html') console.log(html);
      else {
        printPdf(html, values.out!);
        console.log(`wrote the report to ${values.out}`);
      }
      return 0;
    } finally {
      await store.close();
    }
  } catch (error) {
    const usage = error instanceof UsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS');
    console.error(`export-guard audit: ${(error as Error).message}${usage ? `\n\n${HELP}` : ''}`);
    return 2;
  }
}

async function verify(entries: AuditEntry[], sources: Sources & { key?: AuditKey }, head: { seq: number; hash: string } | undefined, record: Store | undefined): Promise<number> {
  const sealed = entries.filter((e) => e.version === 2).length;
  if (sealed > 0 && !sources.key) throw new UsageError(`${sealed} entries are sealed with the audit key: give --key FILE or --config FILE to verify them`);
  const problems: ChainProblem[] = verifyChain(entries, sources.key?.chain);
  const headProblem = head && checkHead(entries, head);
  if (headProblem) problems.push(headProblem);
  let against: Checkpoint | undefined;
  if (sources.checkpointDir !== undefined) {
    const read = readCheckpoints(readCheckpointFile(sources.checkpointDir), sources.key!);
    problems.push(...read.problems, ...checkCheckpoints(entries, read.checkpoints));
    against = newestCheckpoint(read.checkpoints);
    if (!against && entries.length > 0) {
      problems.push({ seq: 0, problem: 'no-checkpoint', detail: `no checkpoint signed by this key in ${sources.checkpointDir}: whether the log was cut back or rewritten whole cannot be seen` });
    }
  }
  // Seq 0: a problem of the checkpoints, not of an entry.
  for (const p of problems.slice(0, MAX_LISTED)) console.log(`BROKEN${p.seq > 0 ? ` at entry ${p.seq}` : ''} (${p.problem}): ${p.detail}`);
  if (problems.length > MAX_LISTED) console.log(`... and ${problems.length - MAX_LISTED} more problems`);
  const last = entries.at(-1);
  if (problems.length === 0) {
    console.log(`intact: ${entries.length} entries${last ? `, head ${last.seq}:${last.hash}` : ''}`);
    if (against) console.log(`checked against the checkpoint of ${against.at} (${against.count} entries, head ${against.seq})`);
  }
  if (!sources.key) console.log('note: the log is not sealed with an audit key: whoever holds the database can rewrite it and recompute every hash (see docs/audit.md)');
  else if (sources.checkpointDir === undefined) console.log('note: no checkpoint directory given: a log cut back at its end or rewritten whole cannot be seen');
  if (record) {
    const entry = await record.appendAudit({
      type: 'audit-verified',
      at: new Date().toISOString(),
      facts: {
        user: whoRuns(),
        result: problems.length === 0 ? 'intact' : 'broken',
        entries: entries.length,
        reasonCodes: [...new Set(problems.map((p) => p.problem))],
        checkpointAt: against?.at,
        checkpointCount: against?.count,
      },
    });
    console.log(`recorded as entry ${entry.seq} (audit-verified)`);
  }
  return problems.length === 0 ? 0 : 1;
}

/** The login of whoever runs verify; a container user without a passwd entry has none (userInfo throws). */
function whoRuns(): string {
  try {
    return userInfo().username;
  } catch {
    return process.env.USER ?? `uid ${process.getuid?.() ?? '?'}`;
  }
}

function readCheckpointFile(dir: string): string {
  try {
    return readFileSync(join(dir, CHECKPOINT_FILE), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return '';
    throw error;
  }
}

function parseHead(text: string): { seq: number; hash: string } {
  const match = /^(\d+):([0-9a-f]{64})$/.exec(text);
  if (!match) throw new UsageError(`--head must be SEQ:HASH as verify prints it, not '${text}'`);
  return { seq: Number(match[1]), hash: match[2]! };
}

function parseDate(flag: string, text: string | undefined): Date | undefined {
  if (text === undefined) return undefined;
  const date = new Date(text);
  if (Number.isNaN(date.getTime())) throw new UsageError(`${flag}: not a date: '${text}'`);
  return date;
}

function readSources(values: { db?: string; config?: string; key?: string; checkpoints?: string }): Sources {
  if (values.db !== undefined && values.config !== undefined) throw new UsageError('give --db or --config, not both');
  let sources: Sources;
  if (values.config !== undefined) {
    if (values.key !== undefined || values.checkpoints !== undefined) throw new UsageError('--key and --checkpoints go with --db; with --config its audit section names them');
    const raw = JSON.parse(readFileSync(values.config, 'utf8')) as { store?: unknown; audit?: unknown };
    const baseDir = dirname(resolve(values.config));
    const audit = parseAuditConfig(raw.audit, baseDir);
    const { storePath: dbPath, postgres } = parseFourEyesConfig({ store: raw.store }, baseDir);
    if (dbPath === ':memory:' && !postgres) throw new Error(`${values.config} names no store.sqlite file: its audit log lives only in the running proxy's memory`);
    sources = { dbPath, postgres, keyFile: audit.keyFile, keyField: 'config.audit.keyFile', checkpointDir: audit.checkpoints?.dir, activity: audit.processingActivityId };
  } else {
    if (values.db === undefined) throw new UsageError('--db FILE or --config FILE is required');
    if (values.checkpoints !== undefined && values.key === undefined) throw new UsageError('--checkpoints needs --key FILE: the checkpoints are signed with it');
    sources = { dbPath: values.db, keyFile: values.key, keyField: '--key', checkpointDir: values.checkpoints };
  }
  // Opening a missing file would create an empty log that verifies as intact.
  if (!sources.postgres && !existsSync(sources.dbPath)) throw new Error(`no database at ${sources.dbPath}`);
  return sources;
}
