// Approving an exception is itself audited. The policy file is where the privacy officer writes it
// (by hand or with `export-guard exceptions add`); the proxy that loads the policy records each
// exception it has not recorded before, so no exception is in force without an audit entry,
// however it got into the file. Changing one (a later expiry) is a new grant and recorded again.
import type { Policy, PolicyException } from '../../shared/policy/types.js';
import type { Store } from '../store/types.js';

/** The exceptions newly recorded, in policy order. */
export async function auditGrantedExceptions(policy: Policy, store: Store, now = new Date()): Promise<PolicyException[]> {
  const recorded: PolicyException[] = [];
  for (const exception of policy.exceptions) {
    const { sha256, allowedBy, allowedAt, reason, expiresAt } = exception;
    const granted = await store.appendReportedEvent(`exception:${sha256}:${allowedAt}:${expiresAt}:${allowedBy}`, {
      type: 'exception-granted',
      at: now.toISOString(),
      facts: { user: allowedBy, sha256: [sha256], why: reason, allowedAt, expiresAt },
    });
    if (granted) recorded.push(exception);
  }
  return recorded;
}
