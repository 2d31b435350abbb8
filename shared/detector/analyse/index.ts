// The column analysis: from the tables the readers found to findings and blocking reasons.
import type { Policy } from '../../policy/types.js';
import { RECOGNIZERS } from '../recognizers/index.js';
import type { ColumnFinding, Document, Reason } from '../types.js';
import { profileSheet } from './columns.js';
import { inContext } from './context.js';
import { matchRules } from './rules.js';
import { otherReadings } from './views.js';
import { ruleReason } from './reasons.js';

export { failureReason } from './reasons.js';

export interface Analysis {
  findings: ColumnFinding[];
  /** Empty when nothing blocks. */
  reasons: Reason[];
  /** Data rows examined, all sheets of all documents. */
  rows: number;
}

/**
 * Every sheet, hidden ones included, is judged on its own columns. `checkpoint` is called per
 * sheet and every few hundred rows with the document's path, so that a deadline or cancellation
 * can stop it.
 */
export function analyse(documents: readonly Document[], policy: Policy, checkpoint: (path: string) => void = () => {}): Analysis {
  const findings: ColumnFinding[] = [];
  const reasons: Reason[] = [];
  let rows = 0;
  for (const document of documents) {
    for (const sheet of document.sheets) {
      // A sheet is judged as it stands, and as a person might also read it: on its side, or
      // folded from one line into records (views.ts). Each reading is judged on its own columns.
      let sheetRows = 0;
      for (const { table, columnName } of [{ table: sheet.table }, ...otherReadings(sheet.table, RECOGNIZERS)]) {
        checkpoint(document.path);
        const where = { path: document.path, sheet: sheet.name, columnName };
        const profile = profileSheet(table, RECOGNIZERS, policy.thresholds, where, () => checkpoint(document.path));
        sheetRows = Math.max(sheetRows, profile.dataRows);
        const found = inContext(profile);
        findings.push(...found);
        reasons.push(...matchRules(policy.rules, found).map(ruleReason));
      }
      rows += sheetRows;
    }
  }
  return { findings, reasons, rows };
}
