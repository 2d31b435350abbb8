// The config's `audit` section: the audit key, where checkpoints go, and the processing activity
// the Logboek export names. Every error names the field.
import { resolve } from 'node:path';
import { ConfigError, integer, knownKeys, object, string } from '../config-fields.js';

export interface AuditConfig {
  /** Ed25519 key file (proxy/audit/key.ts); without it the chain is plain SHA-256 and no checkpoints are written. */
  keyFile?: string;
  checkpoints?: {
    dir: string;
    intervalMinutes: number;
    /** A syslog server that receives every checkpoint too (RFC 5424 over UDP). */
    syslog?: { host: string; port: number };
  };
  /** URI of the processing activity in the register of processing activities (Logboek export). */
  processingActivityId?: string;
}

export function parseAuditConfig(value: unknown, baseDir: string): AuditConfig {
  const audit = object(value ?? {}, 'config.audit');
  knownKeys(audit, ['keyFile', 'checkpoints', 'processingActivityId'], 'config.audit');
  const keyFile = audit.keyFile === undefined ? undefined : resolve(baseDir, string(audit.keyFile, 'config.audit.keyFile'));
  let checkpoints: AuditConfig['checkpoints'];
  if (audit.checkpoints !== undefined) {
    const section = object(audit.checkpoints, 'config.audit.checkpoints');
    knownKeys(section, ['dir', 'intervalMinutes', 'syslog'], 'config.audit.checkpoints');
    if (!keyFile) throw new ConfigError('config.audit.checkpoints: needs config.audit.keyFile, the key that signs them');
    checkpoints = {
      dir: resolve(baseDir, string(section.dir, 'config.audit.checkpoints.dir')),
      intervalMinutes: integer(section.intervalMinutes ?? 15, 'config.audit.checkpoints.intervalMinutes', 1, 24 * 60),
      syslog: section.syslog === undefined ? undefined : syslogAddress(string(section.syslog, 'config.audit.checkpoints.syslog')),
    };
  }
  let processingActivityId: string | undefined;
  if (audit.processingActivityId !== undefined) {
    processingActivityId = string(audit.processingActivityId, 'config.audit.processingActivityId');
    if (!URL.canParse(processingActivityId)) throw new ConfigError(`config.audit.processingActivityId: expected a URI, got '${processingActivityId}'`);
  }
  return { keyFile, checkpoints, processingActivityId };
}

function syslogAddress(text: string): { host: string; port: number } {
  const match = /^udp:\/\/(\[[^\]]+\]|[^:/]+)(?::(\d+))?$/.exec(text);
  if (!match) throw new ConfigError(`config.audit.checkpoints.syslog: expected udp://HOST[:PORT], got '${text}'`);
  return { host: match[1]!.replace(/^\[(.*)\]$/, '$1'), port: integer(Number(match[2] ?? 514), 'config.audit.checkpoints.syslog port', 1, 65_535) };
}
