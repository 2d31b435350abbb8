// Splitting a bulk send into small sends does not get past four-eyes. Every send of the same
// attachment (by content: each upload gets its own id from the portal) or of the same subject and
// body, by one sender within the window, counts toward one bulk send. The counts live in the store,
// so a restart or another proxy sharing it counts on. Recipients are kept as keyed fingerprints,
// never as their ids: the table says how many people got a file, not who.
import { createHash, createHmac } from 'node:crypto';
import type { UserInfo } from '../../shared/api.js';
import { approvalNeededBecause, type ApprovalThreshold, type SendFacts } from '../../shared/approval/rule.js';
import type { CountedSend, Store } from '../store/types.js';

export interface BulkSendsDeps {
  store: Store;
  threshold: ApprovalThreshold;
  /** The SHA-256 of the file the portal stored under this attachment id, when the proxy saw its upload. */
  attachmentSha256: (id: string) => Promise<string | undefined>;
  now?: () => Date;
}

export class BulkSends {
  private secret?: Promise<Buffer>;

  constructor(private readonly deps: BulkSendsDeps) {}

  /** Why a send without approval needs one, by itself or as part of a bulk send; when it does not, it is counted. */
  count(sender: UserInfo | undefined, facts: SendFacts): Promise<string | undefined> {
    return this.whyNeeded(sender, facts, false);
  }

  /** The same answer, counting nothing: what the extension asks before a send. */
  check(sender: UserInfo | undefined, facts: SendFacts): Promise<string | undefined> {
    return this.whyNeeded(sender, facts, true);
  }

  private async whyNeeded(sender: UserInfo | undefined, facts: SendFacts, checkOnly: boolean): Promise<string | undefined> {
    const byItself = approvalNeededBecause(facts, this.deps.threshold);
    if (byItself) return byItself;
    const over = await this.deps.store.countSend({ ...(await this.counted(sender, facts)), checkOnly });
    if (!over) return undefined;
    const what = over.key.startsWith('text:') ? 'the same message' : 'the same attachment';
    return `${what} to ${over.total} recipients within ${this.deps.threshold.windowHours} hours`;
  }

  /** Counts a send its approval let through: the recipients it named are covered from now on. */
  async countApproved(sender: UserInfo, facts: SendFacts, approvalId: string): Promise<void> {
    await this.deps.store.countSend({ ...(await this.counted(sender, facts)), approvalId });
  }

  private async counted(sender: UserInfo | undefined, facts: SendFacts): Promise<CountedSend> {
    const now = (this.deps.now ?? (() => new Date()))();
    const { minRecipientsWithAttachment, maxRecipientsWithoutApproval, windowHours } = this.deps.threshold;
    const perAttachment = await Promise.all(
      facts.attachmentIds.map(async (id) => {
        const sha256 = await this.deps.attachmentSha256(id);
        // Counted by its id as well: the same id is the same file, also when the ledger no longer
        // knows it (a restart, its byte budget, an upload through another proxy).
        return [`attachment-id:${id}`, ...(sha256 ? [`attachment:${sha256}`] : [])].map((key) => ({ key, threshold: minRecipientsWithAttachment }));
      }),
    );
    const bulks = perAttachment.flat();
    // An empty subject and body say nothing about which sends belong together.
    if (facts.subject !== '' || facts.body !== '') {
      bulks.push({ key: `text:${createHash('sha256').update(JSON.stringify([facts.subject, facts.body])).digest('hex')}`, threshold: maxRecipientsWithoutApproval + 1 });
    }
    const secret = await (this.secret ??= this.deps.store.fingerprintSecret());
    return {
      // Without a token every anonymous send counts as one sender's: the proxy cannot tell them apart.
      sender: sender?.id ?? '',
      bulks,
      recipients: facts.recipientIds.map((id) => createHmac('sha256', secret).update(id).digest('hex')),
      at: now.toISOString(),
      since: new Date(now.getTime() - windowHours * 3_600_000).toISOString(),
    };
  }
}
