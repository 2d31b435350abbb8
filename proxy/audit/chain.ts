// The hash chain that makes the audit log tamper-evident: each entry's hash covers its own
// content and the previous entry's hash, so editing, removing or reordering any entry breaks
// the chain at that point. Version 2 entries are sealed with HMAC-SHA-256 under the audit key
// (proxy/audit/key.ts), so whoever holds only the database cannot recompute the chain after an
// edit; version 1 entries (plain SHA-256, written before a key was configured) stay verifiable.
import { createHash, createHmac } from 'node:crypto';
import type { AuditEntry, AuditEvent } from './entry.js';

export const GENESIS_HASH = '0'.repeat(64);

/** The entry's seal: SHA-256 for version 1, HMAC-SHA-256 under `key` for version 2. */
export function entryHash(seq: number, prevHash: string, event: AuditEvent, key?: Buffer): string {
  // Arrays, not objects: key order can never make two equal entries hash differently.
  const fields = [seq, prevHash, event.type, event.at, sortKeys(event.facts)];
  if (!key) return createHash('sha256').update(JSON.stringify(fields), 'utf8').digest('hex');
  return createHmac('sha256', key).update(JSON.stringify([2, ...fields]), 'utf8').digest('hex');
}

/** The next entry; keyed (version 2) when a chain key is given. */
export function chainEntry(previous: AuditEntry | undefined, event: AuditEvent, key?: Buffer): AuditEntry {
  const seq = previous ? previous.seq + 1 : 1;
  const prevHash = previous ? previous.hash : GENESIS_HASH;
  return { ...event, seq, prevHash, hash: entryHash(seq, prevHash, event, key), version: key ? 2 : 1 };
}

export type ChainProblemKind = 'edited' | 'missing-before' | 'relinked' | 'out-of-order' | 'unkeyed' | 'truncated' | 'rewritten' | 'checkpoint-forged' | 'no-checkpoint';

export interface ChainProblem {
  seq: number;
  problem: ChainProblemKind;
  detail: string;
}

/**
 * Checks entries in storage order; reports every place where the chain breaks. Keyed entries
 * need the key: the caller refuses to verify them without it.
 */
export function verifyChain(entries: readonly AuditEntry[], key?: Buffer): ChainProblem[] {
  const bySeq = new Map(entries.map((e) => [e.seq, e]));
  const problems: ChainProblem[] = [];
  let keyedSeen = false;
  entries.forEach((entry, position) => {
    const before = entry.seq === 1 ? undefined : bySeq.get(entry.seq - 1);
    const storedBefore = entries[position - 1];
    keyedSeen ||= entry.version === 2;
    if (entryHash(entry.seq, entry.prevHash, entry, entry.version === 2 ? key : undefined) !== entry.hash) {
      problems.push({ seq: entry.seq, problem: 'edited', detail: `entry ${entry.seq} does not match its own ${entry.version === 2 ? 'seal' : 'hash'}: its content was changed` });
    } else if (entry.version !== 2 && keyedSeen) {
      // Whoever lacks the key can only write unkeyed entries; a proxy with a key never does after the first keyed one.
      problems.push({ seq: entry.seq, problem: 'unkeyed', detail: `entry ${entry.seq} is not sealed with the key but comes after sealed entries: it was written without the key` });
    } else if (entry.seq !== 1 && !before) {
      problems.push({ seq: entry.seq, problem: 'missing-before', detail: `entry ${entry.seq - 1}, which entry ${entry.seq} follows, was removed` });
    } else if (entry.prevHash !== (before ? before.hash : GENESIS_HASH)) {
      problems.push({ seq: entry.seq, problem: 'relinked', detail: `entry ${entry.seq} does not follow the entry stored as ${entry.seq - 1}: that entry was replaced` });
    } else if (storedBefore && entry.seq <= storedBefore.seq) {
      problems.push({ seq: entry.seq, problem: 'out-of-order', detail: `entry ${entry.seq} is stored after entry ${storedBefore.seq}` });
    }
  });
  return problems;
}

function sortKeys(facts: object): [string, unknown][] {
  return Object.entries(facts)
    .filter(([, value]) => value !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

/** A head noted earlier ('SEQ:HASH', as `audit verify` prints it): that entry must still be there. */
export function checkHead(entries: readonly AuditEntry[], head: { seq: number; hash: string }): ChainProblem | undefined {
  const entry = entries.find((e) => e.seq === head.seq);
  if (!entry) return { seq: head.seq, problem: 'truncated', detail: `entry ${head.seq}, noted earlier as the head, is gone: the log was cut back` };
  if (entry.hash !== head.hash) return { seq: head.seq, problem: 'edited', detail: `entry ${head.seq} is not the entry noted earlier: the log was rewritten from there` };
  return undefined;
}
