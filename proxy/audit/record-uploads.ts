// Every upload the proxy blocks goes into the audit log, from the proxy's own events; so does
// every upload an exception let through, since the detector would have blocked it.
import type { ProxyEvents, UploadEvent } from '../events.js';
import type { Logger } from '../log.js';
import type { Store } from '../store/types.js';

export function auditUploads(events: ProxyEvents, store: Store, log: Logger): void {
  const record = (type: 'upload-blocked' | 'exception-used', upload: UploadEvent): void => {
    store
      .appendAudit({
        type,
        at: new Date().toISOString(),
        // The file name is left out on purpose: a name like 'bsn-jansen.xlsx' is personal data.
        facts: {
          user: upload.user ?? '',
          source: 'proxy',
          reasonCodes: upload.reasonCodes,
          columns: upload.columns,
          sha256: [upload.sha256],
          fileKind: upload.kind,
          size: upload.size,
          method: upload.method,
          path: upload.path,
        },
      })
      .catch((error: unknown) => log.error('audit-write-failed', { requestId: upload.requestId, message: String(error) }));
  };
  events.on('upload-blocked', (upload) => record('upload-blocked', upload));
  events.on('upload-passed', (upload) => upload.exception && record('exception-used', upload));
}
