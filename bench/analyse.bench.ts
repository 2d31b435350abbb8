// The column analysis against the reading it follows: 100,000 rows x 20 columns (leak 4's 14
// columns and 6 harmless ones: text, amounts, codes, remarks), read from xlsx and csv, then
// analysed. Both are timed in this process, best of three after a warm-up, so the ratio holds on
// a busy machine. The goal: analysis well under the cost of reading a workbook. A csv is read as
// field positions only, and its analysis builds the cells it tests: compare its total instead.
import { exportTable } from '../scripts/fixtures/catalogue.js';
import { delimited, workbook, type CellInput } from '../scripts/fixtures/formats.js';
import { readDocuments } from '../shared/detector/read/index.js';
import { analyse } from '../shared/detector/analyse/index.js';
import { DEFAULT_POLICY } from '../shared/policy/defaults.js';
import type { Document } from '../shared/detector/types.js';

const ROWS = 100_000;
const GB = 1024 ** 3;
const LIMITS = { ...DEFAULT_POLICY.limits, maxFileBytes: GB, maxScanMs: 600_000, archive: { ...DEFAULT_POLICY.limits.archive, maxInflatedBytes: 2 * GB, maxRatio: 1000 } };
const EXTRA_HEADERS = ['Opmerking', 'Status', 'Bedrag', 'Code', 'Aantal', 'Regio'];

function twentyColumns(): CellInput[][] {
  const rows = exportTable(ROWS, 4);
  rows[0]!.push(...EXTRA_HEADERS);
  for (let r = 1; r < rows.length; r++) {
    // One health remark deep down: the analysis may not stop early on the remarks column.
    const remark = r === 90_000 ? 'Psychisch beperkt belastbaar' : r % 3 === 0 ? 'Uitnodiging verstuurd' : null;
    rows[r]!.push(remark, r % 2 ? 'Actief' : 'Afgemeld', (r * 37) % 10_000 / 100, `C-${r % 97}`, r % 13, ['Noord', 'Zuid', 'Oost', 'West'][r % 4]!);
  }
  return rows;
}

async function best<T>(task: () => T | Promise<T>): Promise<{ ms: number; result: T }> {
  let result = await task();
  let ms = Infinity;
  for (let i = 0; i < 3; i++) {
    const started = performance.now();
    result = await task();
    ms = Math.min(ms, performance.now() - started);
  }
  return { ms, result };
}

export async function run(): Promise<void> {
  const rows = twentyColumns();
  console.log(`${ROWS.toLocaleString('en')} rows x ${rows[0]!.length} columns; best of 3 after a warm-up, in one process\n`);
  console.log(['format', 'read ms', 'analyse ms', 'total ms', 'analyse/read', 'ns per cell', 'reasons'].map((h) => h.padStart(13)).join(''));
  for (const format of ['xlsx', 'csv'] as const) {
    const bytes = format === 'csv' ? delimited(rows, ';') : workbook([{ name: 'Export', rows }], 'xlsx');
    const read = await best(() => readDocuments(bytes, { limits: LIMITS, deadline: Date.now() + LIMITS.maxScanMs }));
    const documents: Document[] = read.result.documents;
    const analysis = await best(() => analyse(documents, DEFAULT_POLICY));
    const cells = ROWS * rows[0]!.length;
    const codes = analysis.result.reasons.map((reason) => reason.code).join(',');
    const line = [format, read.ms.toFixed(0), analysis.ms.toFixed(0), (read.ms + analysis.ms).toFixed(0), (analysis.ms / read.ms).toFixed(2), ((analysis.ms * 1e6) / cells).toFixed(0)];
    console.log(line.map((cell) => cell.padStart(13)).join('') + '  ' + codes);
  }
}
