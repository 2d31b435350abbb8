// Some columns mean people only beside other columns that do: a list of landline numbers is a
// switchboard list, a count per municipality is statistics, until a name, a BSN or a personal
// e-mail address on the same sheet says that each row is a person. On a sheet of counts without
// them, a postcode, place, age or gender is what the counts are grouped by, not a person's: a
// birth date is never a group, so a sheet with one stays a list of people.
import type { ColumnFinding } from '../types.js';
import type { SheetProfile } from './columns.js';

/** The findings that hold on this sheet. */
export function inContext({ findings, conditional, counts }: SheetProfile): ColumnFinding[] {
  const people = findings.some((finding) => finding.category === 'direct-identifier' && !conditional.has(finding));
  if (people) return [...findings];
  const statistics = counts && !findings.some((finding) => finding.entity === 'birth-date');
  return findings.filter((finding) => !conditional.has(finding) && !(statistics && finding.category === 'quasi-identifier'));
}
