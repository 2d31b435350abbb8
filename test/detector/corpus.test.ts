// Precision on spreadsheets nobody on this project wrote (issue 10): every file of SheetJS's public
// test corpus gets a verdict, and each block must be listed in corpus-expectations.json with why
// (encrypted, truly unreadable, or the personal data it holds, checked by opening the file). A
// change of verdict or of reasons fails here until the expectation says why it changed.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { detect } from '../../shared/detector/index.js';
import { DEFAULT_POLICY } from '../../shared/policy/defaults.js';

const CORPUS = join(import.meta.dirname, '../../../shared/corpus/sheetjs-test-files');
const GROUNDS = ['encrypted', 'unreadable', 'personal-data'] as const;

interface Expectation {
  codes: string[];
  grounds: (typeof GROUNDS)[number];
  why: string;
}

// The verdicts are the subject here, not the machine's speed: a loaded two-core CI machine once took
// past the default 20 s scan limit on one large file, which then blocked as a timeout.
const POLICY = { ...DEFAULT_POLICY, limits: { ...DEFAULT_POLICY.limits, maxScanMs: 120_000 } };

const blocked: Record<string, Expectation> = JSON.parse(readFileSync(join(import.meta.dirname, 'corpus-expectations.json'), 'utf8')).blocked;

describe('the real spreadsheets of SheetJS\'s test corpus', () => {
  it('are all there (the shared folder lies beside the project, as in CI)', () => {
    expect(existsSync(CORPUS), `${CORPUS} is missing: the corpus comes with ../shared (see its README)`).toBe(true);
    expect(readdirSync(CORPUS).length).toBeGreaterThanOrEqual(682);
  });

  it('each expected block says on which grounds and why', () => {
    for (const [file, expectation] of Object.entries(blocked)) {
      expect(GROUNDS, `${file}: grounds must be one of ${GROUNDS.join(', ')}`).toContain(expectation.grounds);
      expect(expectation.why.trim().length, `${file}: say why it is blocked, as checked by opening it`).toBeGreaterThan(10);
    }
  });

  it(
    'are blocked exactly where corpus-expectations.json says, for the reasons it lists',
    async () => {
      const changes: string[] = [];
      const files = readdirSync(CORPUS).sort();
      for (const file of files) {
        const verdict = await detect(new Uint8Array(readFileSync(join(CORPUS, file))), { policy: POLICY });
        const codes = [...new Set(verdict.reasons.map((r) => r.code))].sort();
        const expected = blocked[file];
        if (verdict.verdict === 'block' && !expected) {
          changes.push(`${file} is now blocked (${codes.join(', ')}): open it; list it with its grounds and why, or fix the false block`);
        } else if (verdict.verdict === 'allow' && expected) {
          changes.push(`${file} now passes: remove it from the expectations if it is right that it passes (${expected.why})`);
        } else if (expected && codes.join() !== [...expected.codes].sort().join()) {
          changes.push(`${file} is blocked for ${codes.join(', ')} instead of ${expected.codes.join(', ')}: update its codes and why`);
        }
      }
      for (const file of Object.keys(blocked)) if (!files.includes(file)) changes.push(`${file} is listed but not in the corpus`);
      expect(changes, 'verdicts that differ from test/detector/corpus-expectations.json').toEqual([]);
    },
    // About 700 files, some of them large; sized for a loaded two-core machine.
    600_000,
  );
});
