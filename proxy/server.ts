// The office proxy: composes the pipeline steps (proxy/pipeline.ts) in front of the protected
// portal, serves /healthz and /metrics, hands its own API prefix to the approval feature, and
// relays WebSockets with every client message scanned (proxy/websocket.ts).
import { createServer as createHttpServer, Agent as HttpAgent, type IncomingMessage, type ServerResponse, type Server } from 'node:http';
import { createServer as createHttpsServer, Agent as HttpsAgent } from 'node:https';
import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { AddressInfo, Socket } from 'node:net';
import HttpProxy from 'http-proxy';
import { API_PREFIX, ROUTES } from '../shared/api.js';
import { DEFAULT_POLICY } from '../shared/policy/defaults.js';
import type { Policy } from '../shared/policy/types.js';
import { loadPolicyFile } from './policy-file.js';
import type { ProxyConfig } from './config.js';
import { createLogger, type Logger } from './log.js';
import { ProxyEvents } from './events.js';
import { Registry } from './ops/metrics.js';
import { answerHealth } from './ops/health.js';
import { buildSteps, runSteps, type PipelineDeps, type RequestContext } from './pipeline.js';
import type { ScanFilesDeps } from './steps/scan-files.js';
import { scheduleSelfTests } from './self-test.js';
import { parseFourEyesConfig } from './approval/config.js';
import { ScanPool } from './scan-pool/pool.js';
import { recordUploadAnswer, type AttachmentLedger } from './attachments.js';
import { BodyBudget } from './body/budget.js';
import { UploadSessions } from './uploads/sessions.js';
import { sendJson } from './respond.js';
import { webSocketRelay } from './websocket.js';
import { startFourEyes } from './approval/index.js';
import { readAuditKeyFile } from './audit/key.js';
import { startCheckpoints, type CheckpointWriter } from './audit/checkpoint-writer.js';
import { startForward, type ForwardOptions, type ForwardProxy } from './forward/server.js';

/** Extra margin over the policy's maxScanMs for starting a parse and posting the verdict back. */
const SCAN_DEADLINE_MARGIN_MS = 2_000;

export interface ProxyOptions {
  /** Answers every request under API_PREFIX; by default the four-eyes approval API. */
  apiHandler?: (req: IncomingMessage, res: ServerResponse, url: URL) => Promise<void>;
  ledger?: AttachmentLedger;
  log?: Logger;
  /** The policy in force; by default read from config.policy, else the built-in one. */
  policy?: Policy;
  /** Forward mode only: how host names are resolved (the system's resolver by default). */
  forward?: ForwardOptions;
}

export interface RunningProxy {
  url: string;
  events: ProxyEvents;
  ledger: AttachmentLedger;
  metrics: Registry;
  policy: Policy;
  /** Stops accepting, lets in-flight requests finish (up to config.shutdownGraceMs), ends the workers. */
  close(): Promise<void>;
}

export async function startProxy(config: ProxyConfig, options: ProxyOptions = {}): Promise<RunningProxy> {
  const log = options.log ?? createLogger(config.logLevel);
  const policy = options.policy ?? (config.policy ? await loadPolicyFile(config.policy) : DEFAULT_POLICY);
  const events = new ProxyEvents();

  const metrics = new Registry();
  const requests = metrics.counter('export_guard_requests_total', 'Requests to the protected site by outcome (forwarded, refused, failed) and status.');
  const blocks = metrics.counter('export_guard_upload_blocks_total', 'Files refused, by reason code.');
  const scanSeconds = metrics.histogram('export_guard_scan_seconds', 'Time to scan one file, by file kind.', [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30]);
  metrics.gauge('export_guard_scan_queue', 'Files waiting for a scan worker.', () => pool.queued);
  metrics.gauge('export_guard_scan_busy', 'Scan workers busy.', () => pool.busy);
  let inFlight = 0;
  metrics.gauge('export_guard_requests_in_flight', 'Requests being handled.', () => inFlight);
  const bodies = new BodyBudget(config.uploads.maxBufferedBytes);
  metrics.gauge('export_guard_buffered_body_bytes', 'Bytes of request bodies held for scanning.', () => bodies.held);
  const auditKey = config.audit.keyFile === undefined ? undefined : readAuditKeyFile(config.audit.keyFile, 'config.audit.keyFile');
  const fourEyesConfig = parseFourEyesConfig(config.features, config.baseDir);
  const fourEyes = await startFourEyes(fourEyesConfig, { policy, ledger: options.ledger, ledgerMaxBytes: config.uploads.ledgerMaxBytes, scan: (bytes) => pool.scan(bytes), events, metrics, log, auditChainKey: auditKey?.chain, office: config.office });
  // In memory, or sealed in a shared store: then a send may go through another proxy than its upload.
  const { ledger } = fourEyes;
  let checkpoints: CheckpointWriter | undefined;
  try {
    // A proxy without the key would append unsealed entries that verify then reports as a break.
    if (!auditKey && (await fourEyes.store.auditHead()).head?.version === 2) throw new Error('config.audit.keyFile: the audit log is sealed with an audit key and this proxy has none: give it the same key file as the others');
    if (auditKey && config.audit.checkpoints) checkpoints = await startCheckpoints(config.audit.checkpoints, auditKey, fourEyes.store, log, metrics);
  } catch (error) {
    await fourEyes.close();
    throw error;
  }
  const apiHandler = options.apiHandler ?? fourEyes.api;
  const tls = config.tls && { cert: await readFile(config.tls.cert), key: await readFile(config.tls.key) };
  // Forward mode (proxy/forward/): the steps forward to the forward proxy's egress, which sends each
  // checked request on to the protected host the browser named.
  let forward: ForwardProxy | undefined;
  if (config.forward) {
    forward = await startForward(config, config.forward, { log, metrics }, options.forward).catch(async (error: unknown) => {
      await checkpoints?.close();
      await fourEyes.close();
      throw error;
    });
    config = { ...config, target: forward.egress, changeOrigin: false };
  }
  // Started last of what can fail, so that a failed start leaves no worker threads behind.
  const pool = new ScanPool({
    size: config.scan.workers,
    policy,
    timeoutMs: config.scan.timeoutMs ?? policy.limits.maxScanMs + SCAN_DEADLINE_MARGIN_MS,
    maxHeapMb: config.scan.maxHeapMb,
    log,
  });

  const agent = config.target.protocol === 'https:' ? new HttpsAgent({ keepAlive: true }) : new HttpAgent({ keepAlive: true });
  const proxy = HttpProxy.createProxyServer({ agent, xfwd: false, changeOrigin: config.changeOrigin });
  const forwarded = new WeakSet<IncomingMessage>();
  const { sessions: sessionLimits } = config.uploads;
  const uploadSessions = new UploadSessions({ ...sessionLimits, idleMs: sessionLimits.idleSeconds * 1000, maxFileBytes: policy.limits.maxFileBytes }, bodies);
  metrics.gauge('export_guard_upload_sessions', 'Chunked uploads held until their whole file is checked.', () => uploadSessions.count);
  metrics.gauge('export_guard_upload_session_bytes', 'Bytes of chunked uploads held, in memory and on disk.', () => uploadSessions.held);

  // The self-test runs these same steps with its own scan records and four-eyes step (proxy/self-test.ts).
  const stepsWith = (parts: Pick<PipelineDeps, 'identify' | 'requireApproval'> & { scan: Pick<ScanFilesDeps, 'events' | 'metrics'> }) => buildSteps({
    identify: parts.identify,
    requireApproval: parts.requireApproval,
    maxBodyBytes: policy.limits.maxFileBytes,
    bodies,
    scan: { scan: (bytes) => pool.scan(bytes), log, ...parts.scan },
    uploadSessions: { sessions: uploadSessions, portal: { target: config.target, agent, changeOrigin: config.changeOrigin } },
    forward: {
      proxy,
      target: config.target,
      log,
      onUpstreamResponse: (ctx, upstream) => {
        forwarded.add(ctx.req);
        // The portal's answer names the uploads, not the texts that were read beside them.
        recordUploadAnswer(upstream, ctx.files.filter((file) => !file.text), config.uploads.attachmentIdField, ctx.user?.id, (entry) => {
          ledger.record(entry).catch((error: unknown) => log.error('ledger-write-failed', { requestId: ctx.requestId, message: String(error) }));
        });
      },
    },
  });
  const steps = stepsWith({ identify: fourEyes.identify, requireApproval: fourEyes.requireApproval, scan: { events, metrics: { scanSeconds, blocks } } });

  let shuttingDown = false;
  const startedAt = Date.now();

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://proxy.invalid');
    if (url.pathname === ROUTES.health) return answerHealth(res, { shuttingDown, scanWorkers: pool.size, scanQueue: pool.queued, startedAt });
    if (url.pathname === ROUTES.metrics) {
      res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' });
      res.end(metrics.render());
      return;
    }
    if (url.pathname === API_PREFIX || url.pathname.startsWith(`${API_PREFIX}/`)) {
      return apiHandler(req, res, url);
    }
    const ctx: RequestContext = { req, res, url, files: [], requestId: randomUUID() };
    const started = performance.now();
    res.on('close', () => {
      // 'refused': the proxy said no (4xx); 'failed': it could not do its job (5xx: portal unreachable, busy, bug).
      const outcome = forwarded.has(req) ? 'forwarded' : res.statusCode >= 500 ? 'failed' : 'refused';
      requests.inc({ outcome, status: String(res.statusCode) });
      log.debug('request', { requestId: ctx.requestId, method: req.method, path: url.pathname, status: res.statusCode, outcome, ms: Math.round(performance.now() - started), user: ctx.user?.id });
    });
    await runSteps(steps, ctx);
  }

  const onRequest = (req: IncomingMessage, res: ServerResponse) => {
    inFlight += 1;
    res.on('close', () => {
      inFlight -= 1;
      // A keep-alive connection that just went idle would otherwise hold the shutdown open.
      if (shuttingDown) setImmediate(() => server.closeIdleConnections());
    });
    if (shuttingDown) res.setHeader('connection', 'close');
    handle(req, res).catch((error: unknown) => {
      // A bug must not let the request through: refuse it.
      log.error('request-failed', { method: req.method, message: error instanceof Error ? error.message : String(error) });
      if (!res.headersSent) sendJson(res, 500, { error: 'internal-error', message: 'the proxy could not handle this request; nothing was forwarded' });
      else res.destroy();
    });
  };

  const server: Server = forward ? forward.server(onRequest) : tls ? createHttpsServer(tls, onRequest) : createHttpServer(onRequest);

  const relayWebSocket = webSocketRelay({ target: config.target, changeOrigin: config.changeOrigin, identify: (req) => fourEyes.identifyHandshake(req), scan: (bytes) => pool.scan(bytes), events, log, maxMessageBytes: policy.limits.maxFileBytes });
  const upgraded = new Set<Socket>();
  server.on('upgrade', (req: IncomingMessage, socket: Socket, head: Buffer) => {
    upgraded.add(socket);
    socket.on('close', () => upgraded.delete(socket));
    relayWebSocket(req, socket, head);
  });

  try {
    server.listen(config.listen.port, config.listen.host);
    await new Promise<void>((resolve, reject) => server.once('listening', resolve).once('error', reject));
  } catch (error) {
    await pool.close();
    await checkpoints?.close();
    await fourEyes.close();
    await forward?.close();
    throw error;
  }
  const { address, port } = server.address() as AddressInfo;
  const url = `${config.tls ? 'https' : 'http'}://${address.includes(':') ? `[${address}]` : address}:${port}`;
  log.info('proxy-started', { url, target: config.target.origin, scanWorkers: pool.size });
  const selfTests = config.selfTest.enabled
    ? scheduleSelfTests(config.selfTest, { build: stepsWith, rule: fourEyesConfig.approval, scan: (bytes) => pool.scan(bytes), metrics, store: fourEyes.store, log })
    : undefined;
  // Waited for, so the proxy is only reported started with the measure shown to work (or the alarm raised).
  await selfTests?.first;

  async function close(): Promise<void> {
    if (shuttingDown) return;
    shuttingDown = true;
    forward?.shutdown(config.shutdownGraceMs);
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeIdleConnections();
    const deadline = setTimeout(() => {
      log.warn('shutdown-deadline', { inFlight });
      server.closeAllConnections();
      for (const socket of upgraded) socket.destroy();
    }, config.shutdownGraceMs);
    for (const socket of upgraded) socket.end();
    await closed;
    clearTimeout(deadline);
    await selfTests?.stop();
    await pool.close();
    await checkpoints?.close();
    await fourEyes.close();
    await uploadSessions.close();
    await forward?.close();
    proxy.close();
    agent.destroy();
    log.info('proxy-stopped', {});
  }

  return { url, events, ledger, metrics, policy, close };
}
