// The privacy officer's report for the "Check" step: what was blocked, week by week and why;
// how the four-eyes rule was used; which sends were refused for lack of an approval; which files
// caseworkers reported as wrongly blocked, and which the privacy officer allowed; whether the
// measure's self-test ran and passed on every day of the period; and, once the log holds the
// events of several offices, the same figures per office.
import type { AuditEntry } from './entry.js';
import type { SelfTestCheck } from '../self-test.js';

/** A file caseworkers reported as not an export: what the officer needs to find and check it. */
export interface ReportedFile {
  sha256: string;
  kind: string;
  reasonCodes: string[];
  reports: number;
  /** Distinct users who reported it. */
  users: number;
  firstAt: string;
  lastAt: string;
  /** The newest exception granted for it in the period, if any. */
  allowedUntil?: string;
}

export interface GrantedException {
  sha256: string;
  allowedBy: string;
  allowedAt: string;
  why: string;
  expiresAt: string;
  /** Uploads it let through in the period. */
  uses: number;
}

/** The newest `audit verify` run recorded in the log, and what it was checked against. */
export interface LastVerification {
  at: string;
  by: string;
  result: 'intact' | 'broken';
  entries: number;
  /** The kinds of break found (edited, truncated, rewritten, ...). */
  problems: string[];
  /** The newest signed checkpoint it was checked against, if any. */
  checkpointAt?: string;
  checkpointCount?: number;
}

/** One UTC day of the period (as the weeks are UTC weeks): did a self-test run, and did every run pass? */
export interface SelfTestDay {
  day: string;
  /** passed: it ran and every run passed; failed: at least one run failed; none: no self-test is recorded that day. */
  status: 'passed' | 'failed' | 'none';
  runs: number;
  failed: number;
}

/** A failed self-test: when, which checks failed, and at which office (when the proxy names one). */
export interface SelfTestFailure {
  at: string;
  checks: string[];
  office?: string;
}

/** The evidence that the measure worked (GDPR art. 32(1)(d)): every day of the period, and every failure. */
export interface SelfTestHistory {
  days: SelfTestDay[];
  daysPassed: number;
  daysFailed: number;
  daysWithout: number;
  failures: SelfTestFailure[];
}

/** The figures of one office (its events name it in facts.office; '' for events that name none). */
export interface OfficeFigures {
  office: string;
  entries: number;
  blocks: AuditReport['blocks'];
  approvals: AuditReport['approvals'];
  medianMinutesToApprove: number | null;
  sends: AuditReport['sends'];
  selfTest: SelfTestHistory;
}

export interface AuditReport {
  since?: string;
  /** The end of the period (exclusive), when one was given. */
  until?: string;
  entries: number;
  firstAt?: string;
  lastAt?: string;
  /** The log's newest entry as SEQ:HASH, to note down for a later `audit verify --head`. */
  head?: string;
  /** Whatever the period: the newest verification of the whole log. */
  lastVerified?: LastVerification;
  /** Blocked uploads per ISO week and reason code; a block with two reasons counts for each. */
  blocksPerWeek: { week: string; reason: string; proxy: number; extension: number }[];
  /** Blocked uploads per ISO week and channel, each upload once. */
  blocksPerWeekByChannel: { week: string; proxy: number; extension: number }[];
  blocks: { total: number; proxy: number; extension: number };
  approvals: { requested: number; approved: number; rejected: number; expired: number; withdrawn: number; used: number };
  /** Addresses and token prefixes locked out after too many wrong tokens (someone guessing, or a misconfigured browser). */
  tokenLockouts: number;
  medianMinutesToApprove: number | null;
  sends: { passedWithApproval: number; passedWithoutNeed: number; refused: number };
  /** Refused sends by why: approval-missing, approval-payload-changed, ... */
  refusedBy: { reason: string; count: number }[];
  /** Files reported as wrongly blocked, most reported first. */
  reportedFiles: ReportedFile[];
  /** Exceptions granted (recorded when a proxy loaded them), in the order they were recorded. */
  exceptions: GrantedException[];
  selfTest: SelfTestHistory;
  /** Per office, only when the period's events name more than one office. */
  offices?: OfficeFigures[];
}

export interface ReportPeriod {
  /** Entries before this moment are left out. */
  until?: Date;
  /** When the period ends without --until: the days up to now count (a day without a self-test is one). */
  now?: Date;
}

export function buildReport(entries: readonly AuditEntry[], since?: Date, period: ReportPeriod = {}): AuditReport {
  const { until, now = new Date() } = period;
  // The log as of the period's end: its head and last verification are those as of then, whatever --since says.
  const asOf = until ? entries.filter((e) => Date.parse(e.at) < until.getTime()) : entries;
  const chosen = since ? asOf.filter((e) => Date.parse(e.at) >= since.getTime()) : asOf;
  const report = figures(chosen, since);
  report.until = until?.toISOString();
  report.head = asOf.length > 0 ? `${asOf[asOf.length - 1]!.seq}:${asOf[asOf.length - 1]!.hash}` : undefined;
  report.lastVerified = lastVerification(asOf);
  const days = periodDays(since ?? (chosen[0] && new Date(chosen[0].at)), until ?? now);
  report.selfTest = selfTestHistory(chosen, days);
  const offices = [...new Set(chosen.map((e) => e.facts.office).filter((office): office is string => !!office))].sort();
  if (offices.length > 1) {
    // Entries that name no office (written before it was configured, or by `audit verify`) form a group of their own, when they hold more than verifications.
    const groups = chosen.some((e) => !e.facts.office && e.type !== 'audit-verified') ? [...offices, ''] : offices;
    report.offices = groups.map((office) => {
      const own = chosen.filter((e) => (e.facts.office ?? '') === office);
      const { entries: count, blocks, approvals, medianMinutesToApprove, sends } = figures(own, since);
      return { office, entries: count, blocks, approvals, medianMinutesToApprove, sends, selfTest: selfTestHistory(own, days) };
    });
  }
  return report;
}

/** The figures of the period's entries, without what depends on the whole log, the period's days or the offices. */
function figures(chosen: readonly AuditEntry[], since: Date | undefined): AuditReport {
  const weekly = new Map<string, { week: string; reason: string; proxy: number; extension: number }>();
  const channels = new Map<string, { week: string; proxy: number; extension: number }>();
  const refused = new Map<string, number>();
  const minutes: number[] = [];
  const reported = new Map<string, ReportedFile & { reporters: Set<string> }>();
  const uses = new Map<string, number>();
  const report: AuditReport = {
    since: since?.toISOString(),
    entries: chosen.length,
    firstAt: chosen[0]?.at,
    lastAt: chosen[chosen.length - 1]?.at,
    blocksPerWeek: [],
    blocksPerWeekByChannel: [],
    blocks: { total: 0, proxy: 0, extension: 0 },
    approvals: { requested: 0, approved: 0, rejected: 0, expired: 0, withdrawn: 0, used: 0 },
    tokenLockouts: 0,
    medianMinutesToApprove: null,
    sends: { passedWithApproval: 0, passedWithoutNeed: 0, refused: 0 },
    refusedBy: [],
    reportedFiles: [],
    exceptions: [],
    selfTest: { days: [], daysPassed: 0, daysFailed: 0, daysWithout: 0, failures: [] },
  };
  for (const { type, at, facts } of chosen) {
    switch (type) {
      case 'upload-blocked': {
        const source = facts.source ?? 'proxy';
        report.blocks.total += 1;
        report.blocks[source] += 1;
        const week = isoWeek(new Date(at));
        const channel = channels.get(week) ?? { week, proxy: 0, extension: 0 };
        channel[source] += 1;
        channels.set(week, channel);
        for (const reason of facts.reasonCodes?.length ? facts.reasonCodes : ['unspecified']) {
          const row = weekly.get(`${week} ${reason}`) ?? { week, reason, proxy: 0, extension: 0 };
          row[source] += 1;
          weekly.set(`${week} ${reason}`, row);
        }
        break;
      }
      case 'approval-requested':
        report.approvals.requested += 1;
        break;
      case 'approval-approved':
        report.approvals.approved += 1;
        if (facts.minutesToDecide !== undefined) minutes.push(facts.minutesToDecide);
        break;
      case 'approval-rejected':
        report.approvals.rejected += 1;
        break;
      case 'approval-expired':
        report.approvals.expired += 1;
        break;
      case 'approval-withdrawn':
        report.approvals.withdrawn += 1;
        break;
      case 'auth-locked-out':
        report.tokenLockouts += 1;
        break;
      case 'send-passed':
        if (facts.approvalId) {
          report.approvals.used += 1;
          report.sends.passedWithApproval += 1;
        } else {
          report.sends.passedWithoutNeed += 1;
        }
        break;
      case 'send-refused': {
        report.sends.refused += 1;
        const reason = facts.reasonCodes?.[0] ?? 'unspecified';
        refused.set(reason, (refused.get(reason) ?? 0) + 1);
        break;
      }
      case 'false-block-reported': {
        const sha256 = facts.sha256?.[0] ?? '';
        const file = reported.get(sha256) ?? { sha256, kind: facts.fileKind ?? '', reasonCodes: facts.reasonCodes ?? [], reports: 0, users: 0, firstAt: at, lastAt: at, reporters: new Set<string>() };
        file.reports += 1;
        file.reporters.add(facts.user);
        file.lastAt = at > file.lastAt ? at : file.lastAt;
        reported.set(sha256, file);
        break;
      }
      case 'exception-granted':
        report.exceptions.push({ sha256: facts.sha256?.[0] ?? '', allowedBy: facts.user, allowedAt: facts.allowedAt ?? at, why: facts.why ?? '', expiresAt: facts.expiresAt ?? '', uses: 0 });
        break;
      case 'exception-used':
        uses.set(facts.sha256?.[0] ?? '', (uses.get(facts.sha256?.[0] ?? '') ?? 0) + 1);
        break;
    }
  }
  // A file's uses count under its newest grant: a renewed exception is the same decision, extended.
  for (const [sha256, count] of uses) {
    const grant = report.exceptions.filter((e) => e.sha256 === sha256).at(-1);
    if (grant) grant.uses = count;
  }
  report.reportedFiles = [...reported.values()]
    .map(({ reporters, ...file }) => {
      const allowedUntil = report.exceptions.filter((e) => e.sha256 === file.sha256).at(-1)?.expiresAt;
      return { ...file, users: reporters.size, ...(allowedUntil ? { allowedUntil } : {}) };
    })
    .sort((a, b) => b.reports - a.reports || a.firstAt.localeCompare(b.firstAt));
  report.blocksPerWeek = [...weekly.values()].sort((a, b) => a.week.localeCompare(b.week) || a.reason.localeCompare(b.reason));
  report.blocksPerWeekByChannel = [...channels.values()].sort((a, b) => a.week.localeCompare(b.week));
  report.refusedBy = [...refused].map(([reason, count]) => ({ reason, count })).sort((a, b) => b.count - a.count || a.reason.localeCompare(b.reason));
  report.medianMinutesToApprove = median(minutes);
  return report;
}

const DAY_MS = 86_400_000;

/** Every UTC day from the start's to the one holding the period's last moment; none without a start. */
function periodDays(start: Date | undefined, end: Date): string[] {
  if (!start) return [];
  const days: string[] = [];
  const last = Date.parse(new Date(end.getTime() - 1).toISOString().slice(0, 10));
  for (let day = Date.parse(start.toISOString().slice(0, 10)); day <= last; day += DAY_MS) days.push(new Date(day).toISOString().slice(0, 10));
  return days;
}

/**
 * Per day of the period: whether a self-test is recorded, and whether every run passed. A day
 * without a record is shown as such, never as passed: no evidence is no evidence.
 */
function selfTestHistory(chosen: readonly AuditEntry[], days: readonly string[]): SelfTestHistory {
  const perDay = new Map(days.map((day) => [day, { day, status: 'none' as SelfTestDay['status'], runs: 0, failed: 0 }]));
  const failures: SelfTestFailure[] = [];
  for (const { type, at, facts } of chosen) {
    if (type !== 'self-test') continue;
    const day = perDay.get(at.slice(0, 10));
    const passed = facts.passed === true;
    if (day) {
      day.runs += 1;
      if (!passed) day.failed += 1;
      day.status = day.failed > 0 ? 'failed' : 'passed';
    }
    if (!passed) failures.push({ at, checks: facts.reasonCodes ?? [], ...(facts.office ? { office: facts.office } : {}) });
  }
  const list = [...perDay.values()];
  const count = (status: SelfTestDay['status']) => list.filter((d) => d.status === status).length;
  return { days: list, daysPassed: count('passed'), daysFailed: count('failed'), daysWithout: count('none'), failures };
}

/** The checks a self-test runs (proxy/self-test.ts), in the order it runs them. */
export const SELF_TEST_CHECKS: readonly SelfTestCheck[] = ['export-refused', 'harmless-passed', 'bulk-send-held'];

/** Consecutive days of the same status as one range: a year of passed days is one line, not 365. */
export function dayRanges(days: readonly SelfTestDay[]): { from: string; to: string; status: SelfTestDay['status']; days: number; runs: number; failed: number }[] {
  const ranges: ReturnType<typeof dayRanges> = [];
  for (const d of days) {
    const last = ranges.at(-1);
    if (last && last.status === d.status) Object.assign(last, { to: d.day, days: last.days + 1, runs: last.runs + d.runs, failed: last.failed + d.failed });
    else ranges.push({ from: d.day, to: d.day, status: d.status, days: 1, runs: d.runs, failed: d.failed });
  }
  return ranges;
}

function lastVerification(entries: readonly AuditEntry[]): LastVerification | undefined {
  const entry = entries.findLast((e) => e.type === 'audit-verified');
  if (!entry) return undefined;
  const { user, result, reasonCodes, checkpointAt, checkpointCount } = entry.facts;
  return { at: entry.at, by: user, result: result ?? 'broken', entries: entry.facts.entries ?? 0, problems: reasonCodes ?? [], ...(checkpointAt ? { checkpointAt, checkpointCount } : {}) };
}

/** One line: when, by whom, the outcome and against which checkpoint. */
function verificationText(v: LastVerification | undefined): string {
  if (!v) return 'never (run `export-guard audit verify --config FILE`)';
  const outcome = v.result === 'intact' ? 'intact' : `BROKEN (${v.problems.join(', ')})`;
  const against = v.checkpointAt ? `against the signed checkpoint of ${v.checkpointAt} (${v.checkpointCount} entries)` : 'without checkpoints (a cut-back tail could not be seen)';
  return `${v.at} by ${v.by}: ${outcome}, ${v.entries} entries, ${against}`;
}

export function formatReport(report: AuditReport, format: 'text' | 'json' | 'csv'): string {
  if (format === 'json') return JSON.stringify(report, null, 2);
  if (format === 'csv') return toCsv(report);
  return toText(report);
}

function toText(r: AuditReport): string {
  const lines = [
    'export-guard audit report',
    `period: ${r.since || r.until ? [r.since && `since ${r.since.slice(0, 10)}`, r.until && `until ${r.until.slice(0, 10)}`].filter(Boolean).join(' ') : 'whole log'}${r.firstAt ? ` (entries ${r.firstAt} .. ${r.lastAt})` : ''}, ${r.entries} entries`,
    `log head (note it; \`audit verify --head\` checks it later): ${r.head ?? 'empty log'}`,
    `last verified: ${verificationText(r.lastVerified)}`,
    '',
    ...selfTestText(r.selfTest),
    '',
    `Blocked uploads: ${r.blocks.total} (proxy ${r.blocks.proxy}, extension ${r.blocks.extension})`,
    ...table(r.blocksPerWeek.map((w) => [w.week, w.reason, w.proxy, w.extension]), ['week', 'reason', 'proxy', 'extension']),
    '',
    `Approvals: requested ${r.approvals.requested}, approved ${r.approvals.approved}, rejected ${r.approvals.rejected}, expired ${r.approvals.expired}, withdrawn ${r.approvals.withdrawn}, used ${r.approvals.used}`,
    `Median time to approve: ${r.medianMinutesToApprove === null ? 'n/a' : `${r.medianMinutesToApprove.toFixed(1)} min`}`,
    '',
    `Token lockouts (too many wrong tokens from one computer or for one token): ${r.tokenLockouts}`,
    '',
    `Sends: passed with approval ${r.sends.passedWithApproval}, passed without needing one ${r.sends.passedWithoutNeed}, refused ${r.sends.refused}`,
    ...table(r.refusedBy.map((x) => [`refused: ${x.reason}`, x.count])),
    '',
    `Reported as not an export: ${r.reportedFiles.length} files (allow one with \`export-guard exceptions add\`)`,
    ...table(
      r.reportedFiles.map((f) => [
        f.sha256,
        f.kind,
        f.reasonCodes.join(', ') || 'unspecified',
        `reported ${f.reports}x by ${f.users} user(s), last ${f.lastAt.slice(0, 10)}`,
        f.allowedUntil ? `allowed until ${f.allowedUntil}` : 'still blocked',
      ]),
    ),
    '',
    `Exceptions granted: ${r.exceptions.length}`,
    ...r.exceptions.map((e) => `  ${e.sha256}  by ${e.allowedBy} on ${e.allowedAt.slice(0, 10)}, until ${e.expiresAt}, used ${e.uses}x: ${e.why}`),
    ...(r.offices ? ['', 'Per office:', ...table(r.offices.map((o) => [
      o.office || '(no office named)',
      o.blocks.total,
      `${o.approvals.requested}/${o.approvals.approved}/${o.approvals.rejected}`,
      o.sends.refused,
      `${o.selfTest.daysPassed}/${o.selfTest.daysFailed}/${o.selfTest.daysWithout}`,
      o.selfTest.failures.length,
    ]), ['office', 'blocked', 'approvals req/appr/rej', 'sends refused', 'self-test days passed/failed/without', 'failed self-tests'])] : []),
  ];
  return lines.join('\n');
}

/** A range per run of days alike, then every failure on a line of its own. */
function selfTestText(h: SelfTestHistory): string[] {
  const status = { passed: 'passed', failed: 'FAILED', none: 'NO SELF-TEST RECORDED' } as const;
  return [
    `Self-test (the measure tested on each UTC day): ${h.daysPassed} days passed, ${h.daysFailed} days with a failure, ${h.daysWithout} days without a self-test`,
    ...table(dayRanges(h.days).map((x) => [x.from === x.to ? x.from : `${x.from} .. ${x.to}`, status[x.status], x.status === 'none' ? '' : `${x.runs} runs${x.failed ? `, ${x.failed} failed` : ''}`])),
    ...h.failures.map((f) => `  FAILED ${f.at}: ${f.checks.join(', ') || 'unspecified'}${f.office ? ` (office ${f.office})` : ''}`),
  ];
}

/**
 * Rows as aligned columns, indented under their heading: each column as wide as its widest cell,
 * numbers to the right. Codes and kinds differ in length, so fixed widths misaligned them. No
 * rows, no lines: a header alone would say nothing.
 */
function table(body: readonly (readonly (string | number)[])[], header?: readonly string[]): string[] {
  if (body.length === 0) return [];
  const rows = header ? [header, ...body] : body;
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, String(cell).length)));
  return rows.map((row) => {
    const cells = row.map((cell, i) => (typeof cell === 'number' ? String(cell).padStart(widths[i]!) : cell.padEnd(widths[i]!)));
    return `  ${cells.join('  ')}`.trimEnd();
  });
}

function toCsv(r: AuditReport): string {
  const rows: (string | number)[][] = [['section', 'week', 'key', 'value'], ['log', '', 'head', r.head ?? ''], ['log', '', 'last verified', r.lastVerified ? verificationText(r.lastVerified) : '']];
  for (const w of r.blocksPerWeek) {
    rows.push(['blocks', w.week, `${w.reason} proxy`, w.proxy], ['blocks', w.week, `${w.reason} extension`, w.extension]);
  }
  for (const [key, value] of Object.entries(r.approvals)) rows.push(['approvals', '', key, value]);
  rows.push(['approvals', '', 'median minutes to approve', r.medianMinutesToApprove === null ? '' : r.medianMinutesToApprove.toFixed(1)]);
  rows.push(['tokens', '', 'lockouts', r.tokenLockouts]);
  for (const [key, value] of Object.entries(r.sends)) rows.push(['sends', '', key, value]);
  for (const x of r.refusedBy) rows.push(['refused', '', x.reason, x.count]);
  for (const f of r.reportedFiles) {
    rows.push(['reported', isoWeek(new Date(f.lastAt)), `${f.sha256} ${f.kind} ${f.reasonCodes.join(' ')}`, f.reports]);
  }
  for (const e of r.exceptions) {
    rows.push(['exception', isoWeek(new Date(e.allowedAt)), `${e.sha256} by ${e.allowedBy} until ${e.expiresAt}`, e.why], ['exception-uses', '', e.sha256, e.uses]);
  }
  for (const d of r.selfTest.days) rows.push(['self-test', d.day, d.status, d.runs]);
  for (const f of r.selfTest.failures) rows.push(['self-test-failed', f.at, f.checks.join(' '), f.office ?? '']);
  for (const o of r.offices ?? []) {
    rows.push(['office', o.office, 'blocks', o.blocks.total], ['office', o.office, 'approvals requested', o.approvals.requested], ['office', o.office, 'sends refused', o.sends.refused]);
    rows.push(['office', o.office, 'self-test days passed', o.selfTest.daysPassed], ['office', o.office, 'self-test days failed', o.selfTest.daysFailed], ['office', o.office, 'self-test days without', o.selfTest.daysWithout]);
  }
  return rows.map((row) => row.map(csvField).join(',')).join('\n');
}

function csvField(value: string | number): string {
  // A leading =, +, - or @ would make a spreadsheet run the officer's free text as a formula.
  const text = typeof value === 'string' && /^[=+\-@]/.test(value) ? `'${value}` : String(value);
  return /[",\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** ISO 8601 week, e.g. '2026-W01': weeks start on Monday; week 1 holds the year's first Thursday. */
export function isoWeek(date: Date): string {
  const day = new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate()));
  const weekday = day.getUTCDay() || 7;
  day.setUTCDate(day.getUTCDate() + 4 - weekday);
  const yearStart = Date.UTC(day.getUTCFullYear(), 0, 1);
  const week = Math.ceil(((day.getTime() - yearStart) / 86_400_000 + 1) / 7);
  return `${day.getUTCFullYear()}-W${String(week).padStart(2, '0')}`;
}
