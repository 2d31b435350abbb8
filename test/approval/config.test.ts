// The four-eyes config sections: defaults, clear errors naming the field, extension origins.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { ANY_FIREFOX_EXTENSION, parseFourEyesConfig } from '../../proxy/approval/config.js';
import { checkOrigin } from '../../proxy/api/cors.js';
import { DEFAULT_LOCKOUT } from '../../proxy/identity/rate-limit.js';
import { DEFAULT_APPROVAL_RULE } from '../../shared/approval/rule.js';

describe('four-eyes config', () => {
  it('defaults to the demo portal rule, no users and an in-memory store', () => {
    expect(parseFourEyesConfig({}, '/etc/eg')).toEqual({
      identity: { usersFile: undefined, ssoHeader: undefined, ssoTrustedSources: [] },
      extensionOrigins: [],
      lockout: DEFAULT_LOCKOUT,
      approval: DEFAULT_APPROVAL_RULE,
      storePath: ':memory:',
    });
  });

  it('resolves paths against the config file and takes a custom rule', () => {
    const config = parseFourEyesConfig(
      {
        identity: { usersFile: 'users.json', ssoHeader: 'X-Remote-User', ssoTrustedSources: ['10.0.0.5'] },
        approval: { sendRoutes: [{ method: 'post', path: '/werkmap/groepsbericht', recipients: 'bericht.ontvangers', attachments: 'bericht.bijlagen' }], threshold: { maxRecipientsWithoutApproval: 50 }, validMinutes: 15, routeMatching: { ignoreFormatSuffixes: false } },
        store: { sqlite: 'state/eg.db' },
      },
      '/etc/eg',
    );
    expect(config.identity).toEqual({ usersFile: '/etc/eg/users.json', ssoHeader: 'x-remote-user', ssoTrustedSources: ['10.0.0.5'] });
    expect(config.approval.sendRoutes[0]).toMatchObject({ method: 'POST', path: '/werkmap/groepsbericht', recipients: 'bericht.ontvangers' });
    expect(config.approval.threshold).toEqual({ minRecipientsWithAttachment: 2, maxRecipientsWithoutApproval: 50, windowHours: 24 });
    expect(config.approval.routeMatching).toEqual({ ignorePathParameters: true, ignoreFormatSuffixes: false });
    expect(config.storePath).toBe('/etc/eg/state/eg.db');
    // SQLite's name for a database in memory, not a file to create in the working directory.
    expect(parseFourEyesConfig({ store: { sqlite: ':memory:' } }, '/etc/eg').storePath).toBe(':memory:');
  });

  it('names the field of every mistake', () => {
    expect(() => parseFourEyesConfig({ approval: { treshold: {} } }, '/')).toThrow('config.approval.treshold: unknown field');
    expect(() => parseFourEyesConfig({ approval: { sendRoutes: [{ method: 'POST', path: 'api/messages', recipients: 'r', attachments: 'a' }] } }, '/')).toThrow('config.approval.sendRoutes[0].path');
    expect(() => parseFourEyesConfig({ approval: { threshold: { minRecipientsWithAttachment: 0 } } }, '/')).toThrow('config.approval.threshold.minRecipientsWithAttachment');
    expect(() => parseFourEyesConfig({ approval: { threshold: { windowHours: 0 } } }, '/')).toThrow('config.approval.threshold.windowHours: expected a number of hours above 0');
    expect(() => parseFourEyesConfig({ identity: { lockout: { failures: 0 } } }, '/')).toThrow('config.identity.lockout.failures');
    expect(() => parseFourEyesConfig({ identity: { lockout: { after: 3 } } }, '/')).toThrow('config.identity.lockout.after: unknown field');
    expect(() => parseFourEyesConfig({ approval: { validMinutes: -1 } }, '/')).toThrow('config.approval.validMinutes');
    expect(() => parseFourEyesConfig({ approval: { routeMatching: { ignoreFormatSuffixes: 'no' } } }, '/')).toThrow('config.approval.routeMatching.ignoreFormatSuffixes');
    expect(() => parseFourEyesConfig({ identity: { extensionOrigins: ['https://intranet.example'] } }, '/')).toThrow("'https://intranet.example' is not chrome-extension://ID");
  });
});

describe('extension origins', () => {
  async function originCheck(allowed: string[], headers: Record<string, string>): Promise<string> {
    const server = createServer((req, res) => res.end(checkOrigin(req, allowed)));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      return await (await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`, { headers })).text();
    } finally {
      server.close();
    }
  }

  it('admits any Firefox add-on origin only when configured to, and never a web origin', async () => {
    const firefox = { origin: 'moz-extension://0f3c2b1a-1111-4222-8333-444455556666' };
    expect(await originCheck(['chrome-extension://abcdefghijklmnopabcdefghijklmnop'], firefox)).toBe('refused');
    expect(await originCheck([ANY_FIREFOX_EXTENSION], firefox)).toBe('allowed');
    expect(await originCheck([ANY_FIREFOX_EXTENSION], { origin: 'https://evil.example' })).toBe('refused');
    expect(await originCheck([ANY_FIREFOX_EXTENSION], {})).toBe('no-browser-origin');
  });
});
