// Scans every file found in the request in the worker pool. One blocked file refuses the whole
// request (422) and the upstream sees none of it. A file let through by the privacy officer's
// exception is said so in its event, so the audit log shows each use of an exception.
import type { DecidedVerdict } from '../../shared/policy/exceptions.js';
import type { PolicyException } from '../../shared/policy/types.js';
import type { ProxyEvents, UploadEvent } from '../events.js';
import type { Logger } from '../log.js';
import type { Counter, Histogram } from '../ops/metrics.js';
import type { FoundFile, RequestContext, Step } from '../pipeline.js';
import { refuseUpload } from './refuse-upload.js';

export interface ScanFilesDeps {
  scan(bytes: Uint8Array): Promise<DecidedVerdict>;
  events: ProxyEvents;
  log: Logger;
  metrics: { scanSeconds: Histogram; blocks: Counter };
}

export function scanFilesStep(deps: ScanFilesDeps): Step {
  return async (ctx) => {
    if (ctx.files.length === 0) return 'continue';
    const exceptions = new Map<FoundFile, PolicyException>();
    await Promise.all(
      ctx.files.map(async (file) => {
        const verdict = await deps.scan(file.bytes);
        file.verdict = verdict;
        if (verdict.exception) exceptions.set(file, verdict.exception);
        deps.metrics.scanSeconds.observe(verdict.elapsedMs / 1000, { kind: verdict.kind });
      }),
    );
    allowReadingsOfAllowedBody(ctx.files, exceptions);
    const blocked = ctx.files.filter((file) => file.verdict?.verdict === 'block');
    if (blocked.length === 0) {
      for (const file of ctx.files) deps.events.emit('upload-passed', { ...uploadEvent(ctx, file), exception: exceptions.get(file) });
      return 'continue';
    }
    for (const file of blocked) {
      const event = uploadEvent(ctx, file);
      for (const code of event.reasonCodes) deps.metrics.blocks.inc({ reason: code });
      deps.log.info('upload-blocked', { requestId: ctx.requestId, user: event.user, location: event.location, size: event.size, sha256: event.sha256, kind: event.kind, reasons: event.reasonCodes, columns: event.columns });
      deps.events.emit('upload-blocked', event);
    }
    refuseUpload(ctx, blocked);
    return 'handled';
  };
}

/**
 * The proxy also reads a body in other ways (its lines, text found inside it), each scanned as a
 * file of its own. When the body itself is a file the privacy officer allowed, those readings are
 * that same file: the exception covers them, also when the body's own reading found nothing. Its
 * use is recorded once, for the body.
 */
function allowReadingsOfAllowedBody(files: readonly FoundFile[], exceptions: ReadonlyMap<FoundFile, PolicyException>): void {
  const body = files.find((file) => file.location === 'body');
  if (!body || !exceptions.has(body)) return;
  for (const file of files) {
    if (file.verdict?.verdict === 'block') file.verdict = { ...file.verdict, verdict: 'allow' };
  }
}

function uploadEvent(ctx: RequestContext, file: FoundFile): UploadEvent {
  const verdict = file.verdict!;
  return {
    requestId: ctx.requestId,
    user: ctx.user?.id,
    method: ctx.req.method ?? '',
    path: ctx.url.pathname,
    fileName: file.name,
    location: file.location,
    size: file.bytes.byteLength,
    sha256: verdict.sha256,
    kind: verdict.kind,
    reasonCodes: [...new Set(verdict.reasons.map((r) => r.code))],
    columns: [...new Set(verdict.findings.map((f) => f.header).filter((h) => h !== ''))],
  };
}
