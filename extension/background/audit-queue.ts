// Blocked uploads the extension saw, and the caseworker's reports of a false block, on their way
// to the proxy's audit log. Each event is written
// to storage.local before any delivery attempt, so a closed browser, a stopped service worker or
// an unreachable proxy loses nothing; it leaves the queue only when the proxy has accepted it.
// The proxy deduplicates by eventId, so delivering an event twice (a crash between the proxy's
// answer and our removal) is harmless.
import browser from 'webextension-polyfill';
import type { BlockedUploadEvent, FalseBlockReport } from '../../shared/api.js';
import { proxyClient } from './proxy-client.js';
import { onSettingsChanged } from '../settings-storage.js';

const STORAGE_KEY = 'auditQueue';
const RETRY_ALARM = 'audit-queue-retry';
const FIRST_RETRY_MS = 30_000;
const MAX_RETRY_MS = 60 * 60_000;

type AuditEvent = BlockedUploadEvent | FalseBlockReport;

interface QueuedEvent {
  event: AuditEvent;
  attempts: number;
}

/** Call once at service-worker start: retries are alarms, which outlive the worker. */
export function startAuditQueue(): void {
  browser.alarms.onAlarm.addListener((alarm) => {
    if (alarm.name === RETRY_ALARM) void flushAuditQueue();
  });
  // A token or proxy URL just entered may be what the queued events were waiting for.
  onSettingsChanged(() => void flushAuditQueue());
  void flushAuditQueue();
}

/** Stores the event durably, then tries to deliver everything queued. */
export async function enqueue(event: AuditEvent): Promise<void> {
  await update((queue) => (queue.some((q) => q.event.eventId === event.eventId) ? queue : [...queue, { event, attempts: 0 }]));
  await flushAuditQueue();
}

export async function queuedEvents(): Promise<AuditEvent[]> {
  return (await read()).map((q) => q.event);
}

// One flush at a time: two overlapping flushes would post the same events twice.
let flushing: Promise<void> | undefined;

/** Delivers what is queued; schedules a retry when delivery fails. */
export function flushAuditQueue(): Promise<void> {
  flushing ??= deliverAll().finally(() => (flushing = undefined));
  return flushing;
}

async function deliverAll(): Promise<void> {
  // Read again after each delivery: an event queued while this flush runs (its enqueue waits for
  // this flush) is delivered now, not at the next retry.
  const tried = new Set<string>();
  for (let event = await untried(tried); event; event = await untried(tried)) {
    tried.add(event.eventId);
    try {
      await ('type' in event ? proxyClient.reportFalseBlock(event) : proxyClient.reportBlockedUpload(event));
      await update((queue) => queue.filter((q) => q.event.eventId !== event.eventId));
    } catch {
      // Unreachable, or refused (no token yet, proxy error): the event stays queued either way,
      // since it is evidence; the others would meet the same fate, so wait for the retry.
      await scheduleRetry(await markFailed(event.eventId));
      return;
    }
  }
}

async function untried(tried: ReadonlySet<string>): Promise<AuditEvent | undefined> {
  return (await read()).find((q) => !tried.has(q.event.eventId))?.event;
}

async function markFailed(eventId: string): Promise<number> {
  let attempts = 0;
  await update((queue) =>
    queue.map((q) => (q.event.eventId === eventId ? { ...q, attempts: (attempts = q.attempts + 1) } : q)),
  );
  return attempts;
}

/** Exponential backoff from 30 s up to an hour. */
async function scheduleRetry(attempts: number): Promise<void> {
  const delayMs = Math.min(FIRST_RETRY_MS * 2 ** Math.max(0, attempts - 1), MAX_RETRY_MS);
  const existing = await browser.alarms.get(RETRY_ALARM);
  if (existing && existing.scheduledTime <= Date.now() + delayMs) return;
  browser.alarms.create(RETRY_ALARM, { when: Date.now() + delayMs });
}

async function read(): Promise<QueuedEvent[]> {
  const stored = (await browser.storage.local.get(STORAGE_KEY))[STORAGE_KEY];
  return Array.isArray(stored) ? (stored as QueuedEvent[]) : [];
}

// Read-modify-write of one key: serialised so concurrent enqueues cannot overwrite each other.
let writes: Promise<unknown> = Promise.resolve();
function update(change: (queue: QueuedEvent[]) => QueuedEvent[]): Promise<void> {
  const next = writes.then(async () => {
    await browser.storage.local.set({ [STORAGE_KEY]: change(await read()) });
  });
  writes = next.catch(() => undefined);
  return next;
}
