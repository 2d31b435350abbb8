// The measure tests itself (GDPR art. 32(1)(d)): made-up requests go through the proxy's own
// steps on a loopback server, and each must meet the answer the measure promises: an export of
// (synthetic) people refused, a harmless file passed, an unapproved bulk send held. The forward
// step is swapped for one that only notes what would have gone to the portal, so nothing ever
// leaves. The scan and four-eyes steps get their own events and a throwaway store, so a self-test
// adds no upload-blocked or send-refused entries to the evidence of real traffic.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { UserInfo } from '../shared/api.js';
import type { ApprovalRule } from '../shared/approval/rule.js';
import { runSteps, type NamedStep, type RequestContext, type Step } from './pipeline.js';
import { requireApprovalStep } from './steps/require-approval.js';
import { Approvals } from './approval/approvals.js';
import { BulkSends } from './approval/bulk-sends.js';
import { attachmentChecker } from './approval/attachment-check.js';
import { MemoryAttachmentLedger } from './attachments.js';
import { SqliteStore } from './store/sqlite.js';
import { ProxyEvents } from './events.js';
import type { Logger } from './log.js';
import { Registry, type Counter, type Histogram } from './ops/metrics.js';
import type { Store } from './store/types.js';
import type { DecidedVerdict } from '../shared/policy/exceptions.js';
import { integer, boolean, knownKeys, object } from './config-fields.js';

export interface SelfTestConfig {
  enabled: boolean;
  intervalMinutes: number;
}

export function parseSelfTestConfig(value: unknown): SelfTestConfig {
  const section = object(value ?? {}, 'config.selfTest');
  knownKeys(section, ['enabled', 'intervalMinutes'], 'config.selfTest');
  return {
    enabled: boolean(section.enabled ?? true, 'config.selfTest.enabled'),
    intervalMinutes: integer(section.intervalMinutes ?? 60, 'config.selfTest.intervalMinutes', 1, 7 * 24 * 60),
  };
}

export type SelfTestCheck = 'export-refused' | 'harmless-passed' | 'bulk-send-held';

export interface SelfTestResult {
  ok: boolean;
  checks: Record<SelfTestCheck, boolean>;
}

export interface ScanMetrics {
  scanSeconds: Histogram;
  blocks: Counter;
}

export interface SelfTestDeps {
  /** The proxy's own steps (buildSteps), with the scan and four-eyes parts given here, kept out of the real records. */
  build(parts: { scan: { events: ProxyEvents; metrics: ScanMetrics }; requireApproval: Step; identify: Step }): NamedStep[];
  rule: ApprovalRule;
  scan(bytes: Uint8Array): Promise<DecidedVerdict>;
}

/** Runs the three checks once. */
export async function runSelfTest(deps: SelfTestDeps): Promise<SelfTestResult> {
  const store = new SqliteStore(':memory:');
  const forwarded: string[] = [];
  try {
    const steps = deps.build({
      scan: { events: new ProxyEvents(), metrics: throwawayScanMetrics() },
      // Nobody signed in: an unapproved bulk send by an unknown sender must be held all the more.
      identify: async () => 'continue',
      requireApproval: privateRequireApproval(deps, store),
    }).map((step) => (step.name === 'forward' ? recordingForward(forwarded) : step));
    return await onLoopback(steps, async (url) => {
      const exportStatus = await upload(url, syntheticExport());
      const harmlessStatus = await upload(url, harmlessFile());
      const bulkStatus = await bulkSend(url, deps.rule);
      const checks = {
        'export-refused': exportStatus === 422 && !forwarded.includes('export'),
        'harmless-passed': harmlessStatus === 200 && forwarded.includes('harmless'),
        'bulk-send-held': bulkStatus === 428 && !forwarded.includes('bulk-send'),
      };
      return { ok: Object.values(checks).every(Boolean), checks };
    });
  } finally {
    await store.close();
  }
}

export interface ScheduledSelfTests {
  /** The start-up run. */
  first: Promise<void>;
  /** Stops the interval and waits for a run under way, so it never meets a closed pool or store. */
  stop(): Promise<void>;
}

/** Runs a self-test now and every interval; each result lands in the log, the audit log and /metrics. */
export function scheduleSelfTests(config: SelfTestConfig, deps: SelfTestDeps & { metrics: Registry; store: Store; log: Logger }): ScheduledSelfTests {
  let ok = 1;
  deps.metrics.gauge('export_guard_self_test_ok', 'Whether the last self-test passed (1) or failed (0): alert on 0.', () => ok);
  const runs = deps.metrics.counter('export_guard_self_test_runs_total', 'Self-tests run, by outcome (passed, failed).');
  // A passed run at start is not audited: the periodic runs are the evidence, and a start-up
  // entry would follow every restart. A failed run is always audited: it is the alarm.
  const once = async (periodic: boolean) => {
    const result = await runSelfTest(deps).catch((error: unknown): SelfTestResult => {
      deps.log.error('self-test-crashed', { message: error instanceof Error ? error.message : String(error) });
      return { ok: false, checks: { 'export-refused': false, 'harmless-passed': false, 'bulk-send-held': false } };
    });
    const failed = Object.entries(result.checks).filter(([, passed]) => !passed).map(([check]) => check);
    if (result.ok) deps.log.info('self-test-passed', {});
    else deps.log.error('self-test-failed', { failed });
    if (!result.ok || periodic) {
      await deps.store
        .appendAudit({ type: 'self-test', at: new Date().toISOString(), facts: { user: '', passed: result.ok, reasonCodes: failed } })
        .catch((error: unknown) => deps.log.error('self-test-audit-failed', { message: String(error) }));
    }
    // Last, so a scrape that sees the run also finds it in the audit log.
    ok = result.ok ? 1 : 0;
    runs.inc({ outcome: result.ok ? 'passed' : 'failed' });
  };
  let running = once(false);
  const first = running;
  const timer = setInterval(() => {
    running = running.then(() => once(true));
  }, config.intervalMinutes * 60_000);
  timer.unref();
  return {
    first,
    stop: async () => {
      clearInterval(timer);
      await running;
    },
  };
}

function privateRequireApproval(deps: SelfTestDeps, store: Store): Step {
  const ledger = new MemoryAttachmentLedger(0);
  const noApprovers = (): UserInfo[] => [];
  return requireApprovalStep({
    approvals: new Approvals({ store, rule: deps.rule, checkAttachment: attachmentChecker(ledger, deps.scan), approversOf: noApprovers }),
    rule: deps.rule,
    store,
    bulkSends: new BulkSends({ store, threshold: deps.rule.threshold, attachmentSha256: async () => undefined }),
    approversOf: noApprovers,
  });
}

function recordingForward(forwarded: string[]): NamedStep {
  return {
    name: 'forward',
    run: async (ctx) => {
      forwarded.push(ctx.req.headers['x-self-test'] as string);
      ctx.res.writeHead(200).end();
      return 'handled';
    },
  };
}

/** Its own registry: a self-test's blocks are no blocks of real uploads. */
function throwawayScanMetrics(): ScanMetrics {
  const registry = new Registry();
  return { scanSeconds: registry.histogram('self_test_scan_seconds', '', [1]), blocks: registry.counter('self_test_blocks', '') };
}

async function onLoopback<T>(steps: readonly NamedStep[], use: (url: string) => Promise<T>): Promise<T> {
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const ctx: RequestContext = { req, res, url: new URL(req.url ?? '/', 'http://proxy.invalid'), files: [], requestId: `self-test-${randomUUID()}` };
    runSteps(steps, ctx).catch(() => {
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    return await use(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  } finally {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

async function upload(base: string, file: { kind: string; name: string; text: string }): Promise<number> {
  const form = new FormData();
  form.append('attachment', new Blob([file.text], { type: 'text/csv' }), file.name);
  const response = await fetch(`${base}/api/attachments`, { method: 'POST', body: form, headers: { 'x-self-test': file.kind } });
  await response.arrayBuffer();
  return response.status;
}

async function bulkSend(base: string, rule: ApprovalRule): Promise<number> {
  const route = rule.sendRoutes[0];
  if (!route) return 0;
  const recipients = Array.from({ length: rule.threshold.maxRecipientsWithoutApproval + 1 }, (_, i) => `self-test-${i}`);
  const send: Record<string, unknown> = {};
  setPath(send, route.recipients, recipients);
  setPath(send, route.attachments, []);
  const body = JSON.stringify(send);
  const response = await fetch(`${base}${route.path}`, { method: route.method, body, headers: { 'content-type': 'application/json', 'x-self-test': 'bulk-send' } });
  await response.arrayBuffer();
  return response.status;
}

/** Puts a value at a send route's dot path ('message.recipientIds'), as the portal's client would. */
function setPath(target: Record<string, unknown>, path: string, value: unknown): void {
  const keys = path.split('.');
  const last = keys.pop()!;
  let node = target;
  for (const key of keys) node = (node[key] ??= {}) as Record<string, unknown>;
  node[last] = value;
}

/** Nine digits passing the elfproef, from a running number: valid BSNs nobody is likely to have. */
export function syntheticBsn(n: number): string {
  for (let candidate = n; ; candidate += 1) {
    const eight = String(10_000_000 + (candidate % 89_999_999)).padStart(8, '0');
    const sum = [...eight].reduce((total, digit, i) => total + Number(digit) * (9 - i), 0);
    const check = sum % 11;
    if (check < 10) return `${eight}${check}`;
  }
}

function syntheticExport(): { kind: string; name: string; text: string } {
  const rows = Array.from({ length: 20 }, (_, i) => `${syntheticBsn(123_457 * (i + 1))};Testpersoon ${i + 1};Zelftest;${1000 + i} AB;${String(1 + (i % 28)).padStart(2, '0')}-01-1980`);
  return { kind: 'export', name: 'zelftest-export.csv', text: ['BSN;Voornaam;Achternaam;Postcode;Geboortedatum', ...rows].join('\r\n') };
}

function harmlessFile(): { kind: string; name: string; text: string } {
  const rows = Array.from({ length: 20 }, (_, i) => `Vacature ${i + 1};Logistiek;${32 + (i % 8)};${i % 3 === 0 ? 'ja' : 'nee'}`);
  return { kind: 'harmless', name: 'zelftest-vacatures.csv', text: ['Vacature;Sector;Uren per week;Rijbewijs nodig', ...rows].join('\r\n') };
}
