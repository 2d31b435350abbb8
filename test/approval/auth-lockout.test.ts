// Guessing tokens is not free: after a few wrong tokens an address (or a token prefix) gets 429
// with Retry-After for a while, audited and counted, while a colleague elsewhere works on.
// Requests come from different loopback addresses (127.0.0.x), as from different computers.
import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildReport } from '../../proxy/audit/report.js';
import { AuthFailures } from '../../proxy/identity/rate-limit.js';
import { newToken } from '../../proxy/identity/tokens.js';
import { HEADERS, ROUTES } from '../../shared/api.js';
import { EXTENSION_ORIGIN, portalSession, sendBody, startHarness, type Harness } from './harness.js';

const FAILURES = 5;

let h: Harness;

beforeAll(async () => {
  h = await startHarness({}, { lockout: { failures: FAILURES, minutes: 10 } });
});
afterAll(() => h.close());

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  json: any;
}

/** A call from the given local address, as the extension makes it. */
function from(localAddress: string, token: string | undefined, method = 'GET', path: string = ROUTES.me, body?: string, headers: Record<string, string> = {}): Promise<Answer> {
  const url = new URL(h.proxy.url);
  const all: Record<string, string> = { origin: EXTENSION_ORIGIN, ...headers };
  if (token !== undefined) all[HEADERS.token] = token;
  if (body !== undefined) all['content-length'] = String(Buffer.byteLength(body));
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: url.hostname, port: url.port, localAddress, method, path, headers: all }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        resolve({ status: res.statusCode ?? 0, headers: res.headers, json: text.startsWith('{') ? JSON.parse(text) : text });
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('wrong tokens', () => {
  it('a missing or wrong token gets a plain message, never a header name', async () => {
    for (const token of [undefined, newToken()]) {
      const answer = await from('127.0.0.9', token);
      expect(answer.status).toBe(401);
      expect(answer.json).toMatchObject({ error: 'unauthenticated', nl: expect.stringContaining('instellingenpagina'), en: expect.stringContaining('settings page') });
      expect(JSON.stringify(answer.json)).not.toMatch(/x-export-guard|header/i);
    }
  });

  it(`after ${FAILURES} wrong tokens from one address, it gets 429 with Retry-After, even with a valid token`, async () => {
    const statuses = [];
    for (let i = 0; i < FAILURES; i += 1) statuses.push((await from('127.0.0.2', newToken())).status);
    expect(statuses).toEqual([401, 401, 401, 401, 429]);
    const locked = await from('127.0.0.2', h.tokens.anna);
    expect(locked.status).toBe(429);
    expect(Number(locked.headers['retry-after'])).toBeGreaterThan(500);
    expect(locked.json).toMatchObject({ error: 'too-many-failures', nl: expect.stringContaining('minuten') });
  });

  it('the lockout does not touch another user at another address', async () => {
    const answer = await from('127.0.0.3', h.tokens.bram);
    expect(answer.status).toBe(200);
    expect(answer.json.user.id).toBe('bram');
  });

  it('a locked-out address learns nothing from a send either: its token is not checked', async () => {
    const session = await portalSession(h);
    const body = sendBody(h.portal.jobSeekers.slice(0, 3).map((p) => p.id), ['unknown-attachment']);
    const send = (address: string) => from(address, h.tokens.anna, 'POST', '/api/messages', body, { cookie: session, 'content-type': 'application/json' });
    expect((await send('127.0.0.2')).json).toMatchObject({ error: 'approval-required', detail: 'unauthenticated' });
    expect((await send('127.0.0.4')).json).toMatchObject({ error: 'approval-required', detail: 'missing' });
  });

  it('wrong tokens with one prefix from many addresses lock that prefix out, not the addresses', async () => {
    const prefix = 'AAAAAAAA';
    const statuses = [];
    for (let i = 0; i < FAILURES; i += 1) statuses.push((await from(`127.0.1.${i + 1}`, prefix + newToken().slice(8))).status);
    expect(statuses).toEqual([401, 401, 401, 401, 429]);
    expect((await from('127.0.1.20', prefix + newToken().slice(8))).status).toBe(429);
    expect((await from('127.0.1.20', h.tokens.carla)).status).toBe(200);
  });

  it('each lockout is audited with its address, and counted in /metrics', async () => {
    const lockouts = (await h.audit()).filter((e) => e.type === 'auth-locked-out').map((e) => e.facts);
    expect(lockouts).toEqual([
      expect.objectContaining({ address: '127.0.0.2', reasonCodes: ['address'] }),
      expect.objectContaining({ address: '127.0.1.5', reasonCodes: ['token-prefix'] }),
    ]);
    expect(JSON.stringify(lockouts)).not.toContain('AAAAAAAA');
    expect(buildReport(await h.audit()).tokenLockouts).toBe(2);
    const metrics = await (await fetch(`${h.proxy.url}${ROUTES.metrics}`)).text();
    expect(metrics).toMatch(/^export_guard_auth_failures_total (1[0-9]|[2-9]\d)$/m);
    expect(metrics).toMatch(/^export_guard_auth_lockouts_total\{scope="address"\} 1$/m);
    expect(metrics).toMatch(/^export_guard_auth_lockouts_total\{scope="token-prefix"\} 1$/m);
  });
});

describe('AuthFailures', () => {
  it('counts a wrong token once, however often it comes (an extension with an old token is no guesser)', () => {
    const failures = new AuthFailures({ failures: 3, minutes: 1 });
    for (let i = 0; i < 50; i += 1) failures.fail('10.0.0.1', 'an-old-token-the-extension-still-sends');
    expect(failures.retryAfterSeconds('10.0.0.1', 'x')).toBe(0);
  });

  it('forgets failures after the window and lifts a lockout when it ends', () => {
    let now = 0;
    const failures = new AuthFailures({ failures: 3, minutes: 1 }, {}, () => now);
    failures.fail('10.0.0.1', 'tokenAAAAAAAA');
    failures.fail('10.0.0.1', 'tokenBBBBBBBB');
    now = 61_000;
    failures.fail('10.0.0.1', 'tokenCCCCCCCC');
    expect(failures.retryAfterSeconds('10.0.0.1', 'x')).toBe(0);
    failures.fail('10.0.0.1', 'tokenDDDDDDDD');
    failures.fail('10.0.0.1', 'tokenEEEEEEEE');
    expect(failures.retryAfterSeconds('10.0.0.1', 'x')).toBe(60);
    now += 60_000;
    expect(failures.retryAfterSeconds('10.0.0.1', 'x')).toBe(0);
  });
});
