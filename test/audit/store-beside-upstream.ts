// For tests that start real proxies one after another on one SQLite store: a recording upstream
// (which must receive nothing: a self-test never forwards) and a temporary folder for the store,
// made before the describe's tests and removed after them.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { startUpstream, type Upstream } from '../proxy/upstream.js';

export function storeBesideUpstream(prefix: string): { readonly db: string; readonly upstream: Upstream } {
  const stack = {} as { db: string; upstream: Upstream; dir: string };
  beforeAll(async () => {
    stack.dir = mkdtempSync(join(tmpdir(), prefix));
    stack.db = join(stack.dir, 'state.db');
    stack.upstream = await startUpstream();
  });
  afterAll(async () => {
    await stack.upstream?.close();
    if (stack.dir) rmSync(stack.dir, { recursive: true, force: true });
  });
  return stack;
}
