// Which office a proxy serves (config.office), stamped on every audit event it writes, so that a
// store shared by several offices (proxy/store/) still tells whose block, approval or self-test an
// entry is, and the report can give each office its own figures (proxy/audit/report.ts).
import { matching } from '../config-fields.js';
import type { Store } from '../store/types.js';
import type { AuditEvent } from './entry.js';

/**
 * A name as IT gives it ('Tilburg', "'s-Hertogenbosch", 'Den Haag-Centrum'): letters, digits, spaces and . ' -.
 * The report shows it, so it must never be free text that could carry a person's data.
 */
export const OFFICE_NAME = /^[\p{L}\p{N}'’][\p{L}\p{N} .'’-]{0,62}$/u;

export function isOfficeName(text: string): boolean {
  return OFFICE_NAME.test(text);
}

export function parseOffice(value: unknown, field: string): string | undefined {
  return value === undefined ? undefined : matching(value, field, OFFICE_NAME, "an office name of letters, digits, spaces and . ' - (at most 63 characters)");
}

/** The store as the proxy writes to it: every audit event it is given carries the office. */
export function stampingOffice(store: Store, office: string | undefined): Store {
  if (office === undefined) return store;
  const stamp = (event: AuditEvent): AuditEvent => ({ ...event, facts: { ...event.facts, office } });
  const stamped: Partial<Store> = {
    createApproval: (record, audit) => store.createApproval(record, stamp(audit)),
    decideApproval: (id, decision, now, audit) => store.decideApproval(id, decision, now, stamp(audit)),
    withdrawApproval: (id, now, audit) => store.withdrawApproval(id, now, stamp(audit)),
    useApproval: (id, now, audit) => store.useApproval(id, now, stamp(audit)),
    expireDue: (now, auditOf) => store.expireDue(now, (record) => stamp(auditOf(record))),
    appendAudit: (event) => store.appendAudit(stamp(event)),
    appendReportedEvent: (eventId, event) => store.appendReportedEvent(eventId, stamp(event)),
  };
  // Every other method (and any a store adds later) is the store's own.
  return new Proxy(store, {
    get(target, key, receiver) {
      if (key in stamped) return stamped[key as keyof Store];
      const value: unknown = Reflect.get(target, key, receiver);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}
