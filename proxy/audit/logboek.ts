// The audit log in the Dutch government's standard for logging data processing, Logius "Logboek
// dataverwerkingen" (docs/audit.md says which fields and why): one JSON object per entry, so an
// agency can feed its central log. Never a data subject's identifier: export-guard never learns
// one, it records only which kind of identifier a blocked file held.
import { createHash } from 'node:crypto';
import type { AuditEntry, AuditType } from './entry.js';

export interface LogboekLine {
  /** 16 bytes, hex: one trace per four-eyes send (every entry of one approval), else per entry. */
  trace_id: string;
  /** 8 bytes, hex: the first 16 hex digits of the entry's hash, so a line leads back to its entry. */
  span_id: string;
  /** The span of the approval request, for the entries that follow it. */
  parent_span_id?: string;
  name: AuditType;
  status: 'Unset' | 'Ok';
  start_time: string;
  end_time: string;
  resource: { attributes: { 'service.name': 'export-guard' } };
  attributes: { 'dpl.core.processing_activity_id': string; 'dpl.core.data_subject_id_type'?: string };
}

/**
 * Each entry type's status in the standard, or undefined: no processing of anyone's data, not
 * exported. A record, so a new entry type cannot be added without deciding this.
 */
const STATUS: Record<AuditType, LogboekLine['status'] | undefined> = {
  // Refused on what the user sent, handled without error: the standard's 'Unset'.
  'upload-blocked': 'Unset',
  'send-refused': 'Unset',
  'approval-requested': 'Ok',
  'approval-approved': 'Ok',
  'approval-rejected': 'Ok',
  'approval-expired': 'Ok',
  'approval-withdrawn': 'Ok',
  'send-passed': 'Ok',
  'false-block-reported': 'Ok',
  'exception-granted': 'Ok',
  'exception-used': 'Ok',
  // A guessed token, a check of the log itself and a self-test on made-up people process no one's data.
  'auth-locked-out': undefined,
  'audit-verified': undefined,
  'self-test': undefined,
};

export function toLogboek(entries: readonly AuditEntry[], options: { processingActivityId: string; since?: Date }): LogboekLine[] {
  const requestSpans = new Map<string, string>();
  const lines: LogboekLine[] = [];
  for (const entry of entries) {
    const span = entry.hash.slice(0, 16);
    const approvalId = entry.facts.approvalId;
    if (entry.type === 'approval-requested' && approvalId) requestSpans.set(approvalId, span);
    const status = STATUS[entry.type];
    if (!status || (options.since && Date.parse(entry.at) < options.since.getTime())) continue;
    const parent = approvalId && entry.type !== 'approval-requested' ? requestSpans.get(approvalId) : undefined;
    lines.push({
      trace_id: sha256Hex(approvalId ? `approval ${approvalId}` : `entry ${entry.hash}`).slice(0, 32),
      span_id: span,
      ...(parent ? { parent_span_id: parent } : {}),
      name: entry.type,
      status,
      start_time: entry.at,
      end_time: entry.at,
      resource: { attributes: { 'service.name': 'export-guard' } },
      attributes: {
        'dpl.core.processing_activity_id': options.processingActivityId,
        ...(entry.facts.reasonCodes?.includes('bsn-column') ? { 'dpl.core.data_subject_id_type': 'BSN' } : {}),
      },
    });
  }
  return lines;
}

function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}
