// Whom each recent request's send goes to, for the approver's eyes only. The recipient ids are
// personal data (a portal's client numbers), so they stay in the proxy's memory for as long as a
// request can be decided, like the attachments' bytes, and never reach the database or the audit
// log (test/audit/privacy.test.ts).
import type { ApprovalView } from '../../shared/api.js';

export type Recipients = NonNullable<ApprovalView['recipients']>;

/** The most recent requests' recipients up to a number of ids; the oldest requests are forgotten first. */
export class RecipientMemory {
  private readonly entries = new Map<string, Recipients>();
  private ids = 0;

  constructor(private readonly maxIds: number) {}

  remember(approvalId: string, recipients: Recipients): void {
    this.entries.set(approvalId, recipients);
    this.ids += recipients.ids.length;
    for (const [id, oldest] of this.entries) {
      if (this.ids <= this.maxIds) break;
      this.entries.delete(id);
      this.ids -= oldest.ids.length;
    }
  }

  of(approvalId: string): Recipients | undefined {
    return this.entries.get(approvalId);
  }
}
