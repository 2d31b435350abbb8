// Who sends a request: the user whose token it carries, or the user an SSO gateway names, but
// only when the request really comes from that gateway's address.
import { statSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import { HEADERS, type UserInfo } from '../../shared/api.js';
import type { AuthFailures } from './rate-limit.js';
import { hashToken, tokenMatches } from './tokens.js';
import { publicInfo, readUsersFile, type UserRecord } from './users-file.js';

export interface IdentityConfig {
  /** No users file: nobody is known, so no bulk send can be approved (fail closed). */
  usersFile?: string;
  /** Header an SSO gateway sets to the user id, e.g. 'x-remote-user'. Off when absent. */
  ssoHeader?: string;
  /** Addresses the SSO header is trusted from; from anywhere else it is ignored. */
  ssoTrustedSources: string[];
}

export class UserDirectory {
  private users: UserRecord[] = [];
  private loadedVersion = '';

  /** failures: where failed token checks are counted toward a lockout (proxy/identity/rate-limit.ts). */
  constructor(
    private readonly config: IdentityConfig,
    private readonly failures?: AuthFailures,
  ) {
    this.refresh();
  }

  /** The users file is re-read when it changes, so `export-guard users add` needs no restart. */
  private refresh(): void {
    const { usersFile } = this.config;
    if (!usersFile) return;
    // The users command replaces the file (new inode); mtime alone can repeat within a clock tick.
    let version: string;
    try {
      const { ino, mtimeMs, size } = statSync(usersFile);
      version = `${ino}:${mtimeMs}:${size}`;
    } catch {
      version = 'missing';
    }
    if (version === this.loadedVersion) return;
    this.users = readUsersFile(usersFile).users;
    this.loadedVersion = version;
  }

  byToken(token: string): UserInfo | undefined {
    this.refresh();
    const presented = Buffer.from(hashToken(token), 'hex');
    // Compare against every user, not stopping at the first match, so timing says nothing.
    let found: UserRecord | undefined;
    for (const user of this.users) {
      if (tokenMatches(presented, user.tokenSha256)) found = user;
    }
    return found && publicInfo(found);
  }

  byId(id: string): UserInfo | undefined {
    this.refresh();
    const user = this.users.find((u) => u.id === id);
    return user && publicInfo(user);
  }

  /** The authorised approvers of a team. */
  approversOf(team: string): UserInfo[] {
    this.refresh();
    return this.users.filter((u) => u.team === team && u.roles.includes('approver')).map(publicInfo);
  }

  /**
   * Who sent the request, with the headers only the proxy may read taken off it: the token is the
   * proxy's credential (the portal never needs it), and an SSO header that did not come from the
   * gateway is a forgery the portal might trust. Every request and WebSocket handshake passes here.
   */
  identify(req: IncomingMessage): UserInfo | undefined {
    const user = this.authenticate(req);
    delete req.headers[HEADERS.token];
    const forged = this.forgedSsoHeader(req);
    if (forged) delete req.headers[forged];
    return user;
  }

  authenticate(req: IncomingMessage): UserInfo | undefined {
    const token = req.headers[HEADERS.token];
    if (typeof token === 'string' && token !== '') return this.byRequestToken(req, token);
    const { ssoHeader } = this.config;
    if (!ssoHeader) return undefined;
    const ssoUser = req.headers[ssoHeader.toLowerCase()];
    if (typeof ssoUser !== 'string' || !this.fromSsoGateway(req)) return undefined;
    return this.byId(ssoUser);
  }

  /** The user of the token a request carries. A failed check counts; from a locked-out address or prefix the token is not checked at all. */
  byRequestToken(req: IncomingMessage, token: string): UserInfo | undefined {
    const address = normaliseAddress(req.socket.remoteAddress);
    if (this.failures && this.failures.retryAfterSeconds(address, token) > 0) return undefined;
    const user = this.byToken(token);
    if (!user) this.failures?.fail(address, token);
    return user;
  }

  /** Seconds the request's address or token prefix must wait after too many failed tokens; 0 when it need not. */
  retryAfterSeconds(req: IncomingMessage): number {
    const token = req.headers[HEADERS.token];
    return this.failures?.retryAfterSeconds(normaliseAddress(req.socket.remoteAddress), typeof token === 'string' ? token : '') ?? 0;
  }

  /** The SSO header's name when the request carries it from an address that is not the gateway's. */
  private forgedSsoHeader(req: IncomingMessage): string | undefined {
    const header = this.config.ssoHeader?.toLowerCase();
    return header !== undefined && req.headers[header] !== undefined && !this.fromSsoGateway(req) ? header : undefined;
  }

  private fromSsoGateway(req: IncomingMessage): boolean {
    return this.config.ssoTrustedSources.includes(normaliseAddress(req.socket.remoteAddress));
  }
}

function normaliseAddress(address: string | undefined): string {
  return (address ?? '').replace(/^::ffff:/, '');
}
