// `export-guard audit export --format logboek`: the Logius "Logboek dataverwerkingen" fields, one
// JSON line per entry, on a real database; never a value about a person.
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AuditEvent } from '../../proxy/audit/entry.js';
import { auditDatabase } from './audit-database.js';
import { auditCli } from './run-cli.js';

const ACTIVITY = 'https://register.example.nl/verwerkingsactiviteiten/re-integratie';
const at = (time: string) => `2026-03-10T${time}:00.000Z`;
const EVENTS: AuditEvent[] = [
  { type: 'upload-blocked', at: at('09:00'), facts: { user: 'anna', source: 'proxy', reasonCodes: ['bsn-column'], columns: ['BSN', 'Naam'], sha256: ['a'.repeat(64)], size: 900 } },
  { type: 'approval-requested', at: at('09:05'), facts: { user: 'anna', team: 'T', approvalId: 'appr-1', recipients: 215, attachments: 1 } },
  { type: 'approval-approved', at: at('09:15'), facts: { user: 'chantal', approvalId: 'appr-1', minutesToDecide: 10 } },
  { type: 'send-passed', at: at('09:16'), facts: { user: 'anna', approvalId: 'appr-1', recipients: 215 } },
  { type: 'send-refused', at: at('10:00'), facts: { user: 'bert', reasonCodes: ['approval-missing'], recipients: 80 } },
  { type: 'auth-locked-out', at: at('10:30'), facts: { user: '' } },
  { type: 'audit-verified', at: at('11:00'), facts: { user: 'fg', result: 'intact', entries: 5 } },
];

let dir: string;
let db: string;
beforeEach(async () => {
  ({ dir, path: db } = await auditDatabase(EVENTS));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const cli = auditCli;

describe('audit export --format logboek', () => {
  it('writes one line per processing with trace and span ids, the activity, the identifier type and a status', async () => {
    const { code, lines } = await cli('export', '--format', 'logboek', '--db', db, '--activity', ACTIVITY);
    expect(code).toBe(0);
    const records = lines.map((line) => JSON.parse(line));
    // A lockout and a verification of the log process no one's data.
    expect(records.map((r) => [r.name, r.status])).toEqual([
      ['upload-blocked', 'Unset'],
      ['approval-requested', 'Ok'],
      ['approval-approved', 'Ok'],
      ['send-passed', 'Ok'],
      ['send-refused', 'Unset'],
    ]);
    for (const r of records) {
      expect(r.trace_id).toMatch(/^[0-9a-f]{32}$/);
      expect(r.span_id).toMatch(/^[0-9a-f]{16}$/);
      expect(r.attributes['dpl.core.processing_activity_id']).toBe(ACTIVITY);
      expect(r.resource).toEqual({ attributes: { 'service.name': 'export-guard' } });
      expect(r.start_time).toBe(r.end_time);
    }
    const [blocked, requested, approved, sent, refused] = records;
    expect(blocked.start_time).toBe(at('09:00'));
    // One four-eyes send is one trace: the decision and the send hang under the request.
    expect(new Set([requested.trace_id, approved.trace_id, sent.trace_id]).size).toBe(1);
    expect(requested.parent_span_id).toBeUndefined();
    expect(approved.parent_span_id).toBe(requested.span_id);
    expect(sent.parent_span_id).toBe(requested.span_id);
    expect(refused.trace_id).not.toBe(blocked.trace_id);
    // The type of identifier the file held, never an identifier: export-guard never learns one.
    expect(blocked.attributes).toEqual({ 'dpl.core.processing_activity_id': ACTIVITY, 'dpl.core.data_subject_id_type': 'BSN' });
    expect(lines.join('\n')).not.toMatch(/data_subject_id"|Naam|anna|chantal|bert|appr-1/);
  });

  it('takes the activity from the config, --since leaves out earlier entries', async () => {
    const config = join(dir, 'config.json');
    writeFileSync(config, JSON.stringify({ target: 'http://portal.invalid', store: { sqlite: 'state.db' }, audit: { processingActivityId: ACTIVITY } }));
    const { code, lines } = await cli('export', '--format', 'logboek', '--config', config, '--since', at('09:10'));
    expect(code).toBe(0);
    expect(lines.map((line) => JSON.parse(line).name)).toEqual(['approval-approved', 'send-passed', 'send-refused']);
  });

  it('refuses without a processing activity or with another format', async () => {
    expect(await cli('export', '--format', 'logboek', '--db', db)).toMatchObject({ code: 2, lines: [expect.stringContaining('--activity URI (or config.audit.processingActivityId)')] });
    expect((await cli('export', '--format', 'csv', '--db', db, '--activity', ACTIVITY)).code).toBe(2);
  });
});
