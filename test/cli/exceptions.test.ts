// `export-guard exceptions add|list` writes the policy file the proxy and the extension read: the
// exception it adds allows exactly that file, and a wrong one leaves the file as it was.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { run as exceptions } from '../../cli/commands/exceptions.js';
import { run as scan } from '../../cli/commands/scan.js';
import { loadPolicyFile } from '../../proxy/policy-file.js';
import { detect } from '../../shared/detector/index.js';
import { applyExceptions } from '../../shared/policy/exceptions.js';
import { fixtureBytes, fixturePath } from '../helpers/fixtures.js';

let dir: string;
let policy: string;
const ORIGINAL = { protectedSites: ['https://werkmap.example.nl/*'], limits: { maxScanMs: 15000 } };

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'eg-exceptions-'));
  policy = join(dir, 'policy.json');
  writeFileSync(policy, JSON.stringify(ORIGINAL));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

async function cli(...argv: string[]): Promise<{ code: number; out: string }> {
  const printed: string[] = [];
  vi.spyOn(console, 'log').mockImplementation((line: string) => void printed.push(line));
  vi.spyOn(console, 'error').mockImplementation((line: string) => void printed.push(line));
  try {
    return { code: await exceptions(argv), out: printed.join('\n') };
  } finally {
    vi.restoreAllMocks();
  }
}

describe('exceptions add', () => {
  it('allows exactly the reported file, keeps the rest of the policy, and replaces an earlier exception for it', async () => {
    const bytes = await fixtureBytes('leak-3-bsn-only.csv');
    const verdict = await detect(bytes);
    const add = (expires: string) => cli('add', '--policy', policy, '--sha256', verdict.sha256.toUpperCase(), '--by', 'Fatima (FG)', '--reason', 'checked', '--expires', expires);
    expect((await add('2099-01-01')).code).toBe(0);
    const { code, out } = await add('2099-02-01');
    expect(code).toBe(0);
    expect(out).toBe(`allowed ${verdict.sha256} until 2099-02-01T00:00:00.000Z; restart the proxy to put it in force`);

    const written = JSON.parse(readFileSync(policy, 'utf8'));
    expect(written).toMatchObject(ORIGINAL);
    expect(written.exceptions).toHaveLength(1);
    expect(written.exceptions[0]).toMatchObject({ sha256: verdict.sha256, allowedBy: 'Fatima (FG)', reason: 'checked', expiresAt: '2099-02-01T00:00:00.000Z' });

    const loaded = await loadPolicyFile(policy);
    expect(applyExceptions(verdict, loaded.exceptions, new Date()).verdict).toBe('allow');
    expect(applyExceptions(await detect(await fixtureBytes('leak-7.csv')), loaded.exceptions, new Date()).verdict).toBe('block');
    // `export-guard scan` with the same policy decides as the proxy: allowed, and says by whom.
    const printed: string[] = [];
    vi.spyOn(console, 'log').mockImplementation((line: string) => void printed.push(line));
    try {
      expect(await scan(['--policy', policy, await fixturePath('leak-3-bsn-only.csv'), await fixturePath('leak-7.csv')])).toBe(1);
    } finally {
      vi.restoreAllMocks();
    }
    expect(printed[0]).toMatch(/^ALLOW  .*leak-3-bsn-only\.csv .*\n  exception: Fatima \(FG\), until 2099-02-01T00:00:00\.000Z: checked\n  - bsn-column: /);
    expect(printed[1]).toMatch(/^BLOCK  .*leak-7\.csv/);
    expect((await cli('list', '--policy', policy)).out).toMatch(new RegExp(`^${verdict.sha256}  in force  until 2099-02-01T00:00:00.000Z  by Fatima \\(FG\\) on \\d{4}-\\d\\d-\\d\\d: checked$`));
  });

  it.each([
    [['--sha256', 'abc', '--by', 'fg', '--reason', 'r', '--expires', '2099-01-01'], 'sha256: must be the 64 hex digits'],
    [['--sha256', 'a'.repeat(64), '--by', 'fg', '--reason', 'r', '--expires', '2020-01-01'], 'has passed already'],
    [['--sha256', 'a'.repeat(64), '--by', 'fg', '--expires', '2099-01-01'], 'add needs --reason'],
    [['--sha256', 'a'.repeat(64), '--by', 'fg', '--reason', 'r', '--expires', 'soon'], 'must be an ISO date'],
  ])('refuses %j and leaves the file as it was', async (args, message) => {
    const { code, out } = await cli('add', '--policy', policy, ...args);
    expect(code).toBe(2);
    expect(out).toContain(message);
    expect(JSON.parse(readFileSync(policy, 'utf8'))).toEqual(ORIGINAL);
  });
});
