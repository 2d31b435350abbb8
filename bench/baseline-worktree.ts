// An earlier commit checked out beside this tree, for the benches that run both side by side.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

/** This checkout's root. */
export const ROOT = resolve(import.meta.dirname, '..');

/** Checks `commit` out in a new temporary worktree and returns its path; removeWorktree undoes it. */
export function addWorktree(commit: string): string {
  const worktree = mkdtempSync(join(tmpdir(), 'export-guard-baseline-'));
  execFileSync('git', ['worktree', 'add', '--detach', '--quiet', worktree, commit], { cwd: ROOT });
  // The baseline's dependencies are close enough to this checkout's to run it.
  symlinkSync(join(ROOT, 'node_modules'), join(worktree, 'node_modules'));
  return worktree;
}

export function removeWorktree(worktree: string): void {
  execFileSync('git', ['worktree', 'remove', '--force', worktree], { cwd: ROOT });
  rmSync(worktree, { recursive: true, force: true });
}
