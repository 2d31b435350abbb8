// The forward proxy's section of the config (`"mode": "forward"`), validated the one way the
// proxy validates its config (proxy/config-fields.ts): every error names the field.
import { isIP } from 'node:net';
import { resolve } from 'node:path';
import { FieldError, knownKeys, object, string, strings } from '../config-fields.js';

export interface ForwardConfig {
  /** Host names (or IP literals) whose HTTPS is intercepted and checked; lower case, no trailing dot. */
  protectedHosts: string[];
  /** The office CA that signs the leaf certificates: PEM files. */
  ca: { cert: string; key: string };
  /** Extra CA certificates (PEM) trusted for the protected hosts' own certificates, beside the well-known ones. */
  upstreamCa?: string;
}

/** A host as a browser names it in CONNECT or a URL: lower case, without brackets or a trailing dot. */
export function hostKey(host: string): string {
  return host.toLowerCase().replace(/^\[(.*)\]$/, '$1').replace(/\.$/, '');
}

export function parseForwardConfig(value: unknown, baseDir: string): ForwardConfig {
  if (value === undefined) throw new FieldError('config.forward: required in forward mode (protectedHosts and ca)');
  const raw = object(value, 'config.forward');
  knownKeys(raw, ['protectedHosts', 'ca', 'upstreamCa'], 'config.forward');
  const hosts = strings(raw.protectedHosts, 'config.forward.protectedHosts').map((host, i) => {
    const key = hostKey(host);
    if (isIP(key) === 0 && !/^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/.test(key)) {
      throw new FieldError(`config.forward.protectedHosts[${i}]: expected a host name or IP address (no scheme, port or wildcard), got '${host}'`);
    }
    return key;
  });
  if (hosts.length === 0) throw new FieldError('config.forward.protectedHosts: name at least one host (the portal)');
  const ca = object(raw.ca, 'config.forward.ca');
  knownKeys(ca, ['cert', 'key'], 'config.forward.ca');
  const path = (v: unknown, field: string) => resolve(baseDir, string(v, field));
  return {
    protectedHosts: [...new Set(hosts)],
    ca: { cert: path(ca.cert, 'config.forward.ca.cert'), key: path(ca.key, 'config.forward.ca.key') },
    upstreamCa: raw.upstreamCa === undefined ? undefined : path(raw.upstreamCa, 'config.forward.upstreamCa'),
  };
}
