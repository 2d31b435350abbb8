// What an approver is shown about each attachment of a send: the file the proxy recorded under
// that id, scanned once more now (the policy may have changed since the upload).
import type { AttachmentSummary } from '../../shared/api.js';
import type { Verdict } from '../../shared/detector/types.js';
import type { AttachmentLedger } from '../attachments.js';
import type { AttachmentChecker } from './approvals.js';

const UNKNOWN_REASON = {
  code: 'attachment-unknown',
  nl: 'Deze bijlage is niet via de proxy geüpload (of te lang geleden): de inhoud is niet gecontroleerd.',
  en: 'This attachment was not uploaded through the proxy (or too long ago): its content was not checked.',
};

export function attachmentChecker(ledger: AttachmentLedger, scan: (bytes: Uint8Array) => Promise<Verdict>): AttachmentChecker {
  return async (id) => {
    const record = await ledger.get(id);
    if (!record) return { id, name: '', size: 0, sha256: '', verdict: 'unknown', reasons: [UNKNOWN_REASON] };
    const verdict = await scan(record.bytes);
    return {
      id,
      name: record.name,
      size: record.size,
      sha256: record.sha256,
      verdict: verdict.verdict,
      reasons: verdict.reasons.map(({ code, nl, en }) => ({ code, nl, en })),
    };
  };
}
