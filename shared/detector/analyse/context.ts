// Some columns mean people only beside other columns that do: a list of landline numbers is a
// switchboard list, a count per municipality is statistics, until a name, a BSN or a personal
// e-mail address on the same sheet says that each row is a person.
import type { ColumnFinding } from '../types.js';

/** The findings that hold on this sheet: the conditional ones only next to an unconditional direct identifier. */
export function inContext(findings: readonly ColumnFinding[], conditional: ReadonlySet<ColumnFinding>): ColumnFinding[] {
  const people = findings.some((finding) => finding.category === 'direct-identifier' && !conditional.has(finding));
  return people ? [...findings] : findings.filter((finding) => !conditional.has(finding));
}
