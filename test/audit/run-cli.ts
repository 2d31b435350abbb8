// `export-guard audit ...` run in-process, with what it printed (stdout and stderr, in order).
import { vi } from 'vitest';
import { run as audit } from '../../cli/commands/audit.js';

export async function auditCli(...argv: string[]): Promise<{ code: number; out: string; lines: string[] }> {
  const lines: string[] = [];
  vi.spyOn(console, 'log').mockImplementation((line: string) => void lines.push(line));
  vi.spyOn(console, 'error').mockImplementation((line: string) => void lines.push(line));
  try {
    return { code: await audit(argv), out: lines.join('\n'), lines };
  } finally {
    vi.restoreAllMocks();
  }
}
