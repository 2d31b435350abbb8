// The users file: the embedded identity store. JSON, edited with `export-guard users`, never by hand.
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import type { Role, UserInfo } from '../../shared/api.js';

export interface UserRecord extends UserInfo {
  /** Hex SHA-256 of the user's token; the token itself is never stored. */
  tokenSha256: string;
}

export interface UsersFile {
  users: UserRecord[];
}

const ROLES: readonly Role[] = ['caseworker', 'approver', 'admin'];

export class UsersFileError extends Error {}

export function parseUsersFile(text: string, source: string): UsersFile {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new UsersFileError(`${source}: not valid JSON (${(error as Error).message})`);
  }
  const users = (data as { users?: unknown })?.users;
  if (!Array.isArray(users)) throw new UsersFileError(`${source}: expected { "users": [...] }`);
  const seen = new Set<string>();
  return {
    users: users.map((raw, i) => {
      const user = parseUser(raw, `${source}: users[${i}]`);
      if (seen.has(user.id)) throw new UsersFileError(`${source}: users[${i}]: duplicate id '${user.id}'`);
      seen.add(user.id);
      return user;
    }),
  };
}

function parseUser(raw: unknown, where: string): UserRecord {
  const u = raw as Partial<Record<keyof UserRecord, unknown>>;
  for (const key of ['id', 'name', 'team', 'tokenSha256'] as const) {
    if (typeof u?.[key] !== 'string' || u[key] === '') throw new UsersFileError(`${where}: '${key}' must be a non-empty string`);
  }
  if (!/^[0-9a-f]{64}$/.test(u.tokenSha256 as string)) throw new UsersFileError(`${where}: 'tokenSha256' must be 64 hex digits`);
  if (!Array.isArray(u.roles) || u.roles.length === 0 || !u.roles.every((r) => ROLES.includes(r as Role))) {
    throw new UsersFileError(`${where}: 'roles' must be a non-empty list of ${ROLES.join(', ')}`);
  }
  return { id: u.id as string, name: u.name as string, team: u.team as string, roles: u.roles as Role[], tokenSha256: u.tokenSha256 as string };
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

/** Write via a temporary file and rename, so a running proxy never reads half a file. */
export function writeUsersFile(path: string, file: UsersFile): void {
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, JSON.stringify(file, null, 2) + '\n', { mode: 0o600 });
  renameSync(temporary, path);
}

export function publicInfo({ id, name, team, roles }: UserInfo): UserInfo {
  return { id, name, team, roles };
}
