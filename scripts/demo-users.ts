// Demo users for `npm start`: the portal's caseworkers in one team, one of them its approver,
// written to a users file with fresh tokens that are returned once for printing.
import type { Role } from '../shared/api.js';
import { CASEWORKERS } from '../demo-portal/server.js';
import { hashToken, newToken } from '../proxy/identity/tokens.js';
import { writeUsersFile } from '../proxy/identity/users-file.js';

export const DEMO_TEAM = 'werkplein-noord';
/** Chantal checks her colleagues' bulk sends. */
const APPROVER = 'Chantal Bakker';

export interface DemoUser {
  id: string;
  name: string;
  roles: Role[];
  token: string;
}

export function seedDemoUsers(usersFile: string): DemoUser[] {
  const users: DemoUser[] = CASEWORKERS.map((name) => ({
    id: name.split(' ')[0]!.toLowerCase(),
    name,
    roles: name === APPROVER ? ['caseworker', 'approver'] : ['caseworker'],
    token: newToken(),
  }));
  writeUsersFile(usersFile, { users: users.map(({ token, ...user }) => ({ ...user, team: DEMO_TEAM, tokenSha256: hashToken(token) })) });
  return users;
}
