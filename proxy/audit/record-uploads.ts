// Every upload the proxy blocks goes into the audit log, from the proxy's own events.
import type { ProxyEvents } from '../events.js';
import type { Logger } from '../log.js';
import type { Store } from '../store/types.js';

export function auditBlockedUploads(events: ProxyEvents, store: Store, log: Logger): void {
  events.on('upload-blocked', (upload) => {
    store
      .appendAudit({
        type: 'upload-blocked',
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
  });
}
