// The 'report-false-block' handler: the caseworker clicked "this is not an export" in the block
// dialog. The report goes through the audit queue, like a block, so it survives an unreachable
// proxy; the dialog is told whether the proxy has it already.
import type { FalseBlockReport } from '../../shared/api.js';
import { enqueue, queuedEvents } from './audit-queue.js';
import { onPageMessage } from './router.js';

export function registerFalseBlockHandler(): void {
  onPageMessage('report-false-block', async (message) => {
    if (!/^[0-9a-f]{64}$/.test(message.sha256)) throw new Error('only a file with a SHA-256 can be reported');
    const report: FalseBlockReport = {
      type: 'false-block',
      sha256: message.sha256,
      kind: message.kind,
      reasonCodes: message.reasonCodes,
      size: message.size,
      at: new Date().toISOString(),
      eventId: crypto.randomUUID(),
    };
    await enqueue(report);
    return { delivered: !(await queuedEvents()).some((event) => event.eventId === report.eventId) };
  });
}
