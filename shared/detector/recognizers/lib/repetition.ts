// How a column's values repeat, from the values with their counts (a value may be listed more
// than once: a column too varied to tally comes row by row). One pass, no set of strings.
import type { ColumnValues } from '../types.js';
import type { CellValue } from '../../types.js';

/**
 * The share of the column taken by its most frequent value: a weighted majority vote
 * (Boyer-Moore) finds the only value that can be more than half, then it is counted exactly.
 * Below one half the answer is only known to be below it, which is all a caller asks.
 */
export function dominantShare(column: ColumnValues): number {
  if (column.total === 0) return 0;
  let leader: CellValue = null;
  let lead = 0;
  column.values.forEach((value, index) => {
    const times = column.times(index);
    if (lead > 0 && value === leader) lead += times;
    else if (lead >= times) lead -= times;
    else [leader, lead] = [value, times - lead];
  });
  let leaderTimes = 0;
  column.values.forEach((value, index) => value === leader && (leaderTimes += column.times(index)));
  return leaderTimes / column.total;
}

/** Whether at least `wanted` different values pass `counts`, stopping as soon as they do. */
export function hasDistinct(column: ColumnValues, wanted: number, counts: (value: CellValue) => boolean): boolean {
  const seen = new Set<CellValue>();
  for (const value of column.values) {
    if (seen.has(value) || !counts(value)) continue;
    seen.add(value);
    if (seen.size >= wanted) return true;
  }
  return false;
}
