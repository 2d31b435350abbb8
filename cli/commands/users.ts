// `export-guard users add|list|remove|token`: manages the users file without anyone handling
// token hashes. A token is printed once, when it is made; only its hash is kept.
import { parseArgs } from 'node:util';
import type { Role } from '../../shared/api.js';
import { hashToken, newToken } from '../../proxy/identity/tokens.js';
import { readUsersFile, UsersFileError, writeUsersFile } from '../../proxy/identity/users-file.js';

const HELP = `usage: export-guard users <action> --file USERS.json [options]

  add    --id ID --name NAME --team TEAM --roles caseworker[,approver,admin]
         adds a user and prints their token (shown only now)
  list   lists users (id, name, team, roles; never tokens)
  remove --id ID
  token  --id ID    makes a new token for the user (the old one stops working) and prints it

Exit status: 0 done, 1 refused (unknown or duplicate user), 2 usage error or unreadable file.`;

const ROLES: readonly Role[] = ['caseworker', 'approver', 'admin'];

class UsageError extends Error {}

export async function run(argv: string[]): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    console.log(HELP);
    return 0;
  }
  try {
    const { positionals, values } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: { file: { type: 'string' }, id: { type: 'string' }, name: { type: 'string' }, team: { type: 'string' }, roles: { type: 'string' } },
    });
    const [action, ...extra] = positionals;
    if (extra.length > 0) throw new UsageError(`unexpected argument '${extra[0]}'`);
    if (!values.file) throw new UsageError('--file USERS.json is required');
    const file = readUsersFile(values.file);
    const need = (value: string | undefined, flag: string): string => {
      if (!value) throw new UsageError(`${action} needs --${flag}`);
      return value;
    };
    switch (action) {
      case 'add': {
        const id = need(values.id, 'id');
        if (file.users.some((u) => u.id === id)) return refuse(`user '${id}' exists already; use 'users token --id ${id}' for a new token`);
        const roles = need(values.roles, 'roles').split(',').map((r) => r.trim());
        const wrong = roles.find((r) => !ROLES.includes(r as Role));
        if (wrong) throw new UsageError(`unknown role '${wrong}' (roles: ${ROLES.join(', ')})`);
        const token = newToken();
        file.users.push({ id, name: need(values.name, 'name'), team: need(values.team, 'team'), roles: roles as Role[], tokenSha256: hashToken(token) });
        writeUsersFile(values.file, file);
        console.log(`added ${id}; token (shown once, give it to the user for the extension's settings):\n${token}`);
        return 0;
      }
      case 'list':
        for (const u of file.users) console.log(`${u.id}\t${u.name}\t${u.team}\t${u.roles.join(',')}`);
        return 0;
      case 'remove': {
        const id = need(values.id, 'id');
        const kept = file.users.filter((u) => u.id !== id);
        if (kept.length === file.users.length) return refuse(`no user '${id}'`);
        writeUsersFile(values.file, { users: kept });
        console.log(`removed ${id}`);
        return 0;
      }
      case 'token': {
        const id = need(values.id, 'id');
        const user = file.users.find((u) => u.id === id);
        if (!user) return refuse(`no user '${id}'`);
        const token = newToken();
        user.tokenSha256 = hashToken(token);
        writeUsersFile(values.file, file);
        console.log(`new token for ${id} (shown once; the old one no longer works):\n${token}`);
        return 0;
      }
      default:
        throw new UsageError(action ? `unknown action '${action}'` : 'no action given');
    }
  } catch (error) {
    if (error instanceof UsersFileError) {
      console.error(`export-guard users: ${error.message}`);
      return 2;
    }
    if (error instanceof UsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      console.error(`export-guard users: ${(error as Error).message}\n\n${HELP}`);
      return 2;
    }
    throw error;
  }
}

function refuse(message: string): number {
  console.error(`export-guard users: ${message}`);
  return 1;
}
