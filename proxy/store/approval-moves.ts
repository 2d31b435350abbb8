// Which state each change of an approval starts from and what it sets, the same in every store:
// a store says only how it moves one approval, with its audit entry, in one transaction.
import type { AuditEvent } from '../audit/entry.js';
import type { ApprovalRecord, Decision, Store } from './types.js';

export abstract class ApprovalMoves implements Pick<Store, 'decideApproval' | 'withdrawApproval' | 'useApproval'> {
  /** Changes an unexpired approval in state `from`, with its audit entry; false when it was not in that state (any more). */
  protected abstract move(id: string, from: 'pending' | 'approved', now: string, change: Partial<ApprovalRecord>, audit: AuditEvent): Promise<boolean>;

  decideApproval(id: string, decision: Decision, now: string, audit: AuditEvent): Promise<boolean> {
    return this.move(id, 'pending', now, decision, audit);
  }

  withdrawApproval(id: string, now: string, audit: AuditEvent): Promise<boolean> {
    return this.move(id, 'pending', now, { state: 'withdrawn', withdrawnAt: now }, audit);
  }

  useApproval(id: string, now: string, audit: AuditEvent): Promise<boolean> {
    return this.move(id, 'approved', now, { state: 'used', usedAt: now }, audit);
  }
}
