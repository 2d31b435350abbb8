// The bytes of a pending request's attachment, for the approver's preview in the popup: the file
// the proxy holds under that id (proxy/attachments.ts), exactly as the portal received it. Only a
// user who may decide the request gets them; the browser must not keep them (no-store), and
// nothing of them is written to a log, the database or the audit trail.
import type { ServerResponse } from 'node:http';
import type { UserInfo } from '../../shared/api.js';
import type { Approvals } from '../approval/approvals.js';
import type { AttachmentLedger } from '../attachments.js';
import { BadRequest } from './json.js';

export async function answerAttachmentBytes(
  res: ServerResponse,
  approvals: Approvals,
  ledger: AttachmentLedger,
  user: UserInfo,
  approvalId: string,
  attachmentId: string,
): Promise<void> {
  // Another team's request does not exist for this user, as on every approval route.
  const record = await approvals.get(user, approvalId);
  if (!record) throw new BadRequest(404, 'not-found', `no approval request '${approvalId}' for your team`);
  if (!approvals.view(record, user).canDecide) {
    throw new BadRequest(403, 'may-not-decide', "only an approver of the sender's team, not the sender, may open the attachments of a pending request");
  }
  const summary = record.attachments.find((a) => a.id === attachmentId);
  if (!summary) throw new BadRequest(404, 'not-found', `the request has no attachment '${attachmentId}'`);
  const file = await ledger.get(attachmentId);
  if (!file) throw new BadRequest(404, 'attachment-gone', 'the proxy no longer holds this file (restarted, or uploaded long ago): it cannot be shown');
  // The approver sees the file that was checked for this request, or none.
  if (file.sha256 !== summary.sha256) throw new BadRequest(409, 'attachment-changed', 'the file under this id is not the one checked for this request');
  res.writeHead(200, {
    'content-type': 'application/octet-stream',
    'content-length': file.bytes.byteLength,
    'content-disposition': 'attachment',
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
  });
  res.end(file.bytes);
}
