// The proxy's configuration: a JSON file (deploy/export-guard.config.json documents every field)
// plus flags for the common cases. Every error names the field, so IT can fix a config without
// reading code. Paths in the file are relative to the file.
import { accessSync, constants } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { availableParallelism, tmpdir } from 'node:os';
import { parseArgs } from 'node:util';
import { boolean, ConfigError, failingAs, integer, knownKeys, object, oneOf, string } from './config-fields.js';
import { parseAuditConfig, type AuditConfig } from './audit/config.js';
import { parseOffice } from './audit/office.js';
import { parseSelfTestConfig, type SelfTestConfig } from './self-test.js';
import { parseForwardConfig, type ForwardConfig } from './forward/config.js';
import type { LogLevel } from './log.js';

export { ConfigError };

/** Sections owned and validated by the four-eyes approval feature; the core passes them on as is. */
export const FEATURE_SECTIONS = ['identity', 'approval', 'store'] as const;
export type FeatureSection = (typeof FEATURE_SECTIONS)[number];

export interface ProxyConfig {
  listen: { host: string; port: number };
  /** 'reverse': in front of `target`; 'forward': the browsers' HTTP proxy, checking `forward.protectedHosts` (proxy/forward/). */
  mode: 'reverse' | 'forward';
  /** The forward proxy's hosts and office CA; set in forward mode only. */
  forward?: ForwardConfig;
  /** The protected portal, e.g. 'https://werkportaal.example'; in forward mode the proxy's own egress, set at start. */
  target: URL;
  /**
   * Send the target's host name as Host instead of the one the browser used: needed when the
   * browsers reach the proxy under another name than the portal's own.
   */
  changeOrigin: boolean;
  /** Policy JSON file; the built-in policy when absent. */
  policy?: string;
  tls?: { cert: string; key: string };
  scan: {
    workers: number;
    /** Hard limit per file; by default the policy's maxScanMs plus a margin for the worker itself. */
    timeoutMs?: number;
    /** Heap cap per scan worker: a file that needs more is refused instead of exhausting the host. */
    maxHeapMb: number;
  };
  uploads: {
    /** Field of the upstream's JSON answer to an upload that holds the attachment id. */
    attachmentIdField: string;
    /** Bytes of forwarded attachments kept for re-scanning at send time; oldest dropped first. */
    ledgerMaxBytes: number;
    /** Bytes of request bodies held at once while they are checked; beyond it uploads get 503. */
    maxBufferedBytes: number;
    /** Chunked and resumable uploads held until their whole file is checked (proxy/uploads/sessions.ts). */
    sessions: { maxBytes: number; memoryBytes: number; idleSeconds: number; dir: string };
  };
  /** How long a shutdown waits for in-flight requests before cutting them off. */
  shutdownGraceMs: number;
  logLevel: LogLevel;
  /** The audit key and checkpoints (proxy/audit/config.ts). */
  audit: AuditConfig;
  /** The self-test on start and at an interval (proxy/self-test.ts). */
  selfTest: SelfTestConfig;
  /** The office this proxy serves, stamped on its audit entries, so a store shared by offices tells them apart (proxy/audit/office.ts). */
  office?: string;
  features: Partial<Record<FeatureSection, unknown>>;
  /** Directory that relative paths in feature sections resolve against. */
  baseDir: string;
}


const LOG_LEVELS: LogLevel[] = ['debug', 'info', 'warn', 'error'];
const TOP_LEVEL = ['mode', 'forward', 'listen', 'target', 'changeOrigin', 'policy', 'tls', 'scan', 'uploads', 'shutdownGraceMs', 'logLevel', 'audit', 'selfTest', 'office', ...FEATURE_SECTIONS];

export const USAGE = `usage: export-guard proxy [--config FILE] [--mode reverse|forward] [--target URL] [--listen HOST:PORT]

  --config FILE       JSON config (see deploy/export-guard.config.json)
  --mode MODE         reverse (in front of the portal, the default) or forward (the browsers' proxy,
                      with "forward" in the config; see docs/deploy.md) (overrides "mode")
  --target URL        the portal to protect (overrides "target")
  --listen HOST:PORT  where to listen (overrides "listen"; default 127.0.0.1:8080)
  --policy FILE       policy JSON file (overrides "policy")`;

/** Reads flags and the config file they name; flags win over the file. */
export async function loadConfig(argv: readonly string[]): Promise<ProxyConfig> {
  const flags = parseFlags(argv);
  let raw: Record<string, unknown> = {};
  let baseDir = process.cwd();
  if (flags.config) {
    raw = await readJson(flags.config);
    baseDir = dirname(resolve(flags.config));
  }
  if (flags.mode !== undefined) raw.mode = flags.mode;
  if (flags.target !== undefined) raw.target = flags.target;
  if (flags.listen !== undefined) raw.listen = flags.listen;
  if (flags.policy !== undefined) raw.policy = resolve(flags.policy);
  const config = parseConfig(raw, baseDir);
  checkReadable(config);
  return config;
}

/** A file the config names but the proxy cannot read is a config error that names the field, at start. */
function checkReadable(config: ProxyConfig): void {
  const files: [string, string | undefined][] = [
    ['config.policy', config.policy],
    ['config.tls.cert', config.tls?.cert],
    ['config.tls.key', config.tls?.key],
    ['config.forward.ca.cert', config.forward?.ca.cert],
    ['config.forward.ca.key', config.forward?.ca.key],
    ['config.forward.upstreamCa', config.forward?.upstreamCa],
  ];
  for (const [field, file] of files) {
    if (file === undefined) continue;
    try {
      accessSync(file, constants.R_OK);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      throw new ConfigError(`${field}: cannot read '${file}' (${code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'no permission' : code})`);
    }
  }
}

/** The flags, read as the other commands read theirs (node:util parseArgs, so --listen=HOST:PORT works too). */
function parseFlags(argv: readonly string[]): Partial<Record<'config' | 'mode' | 'target' | 'listen' | 'policy', string>> {
  try {
    return parseArgs({
      args: [...argv],
      options: { config: { type: 'string' }, mode: { type: 'string' }, target: { type: 'string' }, listen: { type: 'string' }, policy: { type: 'string' } },
    }).values;
  } catch (error) {
    throw new ConfigError(`${(error as Error).message}\n\n${USAGE}`);
  }
}

async function readJson(path: string): Promise<Record<string, unknown>> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new ConfigError(`cannot read config file '${path}': ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
  try {
    const value: unknown = JSON.parse(text);
    return object(value, 'config');
  } catch (error) {
    throw new ConfigError(`config file '${path}': ${(error as Error).message}`);
  }
}

/** Validates a parsed config object; relative paths resolve against baseDir. */
export function parseConfig(raw: Record<string, unknown>, baseDir: string): ProxyConfig {
  return failingAs((message) => new ConfigError(message), () => configFields(raw, baseDir));
}

function configFields(raw: Record<string, unknown>, baseDir: string): ProxyConfig {
  knownKeys(raw, TOP_LEVEL, 'config');
  const path = (value: unknown, field: string) => resolve(baseDir, string(value, field));

  const mode = oneOf(raw.mode ?? 'reverse', 'config.mode', ['reverse', 'forward'] as const);
  // A forward proxy's targets are the hosts the browsers ask for; a reverse proxy has no use for them.
  if (mode === 'forward' && raw.target !== undefined) throw new ConfigError('config.target: not used in forward mode (list the portal\'s host in forward.protectedHosts)');
  if (mode === 'reverse' && raw.forward !== undefined) throw new ConfigError('config.forward: only used in forward mode ("mode": "forward" or --mode forward)');
  const forward = mode === 'forward' ? parseForwardConfig(raw.forward, baseDir) : undefined;
  if (raw.target === undefined && mode === 'reverse') throw new ConfigError('config.target: required (the URL of the portal to protect), or pass --target URL');
  let target: URL;
  try {
    target = new URL(mode === 'forward' ? 'http://forward-egress.invalid/' : string(raw.target, 'config.target'));
  } catch {
    throw new ConfigError(`config.target: not a URL: '${String(raw.target)}'`);
  }
  if (target.protocol !== 'http:' && target.protocol !== 'https:') throw new ConfigError(`config.target: must be http or https, got '${target.protocol}'`);

  const scan = object(raw.scan ?? {}, 'config.scan');
  knownKeys(scan, ['workers', 'timeoutMs', 'maxHeapMb'], 'config.scan');
  const uploads = object(raw.uploads ?? {}, 'config.uploads');
  knownKeys(uploads, ['attachmentIdField', 'ledgerMaxBytes', 'maxBufferedBytes', 'sessions'], 'config.uploads');
  const sessions = object(uploads.sessions ?? {}, 'config.uploads.sessions');
  knownKeys(sessions, ['maxBytes', 'memoryBytes', 'idleSeconds', 'dir'], 'config.uploads.sessions');

  let tls: ProxyConfig['tls'];
  if (raw.tls !== undefined) {
    const section = object(raw.tls, 'config.tls');
    knownKeys(section, ['cert', 'key'], 'config.tls');
    tls = { cert: path(section.cert, 'config.tls.cert'), key: path(section.key, 'config.tls.key') };
  }

  const logLevel = string(raw.logLevel ?? 'info', 'config.logLevel') as LogLevel;
  if (!LOG_LEVELS.includes(logLevel)) throw new ConfigError(`config.logLevel: one of ${LOG_LEVELS.join(', ')}, got '${logLevel}'`);

  const features: ProxyConfig['features'] = {};
  for (const section of FEATURE_SECTIONS) if (raw[section] !== undefined) features[section] = raw[section];

  return {
    listen: listen(raw.listen ?? '127.0.0.1:8080'),
    mode,
    forward,
    target,
    changeOrigin: boolean(raw.changeOrigin ?? false, 'config.changeOrigin'),
    policy: raw.policy === undefined ? undefined : path(raw.policy, 'config.policy'),
    tls,
    scan: {
      // One core stays free for the event loop that passes all other traffic through.
      workers: integer(scan.workers ?? Math.max(1, availableParallelism() - 1), 'config.scan.workers', 1, 64),
      timeoutMs: scan.timeoutMs === undefined ? undefined : integer(scan.timeoutMs, 'config.scan.timeoutMs', 1, 600_000),
      maxHeapMb: integer(scan.maxHeapMb ?? 1024, 'config.scan.maxHeapMb', 8, 65_536),
    },
    uploads: {
      attachmentIdField: string(uploads.attachmentIdField ?? 'id', 'config.uploads.attachmentIdField'),
      ledgerMaxBytes: integer(uploads.ledgerMaxBytes ?? 256 * 1024 * 1024, 'config.uploads.ledgerMaxBytes', 0, Number.MAX_SAFE_INTEGER),
      maxBufferedBytes: integer(uploads.maxBufferedBytes ?? 1024 * 1024 * 1024, 'config.uploads.maxBufferedBytes', 1, Number.MAX_SAFE_INTEGER),
      sessions: {
        maxBytes: integer(sessions.maxBytes ?? 4 * 1024 * 1024 * 1024, 'config.uploads.sessions.maxBytes', 1, Number.MAX_SAFE_INTEGER),
        memoryBytes: integer(sessions.memoryBytes ?? 4 * 1024 * 1024, 'config.uploads.sessions.memoryBytes', 0, Number.MAX_SAFE_INTEGER),
        idleSeconds: integer(sessions.idleSeconds ?? 3600, 'config.uploads.sessions.idleSeconds', 1, 7 * 24 * 3600),
        dir: sessions.dir === undefined ? tmpdir() : path(sessions.dir, 'config.uploads.sessions.dir'),
      },
    },
    shutdownGraceMs: integer(raw.shutdownGraceMs ?? 10_000, 'config.shutdownGraceMs', 0, 600_000),
    logLevel,
    audit: parseAuditConfig(raw.audit, baseDir),
    selfTest: parseSelfTestConfig(raw.selfTest),
    office: parseOffice(raw.office, 'config.office'),
    features,
    baseDir,
  };
}

function listen(value: unknown): ProxyConfig['listen'] {
  const text = string(value, 'config.listen');
  const match = /^(.+):(\d+)$/.exec(text);
  if (!match) throw new ConfigError(`config.listen: expected HOST:PORT, got '${text}'`);
  return { host: match[1]!.replace(/^\[(.*)\]$/, '$1'), port: integer(Number(match[2]), 'config.listen port', 0, 65_535) };
}
