/// <reference types="chrome" />
// The whole office setup for the extension's end-to-end tests: the demo portal, the real proxy in
// front of it with identity, approvals and a SQLite store in a temp dir, and two users of one
// team (a caseworker and an approver) with fresh tokens.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CASEWORKERS, startPortal, type Portal } from '../../demo-portal/server.js';
import { EXTENSION_ORIGIN } from '../../extension/extension-id.js';
import { ANY_FIREFOX_EXTENSION } from '../../proxy/approval/config.js';
import { hashToken, newToken } from '../../proxy/identity/tokens.js';
import { writeUsersFile } from '../../proxy/identity/users-file.js';
import type { Settings } from '../../shared/messages.js';
import { startTestProxy, type TestProxy } from '../proxy/start.js';
import type { ExtensionBrowser } from './browser.js';

const TEAM = 'werkzoekenden-noord';
export const CASEWORKER = { id: 'anna', name: CASEWORKERS[0]!, team: TEAM, roles: ['caseworker' as const] };
// The approver is a portal user too: the popup looks the recipients' names up with their own portal session.
export const APPROVER = { id: 'chantal', name: CASEWORKERS[2]!, team: TEAM, roles: ['caseworker' as const, 'approver' as const] };

/** Writes a users file of the caseworker and the approver, each with a fresh token, and returns the tokens. */
export function writeTeamUsers(usersFile: string): { caseworker: string; approver: string } {
  const tokens = { caseworker: newToken(), approver: newToken() };
  writeUsersFile(usersFile, {
    users: [
      { ...CASEWORKER, tokenSha256: hashToken(tokens.caseworker) },
      { ...APPROVER, tokenSha256: hashToken(tokens.approver) },
    ],
  });
  return tokens;
}

export interface FourEyesStack {
  portal: Portal;
  proxy: TestProxy;
  tokens: { caseworker: string; approver: string };
  /** The proxy's SQLite file (approvals and the audit log). */
  databasePath: string;
  close(): Promise<void>;
}

/**
 * `validMinutes`: how long requests and approvals stay valid (the proxy's default otherwise);
 * `policy`: the proxy's policy file (the built-in policy otherwise).
 */
export async function startFourEyesStack({ validMinutes, policy }: { validMinutes?: number; policy?: string } = {}): Promise<FourEyesStack> {
  const dir = await mkdtemp(join(tmpdir(), 'export-guard-e2e-'));
  const usersFile = join(dir, 'users.json');
  const databasePath = join(dir, 'state.db');
  const tokens = writeTeamUsers(usersFile);
  let portal: Portal | undefined;
  let proxy: TestProxy | undefined;
  const close = async () => {
    await proxy?.close();
    await portal?.close();
    await rm(dir, { recursive: true, force: true });
  };
  try {
    portal = await startPortal({ host: '127.0.0.1', port: 0 });
    proxy = await startTestProxy(portal.url, {
      // The office setup: the Chromium extension's fixed origin, and Firefox's per-profile ones.
      identity: { usersFile, extensionOrigins: [EXTENSION_ORIGIN, ANY_FIREFOX_EXTENSION] },
      store: { sqlite: databasePath },
      ...(validMinutes === undefined ? {} : { approval: { validMinutes } }),
      ...(policy === undefined ? {} : { policy }),
    });
    return { portal, proxy, tokens, databasePath, close };
  } catch (error) {
    await close();
    throw error;
  }
}

/**
 * Stores the extension's settings as the options page would. Tests choose Dutch explicitly:
 * headless Chromium reports en-US as its UI language whatever --lang says.
 */
export async function configureExtension(chromium: ExtensionBrowser, settings: Partial<Settings>): Promise<void> {
  const worker = await chromium.worker();
  await worker.evaluate((values) => chrome.storage.local.set(values), { language: 'nl', ...settings });
}
