// Evaluating the policy's rules against the columns found on one sheet.
import type { Category, Condition, Rule } from '../../policy/types.js';
import type { ColumnFinding } from '../types.js';

export interface RuleMatch {
  rule: Rule;
  /** The columns that made the rule hold, for the reason message. */
  columns: ColumnFinding[];
}

export function matchRules(rules: readonly Rule[], findings: readonly ColumnFinding[]): RuleMatch[] {
  const matches: RuleMatch[] = [];
  for (const rule of rules) {
    const columns = witnesses(rule.when, findings);
    if (columns) matches.push({ rule, columns });
  }
  return matches;
}

/** The findings that satisfy a condition, or null when it does not hold. */
function witnesses(condition: Condition, findings: readonly ColumnFinding[]): ColumnFinding[] | null {
  if ('all' in condition) {
    const found = new Set<ColumnFinding>();
    for (const part of condition.all) {
      const columns = witnesses(part, findings);
      if (!columns) return null;
      for (const column of columns) found.add(column);
    }
    return [...found];
  }
  if ('any' in condition) {
    for (const part of condition.any) {
      const columns = witnesses(part, findings);
      if (columns) return columns;
    }
    return null;
  }
  if ('entity' in condition) {
    const minMatches = condition.minMatches ?? 0;
    const columns = findings.filter((f) => f.entity === condition.entity && f.matches >= minMatches);
    return columns.length > 0 ? columns : null;
  }
  const categories: readonly string[] = ([] as Category[]).concat(condition.category);
  const columns = findings.filter((f) => categories.includes(f.category));
  return columns.length >= (condition.minColumns ?? 1) ? columns : null;
}
