// The audit report's text format as an officer reads it in a terminal: every table's columns line
// up, however long a reason code, a file kind or a count is.
import { describe, expect, it } from 'vitest';
import { formatReport, type AuditReport } from '../../proxy/audit/report.js';

const SHA = (c: string) => c.repeat(64);

const REPORT: AuditReport = {
  entries: 40,
  blocksPerWeek: [
    { week: '2026-W09', reason: 'bsn-column', proxy: 3, extension: 12 },
    { week: '2026-W09', reason: 'direct-identifier-with-personal-data', proxy: 1234, extension: 0 },
    { week: '2026-W10', reason: 'special-category-with-identifier', proxy: 0, extension: 7 },
    { week: '2026-W10', reason: 'file-encrypted', proxy: 15, extension: 2 },
  ],
  blocksPerWeekByChannel: [],
  blocks: { total: 1273, proxy: 1252, extension: 21 },
  approvals: { requested: 4, approved: 3, rejected: 1, expired: 0, withdrawn: 0, used: 3 },
  tokenLockouts: 0,
  medianMinutesToApprove: 4.5,
  sends: { passedWithApproval: 3, passedWithoutNeed: 10, refused: 2 },
  refusedBy: [
    { reason: 'approval-missing', count: 1 },
    { reason: 'approval-payload-changed-after-approval', count: 12 },
  ],
  reportedFiles: [
    { sha256: SHA('a'), kind: 'csv', reasonCodes: ['people-list'], reports: 1, users: 1, firstAt: '2026-03-02T10:00:00Z', lastAt: '2026-03-02T10:00:00Z' },
    {
      sha256: SHA('b'),
      kind: 'encrypted-office',
      reasonCodes: ['file-encrypted', 'bsn-column'],
      reports: 12,
      users: 3,
      firstAt: '2026-03-01T10:00:00Z',
      lastAt: '2026-03-04T10:00:00Z',
      allowedUntil: '2026-04-01',
    },
  ],
  exceptions: [],
  selfTest: { days: [], daysPassed: 0, daysFailed: 0, daysWithout: 0, failures: [] },
};

/** The runs of text in a line separated by two or more spaces, with where each starts and ends. */
function cells(line: string): { start: number; end: number }[] {
  return [...line.matchAll(/\S+(?: \S+)*/g)].map((m) => ({ start: m.index, end: m.index + m[0].length }));
}

/** The indented lines under a heading, up to the next blank line. */
function section(text: string, heading: string): string[] {
  const lines = text.split('\n');
  const at = lines.findIndex((line) => line.startsWith(heading));
  expect(at, heading).toBeGreaterThanOrEqual(0);
  const end = lines.indexOf('', at);
  return lines.slice(at + 1, end < 0 ? undefined : end);
}

describe('audit report, text format', () => {
  it('lines up every column of every table: text on its left edge, counts on their right', () => {
    const text = formatReport(REPORT, 'text');
    for (const heading of ['Blocked uploads:', 'Sends:', 'Reported as not an export:']) {
      const rows = section(text, heading).map(cells);
      expect(rows.length, heading).toBeGreaterThanOrEqual(2);
      const width = rows[0]!.length;
      for (const row of rows) expect(row, `${heading} ${JSON.stringify(rows)}`).toHaveLength(width);
      for (let column = 0; column < width; column++) {
        const starts = new Set(rows.map((row) => row[column]!.start));
        const ends = new Set(rows.map((row) => row[column]!.end));
        expect(starts.size === 1 || ends.size === 1, `${heading} column ${column}: ${text}`).toBe(true);
      }
    }
  });
});
