// The config sections of the four-eyes feature (identity, approval, store), validated here and
// called from proxy/config.ts's parse. Every error names the field.
import { resolve } from 'node:path';
import type { RecipientNames } from '../../shared/approval/recipient-names.js';
import { DEFAULT_APPROVAL_RULE, type ApprovalRule, type SendRoute } from '../../shared/approval/rule.js';
import { boolean, ConfigError, knownKeys, object, string, strings } from '../config-fields.js';
import type { IdentityConfig } from '../identity/directory.js';
import { DEFAULT_LOCKOUT, type LockoutConfig } from '../identity/rate-limit.js';

/** Firefox gives an add-on a random origin per profile; this entry admits any Firefox add-on's origin. */
export const ANY_FIREFOX_EXTENSION = 'moz-extension://*';

export interface FourEyesConfig {
  identity: IdentityConfig;
  /** When wrong tokens lock an address or token prefix out (proxy/identity/rate-limit.ts). */
  lockout: LockoutConfig;
  /** Extension origins allowed to call the proxy's API from a browser. */
  extensionOrigins: string[];
  approval: ApprovalRule;
  /** SQLite file; ':memory:' (nothing survives a restart) when the config names none. */
  storePath: string;
  /** PostgreSQL connection URL of a store shared by several proxies (proxy/store/postgres.ts); instead of storePath. */
  postgres?: string;
}

export function parseFourEyesConfig(sections: { identity?: unknown; approval?: unknown; store?: unknown }, baseDir: string): FourEyesConfig {
  const identity = object(sections.identity ?? {}, 'config.identity');
  knownKeys(identity, ['usersFile', 'ssoHeader', 'ssoTrustedSources', 'extensionOrigins', 'lockout'], 'config.identity');
  const lockout = object(identity.lockout ?? {}, 'config.identity.lockout');
  knownKeys(lockout, ['failures', 'minutes'], 'config.identity.lockout');
  const approval = object(sections.approval ?? {}, 'config.approval');
  knownKeys(approval, ['sendRoutes', 'routeMatching', 'methodOverride', 'threshold', 'validMinutes'], 'config.approval');
  const store = object(sections.store ?? {}, 'config.store');
  knownKeys(store, ['sqlite', 'postgres'], 'config.store');
  if (store.sqlite !== undefined && store.postgres !== undefined) throw new ConfigError('config.store: give sqlite (one office) or postgres (shared by several proxies), not both');
  const routeMatching = object(approval.routeMatching ?? {}, 'config.approval.routeMatching');
  knownKeys(routeMatching, ['ignorePathParameters', 'ignoreFormatSuffixes'], 'config.approval.routeMatching');
  const methodOverride = object(approval.methodOverride ?? {}, 'config.approval.methodOverride');
  knownKeys(methodOverride, ['headers', 'fields'], 'config.approval.methodOverride');
  const threshold = object(approval.threshold ?? {}, 'config.approval.threshold');
  knownKeys(threshold, ['minRecipientsWithAttachment', 'maxRecipientsWithoutApproval', 'windowHours'], 'config.approval.threshold');
  const defaults = DEFAULT_APPROVAL_RULE;

  const extensionOrigins = strings(identity.extensionOrigins ?? [], 'config.identity.extensionOrigins');
  const badOrigin = extensionOrigins.find((o) => !/^(chrome-extension|moz-extension):\/\/[A-Za-z0-9-]+$/.test(o) && o !== ANY_FIREFOX_EXTENSION);
  if (badOrigin) throw new ConfigError(`config.identity.extensionOrigins: '${badOrigin}' is not chrome-extension://ID, moz-extension://UUID or ${ANY_FIREFOX_EXTENSION}`);

  return {
    identity: {
      usersFile: identity.usersFile === undefined ? undefined : resolve(baseDir, string(identity.usersFile, 'config.identity.usersFile')),
      ssoHeader: identity.ssoHeader === undefined ? undefined : string(identity.ssoHeader, 'config.identity.ssoHeader').toLowerCase(),
      ssoTrustedSources: strings(identity.ssoTrustedSources ?? [], 'config.identity.ssoTrustedSources'),
    },
    extensionOrigins,
    lockout: {
      failures: count(lockout.failures ?? DEFAULT_LOCKOUT.failures, 'config.identity.lockout.failures'),
      minutes: positive(lockout.minutes ?? DEFAULT_LOCKOUT.minutes, 'config.identity.lockout.minutes', 'minutes'),
    },
    approval: {
      sendRoutes: approval.sendRoutes === undefined ? defaults.sendRoutes : sendRoutes(approval.sendRoutes),
      routeMatching: {
        ignorePathParameters: boolean(routeMatching.ignorePathParameters ?? defaults.routeMatching.ignorePathParameters, 'config.approval.routeMatching.ignorePathParameters'),
        ignoreFormatSuffixes: boolean(routeMatching.ignoreFormatSuffixes ?? defaults.routeMatching.ignoreFormatSuffixes, 'config.approval.routeMatching.ignoreFormatSuffixes'),
      },
      methodOverride: {
        headers: methodOverride.headers === undefined ? defaults.methodOverride.headers : strings(methodOverride.headers, 'config.approval.methodOverride.headers').map((h) => h.toLowerCase()),
        fields: methodOverride.fields === undefined ? defaults.methodOverride.fields : strings(methodOverride.fields, 'config.approval.methodOverride.fields'),
      },
      threshold: {
        minRecipientsWithAttachment: count(threshold.minRecipientsWithAttachment ?? defaults.threshold.minRecipientsWithAttachment, 'config.approval.threshold.minRecipientsWithAttachment'),
        maxRecipientsWithoutApproval: count(threshold.maxRecipientsWithoutApproval ?? defaults.threshold.maxRecipientsWithoutApproval, 'config.approval.threshold.maxRecipientsWithoutApproval'),
        windowHours: positive(threshold.windowHours ?? defaults.threshold.windowHours, 'config.approval.threshold.windowHours', 'hours'),
      },
      validMinutes: positive(approval.validMinutes ?? defaults.validMinutes, 'config.approval.validMinutes', 'minutes'),
    },
    storePath: storePath(store.sqlite, baseDir),
    postgres: store.postgres === undefined ? undefined : postgresUrl(store.postgres),
  };
}

/** SQLite's own name for a database in memory is no file name: resolved, it became a file ':memory:' in the working directory. */
function storePath(value: unknown, baseDir: string): string {
  if (value === undefined || value === ':memory:') return ':memory:';
  return resolve(baseDir, string(value, 'config.store.sqlite'));
}

/** The URL is never echoed: it may hold the database password. */
function postgresUrl(value: unknown): string {
  const url = string(value, 'config.store.postgres');
  if (!/^postgres(ql)?:$/.test(URL.parse(url)?.protocol ?? '')) throw new ConfigError('config.store.postgres: expected a URL postgres://USER:PASSWORD@HOST:PORT/DATABASE');
  return url;
}

function sendRoutes(value: unknown): SendRoute[] {
  if (!Array.isArray(value) || value.length === 0) throw new ConfigError('config.approval.sendRoutes: expected a non-empty list');
  return value.map((raw, i) => {
    const field = `config.approval.sendRoutes[${i}]`;
    const route = object(raw, field);
    knownKeys(route, ['method', 'path', 'recipients', 'attachments', 'subject', 'body', 'recipientNames'], field);
    const optional = (key: 'subject' | 'body') => (route[key] === undefined ? undefined : string(route[key], `${field}.${key}`));
    const path = string(route.path, `${field}.path`);
    if (!path.startsWith('/') || path.includes('?')) throw new ConfigError(`${field}.path: a path starting with '/', without query`);
    return {
      method: string(route.method, `${field}.method`).toUpperCase(),
      path,
      recipients: string(route.recipients, `${field}.recipients`),
      attachments: string(route.attachments, `${field}.attachments`),
      subject: optional('subject'),
      body: optional('body'),
      recipientNames: route.recipientNames === undefined ? undefined : recipientNames(route.recipientNames, `${field}.recipientNames`),
    };
  });
}

function recipientNames(value: unknown, field: string): RecipientNames {
  const names = object(value, field);
  knownKeys(names, ['path', 'list', 'id', 'name'], field);
  const path = string(names.path, `${field}.path`);
  // '//host/...' would be another site: the names must come from the portal itself.
  if (!path.startsWith('/') || path.startsWith('//')) throw new ConfigError(`${field}.path: a path on the portal starting with one '/'`);
  return {
    path,
    list: names.list === undefined ? undefined : string(names.list, `${field}.list`),
    id: string(names.id, `${field}.id`),
    name: string(names.name, `${field}.name`),
  };
}

function count(value: unknown, field: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) throw new ConfigError(`${field}: expected a whole number of at least 1, got ${JSON.stringify(value)}`);
  return value;
}

function positive(value: unknown, field: string, unit: 'minutes' | 'hours'): number {
  if (typeof value !== 'number' || !(value > 0)) throw new ConfigError(`${field}: expected a number of ${unit} above 0, got ${JSON.stringify(value)}`);
  return value;
}
