// `export-guard audit report` shows the privacy officer which files caseworkers reported as not an
// export, and which exceptions were granted: from a real database, in all three formats.
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { run as audit } from '../../cli/commands/audit.js';
import type { AuditEvent, AuditFacts } from '../../proxy/audit/entry.js';
import { auditDatabase } from './audit-database.js';

const PLACES = 'a'.repeat(64);
const PHONE_BOOK = 'b'.repeat(64);
const at = (day: string) => `${day}T09:00:00.000Z`;
const event = (type: AuditEvent['type'], when: string, facts: Partial<AuditFacts>): AuditEvent => ({ type, at: at(when), facts: { user: 'anna', ...facts } });

const HISTORY: AuditEvent[] = [
  event('upload-blocked', '2026-03-02', { source: 'proxy', reasonCodes: ['people-list'], sha256: [PLACES], fileKind: 'xlsx' }),
  event('false-block-reported', '2026-03-02', { source: 'proxy', sha256: [PLACES], fileKind: 'xlsx', reasonCodes: ['people-list'], size: 5120 }),
  event('false-block-reported', '2026-03-03', { user: 'bram', source: 'extension', team: 'A', sha256: [PLACES], fileKind: 'xlsx', reasonCodes: ['people-list'], size: 5120 }),
  event('false-block-reported', '2026-03-04', { source: 'extension', team: 'A', sha256: [PHONE_BOOK], fileKind: 'csv', reasonCodes: ['direct-identifier-with-personal-data'], size: 900 }),
  event('exception-granted', '2026-03-05', { user: 'Fatima (FG)', sha256: [PLACES], why: '=list of airports, no people', allowedAt: at('2026-03-05'), expiresAt: '2026-06-01T00:00:00.000Z' }),
  event('exception-used', '2026-03-06', { user: 'bram', source: 'proxy', sha256: [PLACES], fileKind: 'xlsx', reasonCodes: ['people-list'] }),
];

let dir: string;
let db: string;
beforeAll(async () => {
  ({ dir, path: db } = await auditDatabase(HISTORY));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function report(format: string): Promise<string> {
  const printed: string[] = [];
  vi.spyOn(console, 'log').mockImplementation((line: string) => void printed.push(line));
  try {
    expect(await audit(['report', '--db', db, '--format', format])).toBe(0);
    return printed.join('\n');
  } finally {
    vi.restoreAllMocks();
  }
}

describe('reported files and exceptions in the audit report', () => {
  it('json: each reported file once, with its reports, reporters and exception', async () => {
    const json = JSON.parse(await report('json'));
    expect(json.reportedFiles).toEqual([
      { sha256: PLACES, kind: 'xlsx', reasonCodes: ['people-list'], reports: 2, users: 2, firstAt: at('2026-03-02'), lastAt: at('2026-03-03'), allowedUntil: '2026-06-01T00:00:00.000Z' },
      { sha256: PHONE_BOOK, kind: 'csv', reasonCodes: ['direct-identifier-with-personal-data'], reports: 1, users: 1, firstAt: at('2026-03-04'), lastAt: at('2026-03-04') },
    ]);
    expect(json.exceptions).toEqual([{ sha256: PLACES, allowedBy: 'Fatima (FG)', allowedAt: at('2026-03-05'), why: '=list of airports, no people', expiresAt: '2026-06-01T00:00:00.000Z', uses: 1 }]);
    // A report is not a block: the block count is unchanged by it.
    expect(json.blocks.total).toBe(1);
  });

  it('text: what to check, and what is still blocked', async () => {
    const text = await report('text');
    expect(text).toContain('Reported as not an export: 2 files');
    // Columns aligned to their widest cell (6b55bdf): the cells in order, any run of spaces between.
    const row = (...cells: string[]) => new RegExp(`^  ${cells.map((c) => c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join(' {2,}')}$`, 'm');
    expect(text).toMatch(row(PLACES, 'xlsx', 'people-list', 'reported 2x by 2 user(s), last 2026-03-03', 'allowed until 2026-06-01T00:00:00.000Z'));
    expect(text).toMatch(row(PHONE_BOOK, 'csv', 'direct-identifier-with-personal-data', 'reported 1x by 1 user(s), last 2026-03-04', 'still blocked'));
    expect(text).toContain(`Exceptions granted: 1\n  ${PLACES}  by Fatima (FG) on 2026-03-05, until 2026-06-01T00:00:00.000Z, used 1x: =list of airports, no people`);
  });

  it('csv: one row per reported file and per exception; free text cannot become a formula', async () => {
    const rows = (await report('csv')).split('\n');
    expect(rows).toContain(`reported,2026-W10,${PLACES} xlsx people-list,2`);
    expect(rows).toContain(`reported,2026-W10,${PHONE_BOOK} csv direct-identifier-with-personal-data,1`);
    expect(rows).toContain(`exception,2026-W10,${PLACES} by Fatima (FG) until 2026-06-01T00:00:00.000Z,"'=list of airports, no people"`);
    expect(rows).toContain(`exception-uses,,${PLACES},1`);
  });
});
