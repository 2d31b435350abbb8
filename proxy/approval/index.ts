// The four-eyes feature as the proxy sees it: two pipeline steps, the API handler and the
// metrics, built from the config's identity, approval and store sections.
import type { IncomingMessage } from 'node:http';
import type { UserInfo } from '../../shared/api.js';
import type { Verdict } from '../../shared/detector/types.js';
import type { Policy } from '../../shared/policy/types.js';
import { MemoryAttachmentLedger, SharedAttachmentLedger, type AttachmentLedger } from '../attachments.js';
import { createApiHandler, type ApiHandler } from '../api/index.js';
import { auditGrantedExceptions } from '../audit/record-exceptions.js';
import { auditUploads } from '../audit/record-uploads.js';
import { stampingOffice } from '../audit/office.js';
import type { ProxyEvents } from '../events.js';
import { UserDirectory } from '../identity/directory.js';
import { watchedAuthFailures } from '../identity/rate-limit.js';
import { missingUsersFileWarning } from '../identity/users-file.js';
import type { Logger } from '../log.js';
import type { Registry } from '../ops/metrics.js';
import type { Step } from '../pipeline.js';
import { identifyStep } from '../steps/identify.js';
import { requireApprovalStep } from '../steps/require-approval.js';
import { PostgresStore } from '../store/postgres.js';
import { SqliteStore } from '../store/sqlite.js';
import type { Store } from '../store/types.js';
import { Approvals } from './approvals.js';
import { attachmentChecker } from './attachment-check.js';
import { BulkSends } from './bulk-sends.js';
import type { FourEyesConfig } from './config.js';

/** Expiries are also swept on every approval call; this catches the quiet hours. */
const EXPIRY_SWEEP_MS = 60_000;

export interface FourEyesDeps {
  policy: Policy;
  /** By default in this process's memory, or sealed in a PostgreSQL store to share it (SharedAttachmentLedger); either within ledgerMaxBytes. */
  ledger?: AttachmentLedger;
  ledgerMaxBytes: number;
  scan: (bytes: Uint8Array) => Promise<Verdict>;
  events: ProxyEvents;
  metrics: Registry;
  log: Logger;
  /** A store made by the caller; by default the config's PostgreSQL database or SQLite file. */
  store?: Store;
  /** HMAC key that seals the audit entries the default store writes (proxy/audit/key.ts). */
  auditChainKey?: Buffer;
  /** The office whose proxy this is (config.office), put on every audit entry it writes. */
  office?: string;
}

export interface FourEyes {
  identify: Step;
  /** The identify step for a WebSocket handshake, which has no response to carry a context. */
  identifyHandshake(req: IncomingMessage): UserInfo | undefined;
  requireApproval: Step;
  api: ApiHandler;
  store: Store;
  ledger: AttachmentLedger;
  close(): Promise<void>;
}

export async function startFourEyes(config: FourEyesConfig, deps: FourEyesDeps): Promise<FourEyes> {
  // Every audit entry this proxy writes names its office (config.office), whichever store holds it.
  const store = stampingOffice(deps.store ?? (config.postgres ? await PostgresStore.open(config.postgres, deps.auditChainKey) : new SqliteStore(config.storePath, deps.auditChainKey)), deps.office);
  if (config.storePath === ':memory:' && !config.postgres && !deps.store) deps.log.warn('approval-store-in-memory', { message: 'no store.sqlite configured: approvals and the audit log end with the process' });
  const ledger = deps.ledger ?? attachmentLedger(config, store, deps);
  const directory = new UserDirectory(config.identity, watchedAuthFailures(config.lockout, { metrics: deps.metrics, store, log: deps.log }));
  const { usersFile } = config.identity;
  const noUsersFile = usersFile && missingUsersFileWarning(usersFile);
  if (noUsersFile) deps.log.warn('users-file-missing', { field: 'config.identity.usersFile', path: usersFile, message: noUsersFile });

  let pending = (await store.countByState()).pending;
  deps.metrics.gauge('export_guard_approvals_pending', 'Approval requests waiting for a decision.', () => pending);
  const changes = deps.metrics.counter('export_guard_approval_changes_total', 'Approval requests, decisions, expiries and uses, by kind.');

  const approvals = new Approvals({
    store,
    rule: config.approval,
    checkAttachment: attachmentChecker(ledger, deps.scan),
    approversOf: (team) => directory.approversOf(team),
    onChange: (change) => {
      changes.inc({ change });
      store.countByState().then(
        (counts) => (pending = counts.pending),
        (error: unknown) => deps.log.error('approval-count-failed', { message: String(error) }),
      );
    },
  });
  auditUploads(deps.events, store, deps.log);
  for (const { sha256, allowedBy, expiresAt } of await auditGrantedExceptions(deps.policy, store)) {
    deps.log.info('exception-granted', { sha256, allowedBy, expiresAt });
  }
  const bulkSends = new BulkSends({ store, threshold: config.approval.threshold, attachmentSha256: async (id) => (await ledger.get(id))?.sha256 });
  const sweep = setInterval(() => approvals.expireDue().catch((error: unknown) => deps.log.error('approval-expiry-failed', { message: String(error) })), EXPIRY_SWEEP_MS);
  sweep.unref();

  return {
    identify: identifyStep(directory),
    identifyHandshake: (req) => directory.identify(req),
    requireApproval: requireApprovalStep({
      approvals,
      rule: config.approval,
      store,
      bulkSends,
      approversOf: (team) => directory.approversOf(team),
    }),
    api: createApiHandler({ directory, approvals, bulkSends, store, ledger, policy: deps.policy, rule: config.approval, allowedOrigins: config.extensionOrigins }),
    store,
    ledger,
    close: async () => {
      clearInterval(sweep);
      await store.close();
    },
  };
}

/**
 * Shared only where several proxies share the store (PostgreSQL) and hold the audit key to seal it
 * with; otherwise the attachments stay in this proxy's memory, as the embedded store always had them.
 */
function attachmentLedger(config: FourEyesConfig, store: Store, deps: FourEyesDeps): AttachmentLedger {
  if (config.postgres && deps.auditChainKey) return new SharedAttachmentLedger(store, deps.ledgerMaxBytes, deps.auditChainKey);
  if (config.postgres) {
    deps.log.warn('attachment-ledger-not-shared', {
      field: 'config.audit.keyFile',
      message: 'without the audit key the attachments are not shared through store.postgres: a send through another proxy than the upload finds its attachments unknown',
    });
  }
  return new MemoryAttachmentLedger(deps.ledgerMaxBytes);
}
