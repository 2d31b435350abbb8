// Signed checkpoints of the audit log's head, kept outside the database: the proxy writes one at
// start, at an interval and at shutdown. A chain alone cannot show that its newest entries were
// cut off or that it was rewritten whole; a checkpoint signed with the audit key names the entry
// count and head hash that must still be there.
import { sign, verify } from 'node:crypto';
import { GENESIS_HASH, type ChainProblem } from './chain.js';
import type { AuditEntry } from './entry.js';
import type { AuditKey } from './key.js';

/** The file in the checkpoint directory: one JSON checkpoint per line, only ever appended to. */
export const CHECKPOINT_FILE = 'checkpoints.jsonl';

export interface Checkpoint {
  /** Entries stored when it was written. */
  count: number;
  /** The head: the newest entry's number and hash (0 and the genesis hash for an empty log). */
  seq: number;
  hash: string;
  at: string;
  keyId: string;
  reason: 'start' | 'interval' | 'shutdown';
  /** Ed25519 over the fields above, base64. */
  signature: string;
}

function signedBytes(c: Omit<Checkpoint, 'signature'>): Buffer {
  return Buffer.from(JSON.stringify(['export-guard audit checkpoint 1', c.count, c.seq, c.hash, c.at, c.keyId, c.reason]), 'utf8');
}

export function signCheckpoint(head: { count: number; head?: AuditEntry }, reason: Checkpoint['reason'], key: AuditKey, at: Date): Checkpoint {
  const fields = { count: head.count, seq: head.head?.seq ?? 0, hash: head.head?.hash ?? GENESIS_HASH, at: at.toISOString(), keyId: key.id, reason };
  return { ...fields, signature: sign(null, signedBytes(fields), key.privateKey).toString('base64') };
}

/** The checkpoints of a checkpoint file this key signed; every other line is a problem (a forged or damaged checkpoint). */
export function readCheckpoints(text: string, key: AuditKey): { checkpoints: Checkpoint[]; problems: ChainProblem[] } {
  const checkpoints: Checkpoint[] = [];
  const problems: ChainProblem[] = [];
  text.split('\n').forEach((line, index) => {
    if (line.trim() === '') return;
    let c: Checkpoint | undefined;
    try {
      const parsed: unknown = JSON.parse(line);
      if (typeof parsed === 'object' && parsed !== null) c = parsed as Checkpoint;
    } catch {
      // A line cut off by a crash mid-write is damage, not a forgery, but it still proves nothing.
    }
    const valid =
      c !== undefined &&
      typeof c.signature === 'string' &&
      Number.isInteger(c.count) &&
      Number.isInteger(c.seq) &&
      c.keyId === key.id &&
      verify(null, signedBytes(c), key.publicKey, Buffer.from(c.signature, 'base64'));
    if (valid) checkpoints.push(c!);
    else problems.push({ seq: 0, problem: 'checkpoint-forged', detail: `checkpoint line ${index + 1} is not signed by this audit key (${key.id}): it was forged or damaged` });
  });
  return { checkpoints, problems };
}

/**
 * Every checkpoint's head must still be in the log: a missing newest head is a cut-back tail, a
 * head with another hash a rewrite (with recomputed hashes, or a whole fresh chain).
 */
export function checkCheckpoints(entries: readonly AuditEntry[], checkpoints: readonly Checkpoint[]): ChainProblem[] {
  const bySeq = new Map(entries.map((e) => [e.seq, e]));
  // Not Math.max(...seqs): a log of a few hundred thousand entries overflows the call stack.
  const lastSeq = entries.reduce((max, e) => Math.max(max, e.seq), 0);
  const matches = (c: Checkpoint) => (c.seq === 0 ? true : bySeq.get(c.seq)?.hash === c.hash);
  const sorted = [...checkpoints].sort((a, b) => a.seq - b.seq || a.at.localeCompare(b.at));
  const problems: ChainProblem[] = [];
  const rewritten = sorted.find((c) => c.seq <= lastSeq && !matches(c));
  if (rewritten) {
    const lastGood = sorted.filter((c) => c.seq < rewritten.seq && matches(c)).at(-1);
    problems.push({
      seq: rewritten.seq,
      problem: 'rewritten',
      detail:
        `entry ${rewritten.seq} is not the entry the checkpoint of ${rewritten.at} sealed: the log was rewritten at or before entry ${rewritten.seq}` +
        (lastGood ? ` (after entry ${lastGood.seq}, which the checkpoint of ${lastGood.at} sealed and still matches)` : ''),
    });
  }
  const newest = sorted.at(-1);
  if (newest && newest.seq > lastSeq) {
    problems.push({
      seq: newest.seq,
      problem: 'truncated',
      detail: `the checkpoint of ${newest.at} names ${newest.count} entries up to entry ${newest.seq}, but the log ends ${lastSeq === 0 ? 'empty' : `at entry ${lastSeq}`}: its newest entries were cut off`,
    });
  }
  return problems;
}

/** The checkpoint a verification was made against: the newest by the head it names. */
export function newestCheckpoint(checkpoints: readonly Checkpoint[]): Checkpoint | undefined {
  return [...checkpoints].sort((a, b) => a.seq - b.seq || a.at.localeCompare(b.at)).at(-1);
}
