// At approval time the referenced attachments are scanned again with the real detector: an export
// that slipped into the ledger (under an older, weaker policy) can never be approved.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { detect } from '../../shared/detector/index.js';
import { DEFAULT_APPROVAL_RULE } from '../../shared/approval/rule.js';
import { MemoryAttachmentLedger } from '../../proxy/attachments.js';
import { Approvals } from '../../proxy/approval/approvals.js';
import { attachmentChecker } from '../../proxy/approval/attachment-check.js';
import { SqliteStore } from '../../proxy/store/sqlite.js';
import { fixtureBytes } from '../helpers/fixtures.js';

const anna = { id: 'anna', name: 'Anna', team: 'A', roles: ['caseworker' as const] };
let dir: string;
let store: SqliteStore;
let approvals: Approvals;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'eg-attachments-'));
  store = new SqliteStore(join(dir, 'state.db'));
  const ledger = new MemoryAttachmentLedger(64 * 1024 * 1024);
  for (const [id, fixture] of [['att-export', 'leak-3-bsn-only.csv'], ['att-letter', 'letter.pdf']] as const) {
    const bytes = await fixtureBytes(fixture);
    const { sha256 } = await detect(bytes);
    await ledger.record({ id, name: fixture, size: bytes.byteLength, sha256, verdict: 'allow', bytes, recordedAt: new Date().toISOString() });
  }
  approvals = new Approvals({ store, rule: DEFAULT_APPROVAL_RULE, checkAttachment: attachmentChecker(ledger, (bytes) => detect(bytes)), approversOf: () => [] });
});
afterEach(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

const payload = (attachmentIds: string[]) => ({
  method: 'POST',
  path: '/api/messages',
  contentType: 'application/json',
  body: JSON.stringify({ recipientIds: ['js-1', 'js-2'], subject: 'Vacatures', body: 'Zie bijlage.', attachmentIds }),
});

describe('attachments of an approval request', () => {
  it('refuses a request whose attachment is an export, showing why', async () => {
    const outcome = await approvals.request(anna, payload(['att-letter', 'att-export']));
    expect(outcome).toMatchObject({ status: 422, error: 'attachment-blocked' });
    const attachments = 'attachments' in outcome ? outcome.attachments : undefined;
    expect(attachments?.map((a) => [a.id, a.verdict])).toEqual([
      ['att-letter', 'allow'],
      ['att-export', 'block'],
    ]);
    expect(attachments?.[1]?.reasons.length).toBeGreaterThan(0);
    expect(await store.listApprovals({})).toEqual([]);
    expect(await store.auditEntries()).toEqual([]);
  });

  it('files a request for a harmless attachment, with its verdict and hash', async () => {
    const outcome = await approvals.request(anna, payload(['att-letter']));
    expect(outcome).toMatchObject({ state: 'pending', attachments: [{ id: 'att-letter', name: 'letter.pdf', verdict: 'allow', sha256: expect.stringMatching(/^[0-9a-f]{64}$/) }] });
    expect((await store.auditEntries()).map((e) => e.type)).toEqual(['approval-requested']);
  });
});
