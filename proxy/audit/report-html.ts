// The privacy officer's report as one HTML page to read in a browser, print or hand to a regulator:
// the same figures as `audit report --format json`, with charts as inline SVG, so the file needs no
// network, no script and no other file. Numbers, codes, weeks, dates and file hashes only: never a
// user, a column name or a free text, which may carry the very personal data the log is about.
import { escapeHtml } from '../respond.js';
import { dayRanges, type AuditReport, type SelfTestHistory } from './report.js';
import type { SelfTestCheck } from '../self-test.js';
import { isOfficeName } from './office.js';

export type ReportLanguage = 'nl' | 'en';

export interface HtmlReportOptions {
  lang?: ReportLanguage;
  /** The end of the period (exclusive), when the entries were cut off there. */
  until?: string;
}

const TEXT = {
  nl: {
    title: 'export-guard: rapportage voor de functionaris gegevensbescherming',
    period: 'Periode',
    wholeLog: 'het hele logboek',
    from: 'vanaf',
    until: 'tot',
    entries: 'regels in het logboek',
    head: 'Laatste regel (noteer die: `audit verify --head` controleert hem later)',
    emptyLog: 'leeg logboek',
    verification: 'Controle van het logboek',
    neverVerified: 'Nooit gecontroleerd: voer `export-guard audit verify --config BESTAND` uit.',
    intact: 'intact',
    broken: 'GEBROKEN',
    verifiedAt: 'Laatst gecontroleerd op',
    checked: 'regels gecontroleerd',
    againstCheckpoint: 'tegen het ondertekende controlepunt van',
    checkpointEntries: 'regels',
    noCheckpoint: 'zonder controlepunten: een ingekort logboek zou niet opvallen',
    blocks: 'Tegengehouden uploads',
    total: 'totaal',
    proxy: 'proxy',
    extension: 'extensie',
    perWeekByChannel: 'Per week en kanaal',
    perWeekByReason: 'Per week en reden (een upload met twee redenen telt bij beide)',
    week: 'week',
    reason: 'reden',
    approvals: 'Vier ogen: goedkeuringen',
    requested: 'aangevraagd',
    approved: 'goedgekeurd',
    rejected: 'afgewezen',
    expired: 'verlopen',
    withdrawn: 'ingetrokken',
    used: 'gebruikt',
    median: 'Mediane tijd tot goedkeuring',
    minutes: 'min',
    none: 'geen',
    lockouts: 'Geblokkeerd na te veel foute tokens',
    sends: 'Verzendingen',
    passedWithApproval: 'verzonden met goedkeuring',
    passedWithoutNeed: 'verzonden zonder dat die nodig was',
    refused: 'geweigerd',
    refusedBy: 'Geweigerd, naar reden',
    reported: 'Gemeld als geen export',
    reportedFiles: 'bestand(en)',
    file: 'bestand (SHA-256)',
    kind: 'soort',
    reports: 'meldingen',
    users: 'melders',
    lastReport: 'laatste melding',
    status: 'status',
    allowedUntil: 'toegestaan tot',
    stillBlocked: 'nog tegengehouden',
    exceptions: 'Uitzonderingen toegestaan',
    allowedAt: 'toegestaan op',
    expiresAt: 'geldig tot',
    uses: 'keer gebruikt',
    unknownCode: '(onbekende code)',
    selfTest: 'Zelftest: werkt de maatregel nog?',
    selfTestIntro: 'Elk uur (of op het ingestelde interval) stuurt de proxy een verzonnen export van personen (moet worden geweigerd), een onschuldig bestand (moet door) en een verzending aan veel ontvangers zonder goedkeuring (moet worden tegengehouden) door zijn eigen controle. Per dag (UTC):',
    daysPassed: 'dagen geslaagd',
    daysFailed: 'dagen met een mislukte zelftest',
    daysWithout: 'dagen zonder zelftest',
    dayPassed: 'geslaagd',
    dayFailed: 'MISLUKT',
    dayNone: 'geen zelftest vastgelegd',
    days: 'dagen',
    dayRange: 'van – tot',
    outcome: 'uitkomst',
    runs: 'zelftests',
    failedRuns: 'mislukt',
    failedAt: 'Zelftest mislukt op',
    noDays: 'De periode heeft geen dagen.',
    checks: {
      'export-refused': 'de verzonnen export werd niet geweigerd',
      'harmless-passed': 'het onschuldige bestand kwam niet door',
      'bulk-send-held': 'de verzending aan veel ontvangers werd niet tegengehouden',
    },
    office: 'kantoor',
    perOffice: 'Per kantoor',
    perOfficeIntro: 'De proxy van elk kantoor zet zijn naam (config.office) bij wat hij vastlegt. Zelftest per kantoor: dagen geslaagd / mislukt / zonder zelftest.',
    noOffice: '(geen kantoor genoemd)',
    unknownOffice: '(onbekende naam)',
    selfTestShort: 'zelftest',
    blocksShort: 'tegengehouden',
    refusedShort: 'verzendingen geweigerd',
  },
  en: {
    title: "export-guard: the privacy officer's report",
    period: 'Period',
    wholeLog: 'the whole log',
    from: 'from',
    until: 'until',
    entries: 'entries in the log',
    head: 'Log head (note it; `audit verify --head` checks it later)',
    emptyLog: 'empty log',
    verification: 'Verification of the log',
    neverVerified: 'Never verified: run `export-guard audit verify --config FILE`.',
    intact: 'intact',
    broken: 'BROKEN',
    verifiedAt: 'Last verified on',
    checked: 'entries checked',
    againstCheckpoint: 'against the signed checkpoint of',
    checkpointEntries: 'entries',
    noCheckpoint: 'without checkpoints: a cut-back log could not be seen',
    blocks: 'Blocked uploads',
    total: 'total',
    proxy: 'proxy',
    extension: 'extension',
    perWeekByChannel: 'Per week and channel',
    perWeekByReason: 'Per week and reason (an upload with two reasons counts for each)',
    week: 'week',
    reason: 'reason',
    approvals: 'Four eyes: approvals',
    requested: 'requested',
    approved: 'approved',
    rejected: 'rejected',
    expired: 'expired',
    withdrawn: 'withdrawn',
    used: 'used',
    median: 'Median time to approve',
    minutes: 'min',
    none: 'none',
    lockouts: 'Locked out after too many wrong tokens',
    sends: 'Sends',
    passedWithApproval: 'passed with approval',
    passedWithoutNeed: 'passed without needing one',
    refused: 'refused',
    refusedBy: 'Refused, by reason',
    reported: 'Reported as not an export',
    reportedFiles: 'file(s)',
    file: 'file (SHA-256)',
    kind: 'kind',
    reports: 'reports',
    users: 'reporters',
    lastReport: 'last report',
    status: 'status',
    allowedUntil: 'allowed until',
    stillBlocked: 'still blocked',
    exceptions: 'Exceptions granted',
    allowedAt: 'allowed on',
    expiresAt: 'valid until',
    uses: 'times used',
    unknownCode: '(unknown code)',
    selfTest: 'Self-test: does the measure still work?',
    selfTestIntro: 'Every hour (or at the interval configured) the proxy puts a made-up export of people (must be refused), a harmless file (must pass) and an unapproved send to many recipients (must be held) through its own checks. Per day (UTC):',
    daysPassed: 'days passed',
    daysFailed: 'days with a failed self-test',
    daysWithout: 'days without a self-test',
    dayPassed: 'passed',
    dayFailed: 'FAILED',
    dayNone: 'no self-test recorded',
    days: 'days',
    dayRange: 'from – to',
    outcome: 'outcome',
    runs: 'self-tests',
    failedRuns: 'failed',
    failedAt: 'Self-test failed on',
    noDays: 'The period has no days.',
    checks: {
      'export-refused': 'the made-up export was not refused',
      'harmless-passed': 'the harmless file did not pass',
      'bulk-send-held': 'the send to many recipients was not held',
    },
    office: 'office',
    perOffice: 'Per office',
    perOfficeIntro: "Each office's proxy puts its name (config.office) on what it records. Self-test per office: days passed / failed / without a self-test.",
    noOffice: '(no office named)',
    unknownOffice: '(unknown name)',
    selfTestShort: 'self-test',
    blocksShort: 'blocked',
    refusedShort: 'sends refused',
  },
} as const;

type Text = (typeof TEXT)[ReportLanguage];

const COLORS = ['#1f5fa8', '#e07b00', '#2e8b57', '#b03060', '#6a4fb3', '#7a7a7a', '#c9a000', '#008b8b'];

export function renderHtmlReport(r: AuditReport, options: HtmlReportOptions = {}): string {
  const lang = options.lang ?? 'nl';
  const t = TEXT[lang];
  const n = (value: number, figure?: string) => figureOf(value, new Intl.NumberFormat(lang).format(value), figure);
  const day = (iso: string) => escapeHtml(new Intl.DateTimeFormat(lang, { dateStyle: 'long', timeZone: 'Europe/Amsterdam' }).format(new Date(iso)));
  const moment = (iso: string) => escapeHtml(new Intl.DateTimeFormat(lang, { dateStyle: 'long', timeStyle: 'short', timeZone: 'Europe/Amsterdam' }).format(new Date(iso)));
  const code = (text: string) => `<code>${escapeHtml(isCode(text) ? text : t.unknownCode)}</code>`;

  const until = r.until ?? options.until;
  const period = r.since || until ? [r.since && `${t.from} ${day(r.since)}`, until && `${t.until} ${day(until)}`].filter(Boolean).join(' ') : t.wholeLog;
  const weeks = [...new Set(r.blocksPerWeek.map((w) => w.week))];
  const reasons = [...new Set(r.blocksPerWeek.map((w) => w.reason))];
  const approvalRows = (['requested', 'approved', 'rejected', 'expired', 'withdrawn', 'used'] as const).map((key) => ({ label: t[key], value: r.approvals[key], figure: `approvals.${key}` }));
  const sendRows = (['passedWithApproval', 'passedWithoutNeed', 'refused'] as const).map((key) => ({ label: t[key], value: r.sends[key], figure: `sends.${key}` }));

  return `<!doctype html>
<html lang="${lang}">
<head>
<meta charset="utf-8">
<title>${escapeHtml(t.title)}</title>
<style>${STYLE}</style>
</head>
<body>
<h1>${escapeHtml(t.title)}</h1>
<p>${t.period}: ${period} · ${n(r.entries, 'entries')} ${t.entries}${r.firstAt ? ` (${moment(r.firstAt)} – ${moment(r.lastAt!)})` : ''}</p>
<p class="small">${escapeHtml(t.head)}: <code>${escapeHtml(r.head ?? t.emptyLog)}</code></p>

<h2>${t.verification}</h2>
${verification()}

<h2>${t.selfTest}</h2>
${selfTestSection(r.selfTest, t, lang, 'selfTest')}
${r.offices ? officeSection() : ''}

<h2>${t.blocks}: ${n(r.blocks.total, 'blocks.total')}</h2>
<dl>${figureItem(t.proxy, n(r.blocks.proxy, 'blocks.proxy'))}${figureItem(t.extension, n(r.blocks.extension, 'blocks.extension'))}</dl>
<h3>${t.perWeekByChannel}</h3>
${r.blocksPerWeekByChannel.length === 0 ? `<p>${t.none}</p>` : `${barChart(r.blocksPerWeekByChannel.map((w) => ({ label: w.week, parts: [w.proxy, w.extension] })), [t.proxy, t.extension])}
<table><tr><th>${t.week}</th><th>${t.proxy}</th><th>${t.extension}</th></tr>
${r.blocksPerWeekByChannel.map((w) => `<tr><td>${escapeHtml(w.week)}</td><td class="num">${n(w.proxy, `blocksPerWeekByChannel.${w.week}.proxy`)}</td><td class="num">${n(w.extension, `blocksPerWeekByChannel.${w.week}.extension`)}</td></tr>`).join('\n')}
</table>`}
<h3>${t.perWeekByReason}</h3>
${weeks.length === 0 ? `<p>${t.none}</p>` : `${barChart(weeks.map((week) => ({ label: week, parts: reasons.map((reason) => weekCount(week, reason)) })), reasons.map((reason) => (isCode(reason) ? reason : t.unknownCode)))}
<table><tr><th>${t.week}</th><th>${t.reason}</th><th>${t.proxy}</th><th>${t.extension}</th></tr>
${r.blocksPerWeek.map((w) => `<tr><td>${escapeHtml(w.week)}</td><td>${code(w.reason)}</td><td class="num">${n(w.proxy)}</td><td class="num">${n(w.extension)}</td></tr>`).join('\n')}
</table>`}

<h2>${t.approvals}</h2>
${barChart(approvalRows.map((row) => ({ label: row.label, parts: [row.value] })), [t.approvals])}
<dl>${approvalRows.map((row) => figureItem(row.label, n(row.value, row.figure))).join('')}
${figureItem(t.median, r.medianMinutesToApprove === null ? t.none : `${figureOf(r.medianMinutesToApprove, new Intl.NumberFormat(lang, { maximumFractionDigits: 1 }).format(r.medianMinutesToApprove), 'medianMinutesToApprove')} ${t.minutes}`)}
${figureItem(t.lockouts, n(r.tokenLockouts, 'tokenLockouts'))}</dl>

<h2>${t.sends}</h2>
${barChart(sendRows.map((row) => ({ label: row.label, parts: [row.value] })), [t.sends])}
<dl>${sendRows.map((row) => figureItem(row.label, n(row.value, row.figure))).join('')}</dl>
${r.refusedBy.length === 0 ? '' : `<h3>${t.refusedBy}</h3>
${barChart(r.refusedBy.map((x) => ({ label: isCode(x.reason) ? x.reason : t.unknownCode, parts: [x.count] })), [t.refused])}
<table><tr><th>${t.reason}</th><th>${t.refused}</th></tr>
${r.refusedBy.map((x) => `<tr><td>${code(x.reason)}</td><td class="num">${n(x.count, `refusedBy.${x.reason}`)}</td></tr>`).join('\n')}
</table>`}

<h2>${t.reported}: ${n(r.reportedFiles.length, 'reportedFiles')} ${t.reportedFiles}</h2>
${r.reportedFiles.length === 0 ? '' : `<table><tr><th>${t.file}</th><th>${t.kind}</th><th>${t.reason}</th><th>${t.reports}</th><th>${t.users}</th><th>${t.lastReport}</th><th>${t.status}</th></tr>
${r.reportedFiles.map((f) => `<tr><td>${hash(f.sha256)}</td><td>${code(f.kind)}</td><td>${f.reasonCodes.map(code).join(' ')}</td><td class="num">${n(f.reports)}</td><td class="num">${n(f.users)}</td><td>${day(f.lastAt)}</td><td>${f.allowedUntil ? `${t.allowedUntil} ${day(f.allowedUntil)}` : t.stillBlocked}</td></tr>`).join('\n')}
</table>`}

<h2>${t.exceptions}: ${n(r.exceptions.length, 'exceptions')}</h2>
${r.exceptions.length === 0 ? '' : `<table><tr><th>${t.file}</th><th>${t.allowedAt}</th><th>${t.expiresAt}</th><th>${t.uses}</th></tr>
${r.exceptions.map((e) => `<tr><td>${hash(e.sha256)}</td><td>${day(e.allowedAt)}</td><td>${e.expiresAt ? day(e.expiresAt) : ''}</td><td class="num">${n(e.uses)}</td></tr>`).join('\n')}
</table>`}
</body>
</html>
`;

  /** Only when the events name more than one office: each office's figures side by side, and its self-test days. */
  function officeSection(): string {
    const offices = r.offices!;
    const name = (office: string) => (office === '' ? t.noOffice : isOfficeName(office) ? office : t.unknownOffice);
    const key = (office: string) => `offices.${isOfficeName(office) ? office : '-'}`;
    const label = { passed: t.dayPassed, failed: t.dayFailed, none: t.dayNone };
    const rows = offices.map((o) => {
      const f = (value: number, figure: string) => n(value, `${key(o.office)}.${figure}`);
      const days = o.selfTest;
      return `<tr data-office="${escapeHtml(name(o.office))}"><td>${escapeHtml(name(o.office))}</td><td class="num">${f(o.blocks.total, 'blocks.total')}</td><td class="num">${f(o.approvals.requested, 'approvals.requested')}</td><td class="num">${f(o.approvals.approved, 'approvals.approved')}</td><td class="num">${f(o.approvals.rejected, 'approvals.rejected')}</td><td class="num">${f(o.sends.refused, 'sends.refused')}</td><td class="num${days.daysFailed + days.daysWithout > 0 ? ' bad' : ' good'}">${f(days.daysPassed, 'selfTest.daysPassed')} / ${f(days.daysFailed, 'selfTest.daysFailed')} / ${f(days.daysWithout, 'selfTest.daysWithout')}</td></tr>`;
    });
    return `<h2>${t.perOffice}</h2>
<p>${escapeHtml(t.perOfficeIntro)}</p>
${barChart(offices.map((o) => ({ label: name(o.office), parts: [o.blocks.proxy, o.blocks.extension] })), [t.proxy, t.extension])}
<table><tr><th>${t.office}</th><th>${t.blocksShort}</th><th>${t.requested}</th><th>${t.approved}</th><th>${t.rejected}</th><th>${t.refusedShort}</th><th>${t.selfTestShort}</th></tr>
${rows.join('\n')}
</table>
${offices.map((o) => (o.selfTest.days.length === 0 ? '' : `<h3>${t.selfTestShort}: ${escapeHtml(name(o.office))}</h3>\n${dayStrip(o.selfTest, label)}`)).join('\n')}`;
  }

  function weekCount(week: string, reason: string): number {
    const row = r.blocksPerWeek.find((w) => w.week === week && w.reason === reason);
    return row ? row.proxy + row.extension : 0;
  }

  function verification(): string {
    const v = r.lastVerified;
    if (!v) return `<p class="bad" data-verified="never">${escapeHtml(t.neverVerified)}</p>`;
    const outcome = v.result === 'intact' ? `<strong class="good">${t.intact}</strong>` : `<strong class="bad">${t.broken}</strong> (${v.problems.map(code).join(', ')})`;
    const against = v.checkpointAt ? `${t.againstCheckpoint} ${moment(v.checkpointAt)} (${n(v.checkpointCount ?? 0, 'lastVerified.checkpointCount')} ${t.checkpointEntries})` : t.noCheckpoint;
    return `<p data-verified="${v.result}">${t.verifiedAt} ${moment(v.at)}: ${outcome}, ${n(v.entries, 'lastVerified.entries')} ${t.checked}, ${against}.</p>`;
  }
}

/**
 * The self-test's days: a strip with one bar per day (green passed, red failed, grey none), the
 * runs of alike days as a table, and every failure as a red line with its time and checks.
 */
function selfTestSection(h: SelfTestHistory, t: Text, lang: ReportLanguage, figure: string): string {
  const n = (value: number, name: string) => figureOf(value, new Intl.NumberFormat(lang).format(value), `${figure}.${name}`);
  const day = (iso: string) => escapeHtml(new Intl.DateTimeFormat(lang, { dateStyle: 'long', timeZone: 'UTC' }).format(new Date(iso)));
  const moment = (iso: string) => escapeHtml(new Intl.DateTimeFormat(lang, { dateStyle: 'long', timeStyle: 'medium', timeZone: 'Europe/Amsterdam' }).format(new Date(iso)));
  const label = { passed: t.dayPassed, failed: t.dayFailed, none: t.dayNone };
  const summary = `<dl>${figureItem(t.daysPassed, n(h.daysPassed, 'daysPassed'))}${figureItem(t.daysFailed, n(h.daysFailed, 'daysFailed'))}${figureItem(t.daysWithout, n(h.daysWithout, 'daysWithout'))}</dl>`;
  if (h.days.length === 0) return `<p>${escapeHtml(t.selfTestIntro)}</p>\n${summary}\n<p>${t.noDays}</p>`;
  const ranges = dayRanges(h.days);
  const rows = ranges.map((x) => `<tr class="${x.status === 'passed' ? 'good' : 'bad'}" data-self-test-days="${x.status}"><td>${day(x.from)}${x.from === x.to ? '' : ` – ${day(x.to)}`}</td><td class="num">${x.days}</td><td>${escapeHtml(label[x.status])}</td><td class="num">${x.status === 'none' ? '' : `${x.runs}${x.failed ? ` (${x.failed} ${t.failedRuns})` : ''}`}</td></tr>`);
  const failures = h.failures.map((f) => {
    const checks = f.checks.filter((c): c is SelfTestCheck => c in t.checks);
    const office = f.office && isOfficeName(f.office) ? ` (${t.office} ${escapeHtml(f.office)})` : '';
    return `<p class="bad" data-self-test-failed="${escapeHtml(f.at)}"><strong>${t.failedAt} ${moment(f.at)}</strong>${office}: ${checks.map((c) => `<code>${c}</code> (${escapeHtml(t.checks[c])})`).join(', ') || t.unknownCode}</p>`;
  });
  return `<p>${escapeHtml(t.selfTestIntro)}</p>
${summary}
${dayStrip(h, label)}
<table><tr><th>${t.dayRange}</th><th>${t.days}</th><th>${t.outcome}</th><th>${t.runs}</th></tr>
${rows.join('\n')}
</table>
${failures.join('\n')}`;
}

const DAY_COLORS = { passed: '#2e8b57', failed: '#b00020', none: '#bdbdbd' } as const;

/** One bar per day, as wide as the days allow: a glance shows a red or a grey day among the green. */
function dayStrip(h: SelfTestHistory, label: Record<keyof typeof DAY_COLORS, string>): string {
  const width = 700;
  const each = width / h.days.length;
  const bars = h.days.map((d, i) => `<rect x="${(i * each).toFixed(2)}" y="0" width="${Math.max(each - (each > 3 ? 1 : 0), 0.5).toFixed(2)}" height="28" fill="${DAY_COLORS[d.status]}" data-day="${d.day}" data-status="${d.status}"><title>${d.day}: ${escapeHtml(label[d.status])}${d.runs ? ` (${d.runs})` : ''}</title></rect>`);
  const ends = `<text x="0" y="44">${h.days[0]!.day}</text><text x="${width}" y="44" text-anchor="end">${h.days.at(-1)!.day}</text>`;
  return `<svg class="chart days" role="img" width="${width}" height="50" viewBox="0 0 ${width} 50" xmlns="http://www.w3.org/2000/svg">${bars.join('')}${ends}</svg>`;
}

/** A number a test or a script can read back: its value in `value`, its place in the report in `data-figure`. */
function figureOf(value: number, shown: string, figure?: string): string {
  return `<data value="${value}"${figure ? ` data-figure="${escapeHtml(figure)}"` : ''}>${escapeHtml(shown)}</data>`;
}

function figureItem(label: string, value: string): string {
  return `<div><dt>${escapeHtml(label)}</dt><dd>${value}</dd></div>`;
}

/**
 * Reason codes and kinds are kebab-case words. Extensions report theirs, so a code that is not one
 * (digits, spaces, capitals: a BSN or a name typed where a code belongs) is not shown.
 */
function isCode(text: string): boolean {
  return /^[a-z][a-z0-9-]{0,79}$/.test(text);
}

function hash(sha256: string): string {
  return /^[0-9a-f]{64}$/.test(sha256) ? `<code title="${sha256}">${sha256.slice(0, 16)}…</code>` : '';
}

/** Horizontal bars, one per row, each split into the series' parts, with a legend when there are several series. */
function barChart(rows: readonly { label: string; parts: readonly number[] }[], series: readonly string[]): string {
  const rowHeight = 26;
  const labelWidth = 230;
  const barWidth = 440;
  const legendHeight = series.length > 1 ? Math.ceil(series.length / 2) * 20 + 8 : 0;
  const max = Math.max(1, ...rows.map((row) => sum(row.parts)));
  const height = rows.length * rowHeight + legendHeight;
  const bars = rows.map((row, i) => {
    const y = i * rowHeight;
    let x = labelWidth;
    const segments = row.parts.map((part, j) => {
      const width = (part / max) * barWidth;
      const rect = width > 0 ? `<rect x="${x.toFixed(1)}" y="${y + 4}" width="${width.toFixed(1)}" height="${rowHeight - 8}" fill="${COLORS[j % COLORS.length]}"><title>${escapeHtml(series[j] ?? '')}: ${part}</title></rect>` : '';
      x += width;
      return rect;
    });
    return `<text x="${labelWidth - 8}" y="${y + rowHeight / 2 + 4}" text-anchor="end">${escapeHtml(row.label)}</text>${segments.join('')}<text x="${(x + 6).toFixed(1)}" y="${y + rowHeight / 2 + 4}">${sum(row.parts)}</text>`;
  });
  const legend = series.length > 1 ? series.map((name, j) => {
    const x = labelWidth + (j % 2) * 260;
    const y = rows.length * rowHeight + 8 + Math.floor(j / 2) * 20;
    return `<rect x="${x}" y="${y}" width="12" height="12" fill="${COLORS[j % COLORS.length]}"/><text x="${x + 18}" y="${y + 11}">${escapeHtml(name)}</text>`;
  }) : [];
  return `<svg class="chart" role="img" width="${labelWidth + barWidth + 60}" height="${height}" viewBox="0 0 ${labelWidth + barWidth + 60} ${height}" xmlns="http://www.w3.org/2000/svg">${bars.join('')}${legend.join('')}</svg>`;
}

function sum(values: readonly number[]): number {
  return values.reduce((a, b) => a + b, 0);
}

const STYLE = `
body { font-family: "DejaVu Sans", Arial, sans-serif; max-width: 60rem; margin: 2rem auto; padding: 0 1rem; color: #1a1a1a; }
h1 { font-size: 1.5rem; } h2 { font-size: 1.2rem; margin-top: 2rem; border-bottom: 1px solid #ccc; } h3 { font-size: 1rem; }
.small { font-size: .85rem; } code { font-size: .85em; word-break: break-all; }
table { border-collapse: collapse; margin: .5rem 0; } th, td { border: 1px solid #ccc; padding: .2rem .5rem; text-align: left; } .num { text-align: right; }
dl { display: flex; flex-wrap: wrap; gap: .5rem 2rem; } dl div { min-width: 10rem; } dt { font-size: .85rem; color: #555; } dd { margin: 0; font-size: 1.3rem; }
.chart { max-width: 100%; height: auto; font-size: 12px; } .good { color: #1d7a3a; } .bad { color: #b00020; }
@media print { body { margin: 0; } h2 { break-after: avoid; } svg, table { break-inside: avoid; } }
`;
