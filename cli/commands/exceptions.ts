// `export-guard exceptions add|list`: the privacy officer allows a file that was wrongly blocked,
// by the SHA-256 the audit report lists, in the policy file the proxy and the extension share. The
// grant itself is audited by the proxy when it loads the policy (proxy/audit/record-exceptions.ts),
// so a hand edit of the file is audited as well as one made here.
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { runActions, UsageError } from '../actions.js';
import { loadPolicyFile } from '../../proxy/policy-file.js';
import { parsePolicy } from '../../shared/policy/parse.js';
import type { PolicyException } from '../../shared/policy/types.js';

const HELP = `usage: export-guard exceptions <action> --policy FILE [options]

  add   --sha256 HEX --by NAME --reason TEXT --expires DATE
        allows the file with this SHA-256 (see \`export-guard audit report\`) until DATE
        (YYYY-MM-DD means midnight UTC at its start, or an ISO time); an exception for the same
        file is replaced. Restart or reload the proxy to put it in force: the proxy then records
        the grant in the audit log, and the extension gets it with the proxy's policy.
  list  lists the exceptions, in force or expired

Exit status: 0 done, 2 usage error, unreadable file or an invalid exception.`;

export function run(argv: string[]): Promise<number> {
  return runActions(
    {
      name: 'exceptions',
      help: HELP,
      options: ['policy', 'sha256', 'by', 'reason', 'expires'],
      // A policy file that cannot be read or does not parse, or an invalid exception.
      isFailure: (error) => error instanceof Error,
      async act({ action, values, need }) {
        const policy = need(values.policy, 'policy');
        if (action === 'list') {
          const now = Date.now();
          for (const e of (await loadPolicyFile(policy)).exceptions) {
            console.log(`${e.sha256}  ${Date.parse(e.expiresAt) > now ? 'in force' : 'expired '}  until ${e.expiresAt}  by ${e.allowedBy} on ${e.allowedAt.slice(0, 10)}: ${e.reason}`);
          }
          return 0;
        }
        if (action !== 'add') throw new UsageError(action ? `unknown action '${action}'` : 'no action given');
        const added = addException(policy, {
          sha256: need(values.sha256, 'sha256'),
          allowedBy: need(values.by, 'by'),
          allowedAt: new Date().toISOString(),
          reason: need(values.reason, 'reason'),
          expiresAt: need(values.expires, 'expires'),
        });
        console.log(`allowed ${added.sha256} until ${added.expiresAt}; restart the proxy to put it in force`);
        return 0;
      },
    },
    argv,
  );
}

/** Adds the exception to the policy file, checked by the same parser the proxy uses; the rest of the file stays as it was. */
function addException(path: string, exception: PolicyException): PolicyException {
  if (Date.parse(exception.expiresAt) <= Date.now()) throw new UsageError(`--expires ${exception.expiresAt} has passed already`);
  const raw = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
  const sha256 = exception.sha256.toLowerCase();
  const others = Array.isArray(raw.exceptions) ? (raw.exceptions as { sha256?: unknown }[]).filter((e) => String(e.sha256).toLowerCase() !== sha256) : [];
  const parsed = parsePolicy({ ...raw, exceptions: [...others, exception] }).exceptions.at(-1)!;
  // Written whole and then renamed: a proxy reading the file never sees half of it.
  writeFileSync(`${path}.tmp`, `${JSON.stringify({ ...raw, exceptions: [...others, parsed] }, null, 2)}\n`);
  renameSync(`${path}.tmp`, path);
  return parsed;
}
