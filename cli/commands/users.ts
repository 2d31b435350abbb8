// `export-guard users add|list|remove|token`: manages the users file without anyone handling
// token hashes. A token is printed once, when it is made; only its hash is kept.
import { runActions, UsageError } from '../actions.js';
import { ROLES, type Role } from '../../shared/api.js';
import { hashToken, newToken } from '../../proxy/identity/tokens.js';
import { readUsersFile, UsersFileError, writeUsersFile } from '../../proxy/identity/users-file.js';

const HELP = `usage: export-guard users <action> --file USERS.json [options]

  add    --id ID --name NAME --team TEAM --roles caseworker[,approver,officer,admin]
         adds a user and prints their token (shown only now)
  list   lists users (id, name, team, roles; never tokens)
  remove --id ID
  token  --id ID    makes a new token for the user (the old one stops working) and prints it

Exit status: 0 done, 1 refused (unknown or duplicate user), 2 usage error or unreadable file.`;

export function run(argv: string[]): Promise<number> {
  return runActions(
    {
      name: 'users',
      help: HELP,
      options: ['file', 'id', 'name', 'team', 'roles'],
      isFailure: (error) => error instanceof UsersFileError,
      act({ action, values, need }) {
        const path = need(values.file, 'file');
        const file = readUsersFile(path);
        switch (action) {
          case 'add': {
            const id = need(values.id, 'id');
            if (file.users.some((u) => u.id === id)) return refuse(`user '${id}' exists already; use 'users token --id ${id}' for a new token`);
            const roles = need(values.roles, 'roles').split(',').map((r) => r.trim());
            const wrong = roles.find((r) => !ROLES.includes(r as Role));
            if (wrong) throw new UsageError(`unknown role '${wrong}' (roles: ${ROLES.join(', ')})`);
            const token = newToken();
            file.users.push({ id, name: need(values.name, 'name'), team: need(values.team, 'team'), roles: roles as Role[], tokenSha256: hashToken(token) });
            writeUsersFile(path, file);
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
            writeUsersFile(path, { users: kept });
            console.log(`removed ${id}`);
            return 0;
          }
          case 'token': {
            const id = need(values.id, 'id');
            const user = file.users.find((u) => u.id === id);
            if (!user) return refuse(`no user '${id}'`);
            const token = newToken();
            user.tokenSha256 = hashToken(token);
            writeUsersFile(path, file);
            console.log(`new token for ${id} (shown once; the old one no longer works):\n${token}`);
            return 0;
          }
          default:
            throw new UsageError(action ? `unknown action '${action}'` : 'no action given');
        }
      },
    },
    argv,
  );
}

function refuse(message: string): number {
  console.error(`export-guard users: ${message}`);
  return 1;
}
