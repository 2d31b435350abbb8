// Holds the detector to the oracles: a variant from which any oracle reads people must be blocked;
// a harmless variant that every oracle reads as the harmless table must pass. What no oracle can
// open sets no expectation, unless the variant says why it must be blocked anyway.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { detect, type Verdict } from '../../shared/detector/index.js';
import { readWithGnumeric, readWithLibreOffice, readWithSheetjs, type OracleInput, type OracleName, type Reading } from './oracles.js';
import type { Variant } from './variants.js';

export interface Judged extends Reading {
  people: boolean;
  harmless: boolean;
}

export interface Outcome {
  variant: Variant;
  readings: Partial<Record<OracleName, Judged>>;
  verdict: Verdict;
  expected: 'block' | 'allow' | 'either';
  why: string;
}

/**
 * At least half of the BSNs, as numbers in the oracle's text as a person reads it: a leading zero
 * may be gone, digits may be grouped or carry invisible characters, and may be written full width.
 */
export function readsPeople(markers: string[], text: string): boolean {
  text = text.normalize('NFKC');
  const grouped = text.replace(/(\d)[ .\u00a0\u200b\u200c\u200d\u2060\ufeff]+(?=\d)/g, '$1');
  const numbers = new Set([...(text.match(/\d+/g) ?? []), ...(grouped.match(/\d+/g) ?? [])].map((n) => n.replace(/^0+/, '')));
  return markers.filter((bsn) => numbers.has(bsn.replace(/^0+/, ''))).length * 2 >= markers.length;
}

/** At least 80% of the table's values appear in the oracle's text. */
export function readsHarmless(markers: string[], text: string): boolean {
  return markers.filter((value) => text.includes(value)).length >= 0.8 * markers.length;
}

function judge(variant: Variant, reading: Reading): Judged {
  const people = variant.content === 'people' && reading.opened && readsPeople(variant.markers, reading.text);
  const harmless = variant.content === 'harmless' && reading.opened && readsHarmless(variant.markers, reading.text);
  return { ...reading, people, harmless };
}

export function expectation(variant: Variant, readings: Outcome['readings']): Pick<Outcome, 'expected' | 'why'> {
  const oracles = Object.entries(readings) as [OracleName, Judged][];
  if (variant.content === 'people') {
    if (variant.mustBlock) return { expected: 'block', why: variant.mustBlock };
    const readers = oracles.filter(([, r]) => r.people).map(([name]) => name);
    return readers.length > 0 ? { expected: 'block', why: `people read by ${readers.join(', ')}` } : { expected: 'either', why: 'no oracle reads the people' };
  }
  const others = oracles.filter(([, r]) => !r.harmless).map(([name]) => name);
  return others.length === 0 ? { expected: 'allow', why: `read as the harmless table by ${oracles.map(([n]) => n).join(', ')}` } : { expected: 'either', why: `not read as the table by ${others.join(', ')}` };
}

export function disagrees(outcome: Outcome): boolean {
  return outcome.expected !== 'either' && outcome.verdict.verdict !== outcome.expected;
}

/** Reads every variant with the given oracles and the detector. */
export async function runDifferential(variants: Variant[], oracles: readonly OracleName[]): Promise<Outcome[]> {
  const workDir = mkdtempSync(join(tmpdir(), 'export-guard-differential-'));
  try {
    const inputs: OracleInput[] = variants.map((v, i) => ({ id: `v${String(i).padStart(4, '0')}`, bytes: v.opened?.bytes ?? v.bytes, ext: v.opened?.ext ?? v.ext }));
    const external = await Promise.all([
      oracles.includes('libreoffice') ? readWithLibreOffice(inputs, workDir) : undefined,
      oracles.includes('gnumeric') ? readWithGnumeric(inputs, workDir) : undefined,
    ]);
    const outcomes: Outcome[] = [];
    for (const [i, variant] of variants.entries()) {
      const input = inputs[i]!;
      const readings: Outcome['readings'] = {};
      if (oracles.includes('sheetjs')) readings.sheetjs = judge(variant, readWithSheetjs(input));
      if (external[0]) readings.libreoffice = judge(variant, external[0].get(input.id)!);
      if (external[1]) readings.gnumeric = judge(variant, external[1].get(input.id)!);
      const verdict = await detect(variant.bytes);
      outcomes.push({ variant, readings, verdict, ...expectation(variant, readings) });
    }
    return outcomes;
  } finally {
    rmSync(workDir, { recursive: true, force: true });
  }
}

export function describeOutcome(outcome: Outcome): string {
  const { verdict } = outcome;
  const reasons = verdict.reasons.map((r) => r.code).join(', ') || 'no reasons';
  const detail = outcome.variant.detail ? ` [${outcome.variant.detail}]` : '';
  return `${outcome.variant.name}${detail}: expected ${outcome.expected} (${outcome.why}), got ${verdict.verdict} (kind ${verdict.kind}, ${verdict.rows} rows, ${reasons})`;
}

/** One line per variant: what each oracle read (P people, H the harmless table, o something else, - nothing) and our verdict. */
export function table(outcomes: Outcome[], oracles: readonly OracleName[]): string {
  const mark = (r: Judged | undefined) => (!r?.opened ? '-' : r.people ? 'P' : r.harmless ? 'H' : 'o');
  return outcomes.map((o) => `${o.variant.name.padEnd(52)} ${oracles.map((n) => mark(o.readings[n])).join('')}  ${o.verdict.verdict}${disagrees(o) ? '  DISAGREES' : ''}`).join('\n');
}

/** The counts the full run prints. */
export function report(outcomes: Outcome[], oracles: readonly OracleName[]): string {
  const count = (test: (o: Outcome) => boolean) => outcomes.filter(test).length;
  const lines = [
    `variants: ${outcomes.length} (people ${count((o) => o.variant.content === 'people')}, harmless ${count((o) => o.variant.content === 'harmless')})`,
    `${'oracle'.padEnd(12)} ${'reads people'.padStart(13)} ${'reads harmless'.padStart(15)} ${'opened, other'.padStart(14)} ${'unreadable'.padStart(11)}`,
    ...oracles.map((name) => {
      const r = (o: Outcome) => o.readings[name];
      return `${name.padEnd(12)} ${String(count((o) => !!r(o)?.people)).padStart(13)} ${String(count((o) => !!r(o)?.harmless)).padStart(15)} ` +
        `${String(count((o) => !!r(o)?.opened && !r(o)?.people && !r(o)?.harmless)).padStart(14)} ${String(count((o) => !r(o)?.opened)).padStart(11)}`;
    }),
    `export-guard: block ${count((o) => o.verdict.verdict === 'block')}, allow ${count((o) => o.verdict.verdict === 'allow')}`,
    `expected: block ${count((o) => o.expected === 'block')}, allow ${count((o) => o.expected === 'allow')}, either ${count((o) => o.expected === 'either')}`,
  ];
  const disagreements = outcomes.filter(disagrees);
  lines.push(`disagreements: ${disagreements.length}`, ...disagreements.map((o) => `  ${describeOutcome(o)}`));
  const unread = outcomes.filter((o) => o.expected === 'either');
  lines.push(`no expectation (${unread.length}):`, ...unread.map((o) => `  ${o.variant.name}: ${o.why}; ours ${o.verdict.verdict}`));
  return lines.join('\n');
}
