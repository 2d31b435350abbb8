// The config's audit section: paths resolve against the config file, every error names the field.
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../proxy/config.js';

const parse = (audit: unknown) => parseConfig({ target: 'http://portal', audit }, '/etc/export-guard').audit;

describe('config.audit', () => {
  it('is empty by default: an unsealed chain, no checkpoints', () => {
    expect(parseConfig({ target: 'http://portal' }, '/tmp').audit).toEqual({ keyFile: undefined, checkpoints: undefined, processingActivityId: undefined });
  });

  it('resolves the key file and checkpoint directory, with a 15 minute interval by default', () => {
    expect(parse({ keyFile: 'audit-key.pem', checkpoints: { dir: '/var/lib/export-guard/checkpoints', syslog: 'udp://logs.example:6514' }, processingActivityId: 'https://register.example/a/1' })).toEqual({
      keyFile: '/etc/export-guard/audit-key.pem',
      checkpoints: { dir: '/var/lib/export-guard/checkpoints', intervalMinutes: 15, syslog: { host: 'logs.example', port: 6514 } },
      processingActivityId: 'https://register.example/a/1',
    });
    expect(parse({ keyFile: 'k.pem', checkpoints: { dir: 'c', syslog: 'udp://[::1]' } }).checkpoints?.syslog).toEqual({ host: '::1', port: 514 });
  });

  const invalid: [string, unknown, string | RegExp][] = [
    ['a typo', { keyfile: 'k.pem' }, /^config\.audit\.keyfile: unknown field/],
    ['checkpoints without a key to sign them', { checkpoints: { dir: 'c' } }, 'config.audit.checkpoints: needs config.audit.keyFile, the key that signs them'],
    ['no directory', { keyFile: 'k.pem', checkpoints: {} }, /^config\.audit\.checkpoints\.dir: expected a non-empty string/],
    ['an interval of zero', { keyFile: 'k.pem', checkpoints: { dir: 'c', intervalMinutes: 0 } }, /^config\.audit\.checkpoints\.intervalMinutes: expected an integer from 1 to 1440/],
    ['syslog over tcp', { keyFile: 'k.pem', checkpoints: { dir: 'c', syslog: 'tcp://logs:514' } }, "config.audit.checkpoints.syslog: expected udp://HOST[:PORT], got 'tcp://logs:514'"],
    ['an activity that is no URI', { processingActivityId: 're-integratie' }, "config.audit.processingActivityId: expected a URI, got 're-integratie'"],
  ];
  for (const [name, audit, message] of invalid) {
    it(`names the field: ${name}`, () => {
      expect(() => parse(audit)).toThrow(message);
    });
  }
});
