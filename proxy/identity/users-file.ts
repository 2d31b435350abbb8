// The users file: the embedded identity store. JSON, edited with `export-guard users`, never by hand.
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { failingAs, FieldError, knownKeys, object, oneOf, sha256Hex, string, strings } from '../config-fields.js';
import { ROLES, type Role, type UserInfo } from '../../shared/api.js';

export interface UserRecord extends UserInfo {
  /** Hex SHA-256 of the user's token; the token itself is never stored. */
  tokenSha256: string;
}

export interface UsersFile {
  users: UserRecord[];
}

export class UsersFileError extends Error {}

export function parseUsersFile(text: string, source: string): UsersFile {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new UsersFileError(`${source}: not valid JSON (${(error as Error).message})`);
  }
  // Fields are named after the file: '/etc/export-guard/users.json: users[3].team: ...'.
  return failingAs((message) => new UsersFileError(message), () => {
    const file = object(data, source);
    if (!Array.isArray(file.users)) throw new FieldError(`${source}: users: expected a list of users`);
    const seen = new Set<string>();
    return {
      users: file.users.map((raw, i) => {
        const user = parseUser(raw, `${source}: users[${i}]`);
        if (seen.has(user.id)) throw new FieldError(`${source}: users[${i}].id: '${user.id}' is already the id of another user`);
        seen.add(user.id);
        return user;
      }),
    };
  });
}

function parseUser(raw: unknown, at: string): UserRecord {
  const user = object(raw, at);
  knownKeys(user, ['id', 'name', 'team', 'roles', 'tokenSha256'], at);
  const id = string(user.id, `${at}.id`);
  const name = string(user.name, `${at}.name`);
  const team = string(user.team, `${at}.team`);
  const roles = strings(user.roles, `${at}.roles`, (role, field) => oneOf(role, field, ROLES));
  if (roles.length === 0) throw new FieldError(`${at}.roles: expected at least one of ${ROLES.join(', ')}`);
  return { id, name, team, roles: roles as Role[], tokenSha256: sha256Hex(user.tokenSha256, `${at}.tokenSha256`) };
}

export function readUsersFile(path: string): UsersFile {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { users: [] };
    throw new UsersFileError(`${path}: ${(error as Error).message}`);
  }
  return parseUsersFile(text, path);
}

/**
 * What IT should hear at start about the configured users file: a missing one is read as no users
 * (so `export-guard users add` can create it), and then nobody can log in or approve.
 */
export function missingUsersFileWarning(path: string): string | undefined {
  if (existsSync(path)) return undefined;
  return `config.identity.usersFile: '${path}' does not exist, so nobody can log in or approve a bulk send; create it with \`export-guard users add --file ${path} ...\``;
}

/** Write via a temporary file and rename, so a running proxy never reads half a file. */
export function writeUsersFile(path: string, file: UsersFile): void {
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, JSON.stringify(file, null, 2) + '\n', { mode: 0o600 });
  renameSync(temporary, path);
}

export function publicInfo({ id, name, team, roles }: UserInfo): UserInfo {
  return { id, name, team, roles };
}
