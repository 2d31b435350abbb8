// The extension reports the uploads it blocked in the browser, so the audit log holds every
// block, not only those that reached the proxy. Events can be redelivered from the extension's
// queue: the eventId makes each count once.
import { ATTACH_VIA, type BlockedUploadEvent, type EventResponse, type UserInfo } from '../../shared/api.js';
import type { Store } from '../store/types.js';
import { BadRequest } from './json.js';
import type { Answer } from './approvals.js';

export async function recordBlockedUpload(store: Store, user: UserInfo, input: unknown): Promise<Answer> {
  const event = parseEvent(input);
  const recorded = await store.appendReportedEvent(event.eventId, {
    type: 'upload-blocked',
    at: event.at,
    // The file name and site are left out on purpose: a name like 'bsn-jansen.xlsx' is personal data.
    facts: {
      user: user.id,
      team: user.team,
      source: 'extension',
      reasonCodes: event.reasonCodes,
      columns: event.columns,
      sha256: [event.sha256],
      fileKind: event.kind,
      size: event.size,
    },
  });
  return { status: recorded ? 201 : 200, body: { recorded } satisfies EventResponse };
}

function parseEvent(input: unknown): BlockedUploadEvent {
  const e = input as Partial<Record<keyof BlockedUploadEvent, unknown>> | null;
  const fail = (message: string): never => {
    throw new BadRequest(400, 'malformed-event', message);
  };
  if (e === null || typeof e !== 'object') fail('expected a BlockedUploadEvent object');
  if (e!.source !== 'extension') fail("'source' must be 'extension'");
  for (const field of ['site', 'fileName', 'sha256', 'kind', 'eventId'] as const) {
    if (typeof e![field] !== 'string') fail(`'${field}' must be a string`);
  }
  if (!(ATTACH_VIA as readonly unknown[]).includes(e!.via)) fail(`'via' must be one of ${ATTACH_VIA.join(', ')}`);
  if (!/^[0-9a-f]{64}$/.test(e!.sha256 as string)) fail("'sha256' must be 64 hex digits");
  if (typeof e!.size !== 'number' || !Number.isFinite(e!.size) || e!.size < 0) fail("'size' must be a number of bytes");
  for (const field of ['reasonCodes', 'columns'] as const) {
    const list = e![field];
    if (!Array.isArray(list) || !list.every((x) => typeof x === 'string')) fail(`'${field}' must be a list of strings`);
  }
  if (typeof e!.at !== 'string' || Number.isNaN(Date.parse(e!.at))) fail("'at' must be an ISO time");
  if ((e!.eventId as string).length === 0 || (e!.eventId as string).length > 200) fail("'eventId' must be 1 to 200 characters");
  return { ...(e as BlockedUploadEvent), at: new Date(e!.at as string).toISOString() };
}
