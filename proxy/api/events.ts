// The extension reports the uploads it blocked in the browser, so the audit log holds every
// block, not only those that reached the proxy. Events can be redelivered from the extension's
// queue: the eventId makes each count once.
import { ATTACH_VIA, type BlockedUploadEvent, type EventResponse, type UserInfo } from '../../shared/api.js';
import type { Store } from '../store/types.js';
import { integer, isoTime, oneOf, sha256Hex, string, strings, text } from '../config-fields.js';
import { parseBody } from './json.js';
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
  return parseBody(input, 'malformed-event', (e) => ({
    source: oneOf(e.source, 'source', ['extension'] as const),
    site: text(e.site, 'site'),
    fileName: text(e.fileName, 'fileName'),
    via: oneOf(e.via, 'via', ATTACH_VIA),
    sha256: sha256Hex(e.sha256, 'sha256'),
    kind: string(e.kind, 'kind'),
    size: integer(e.size, 'size', 0, Number.MAX_SAFE_INTEGER),
    reasonCodes: strings(e.reasonCodes, 'reasonCodes'),
    columns: strings(e.columns, 'columns', text),
    at: isoTime(e.at, 'at'),
    eventId: string(e.eventId, 'eventId', { maxLength: 200 }),
  }));
}
