// Writes the signed checkpoints (proxy/audit/checkpoint.ts) where the database's holder cannot
// quietly reach them: appended to a file in the configured directory, into the proxy's own log
// (journald under systemd), and optionally to a syslog server.
import { createSocket, type Socket } from 'node:dgram';
import { mkdir, open } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import type { Logger } from '../log.js';
import type { Registry } from '../ops/metrics.js';
import type { Store } from '../store/types.js';
import { CHECKPOINT_FILE, signCheckpoint, type Checkpoint } from './checkpoint.js';
import type { AuditConfig } from './config.js';
import type { AuditKey } from './key.js';

export interface CheckpointWriter {
  /** Writes the shutdown checkpoint and stops; call before the store closes. */
  close(): Promise<void>;
}

/** Writes the start checkpoint (a failure there stops the proxy from starting), then one per interval when the head moved. */
export async function startCheckpoints(
  config: NonNullable<AuditConfig['checkpoints']>,
  key: AuditKey,
  store: Pick<Store, 'auditHead'>,
  log: Logger,
  metrics: Registry,
): Promise<CheckpointWriter> {
  // A checkpoint that failed is evidence missing: IT alerts on the failed count.
  const outcomes = metrics.counter('export_guard_audit_checkpoints_total', 'Signed checkpoints of the audit log, by outcome (written, failed).');
  try {
    await mkdir(config.dir, { recursive: true, mode: 0o750 });
  } catch (error) {
    throw new Error(`config.audit.checkpoints.dir: cannot create '${config.dir}': ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
  const syslog = config.syslog && createSocket(config.syslog.host.includes(':') ? 'udp6' : 'udp4');
  syslog?.unref();
  let written: Checkpoint | undefined;

  async function write(reason: Checkpoint['reason']): Promise<void> {
    const head = await store.auditHead();
    // An unchanged head proves nothing new; the start and shutdown checkpoints are written anyway.
    if (reason === 'interval' && written?.count === head.count && written.seq === (head.head?.seq ?? 0)) return;
    const checkpoint = signCheckpoint(head, reason, key, new Date());
    const file = await open(join(config.dir, CHECKPOINT_FILE), 'a', 0o640);
    try {
      await file.write(`${JSON.stringify(checkpoint)}\n`);
      await file.sync();
    } finally {
      await file.close();
    }
    written = checkpoint;
    outcomes.inc({ outcome: 'written' });
    log.info('audit-checkpoint', { ...checkpoint });
    if (syslog && config.syslog) await sendSyslog(syslog, config.syslog, checkpoint, log);
  }

  try {
    await write('start');
  } catch (error) {
    syslog?.close();
    throw new Error(`config.audit.checkpoints.dir: cannot write a checkpoint to '${config.dir}': ${(error as Error).message}`);
  }
  // One write at a time, so an interval checkpoint never interleaves with the shutdown one.
  let queue = Promise.resolve();
  const enqueue = (reason: Checkpoint['reason']) =>
    (queue = queue
      .then(() => write(reason))
      .catch((error: unknown) => {
        outcomes.inc({ outcome: 'failed' });
        log.error('audit-checkpoint-failed', { reason, message: String(error) });
      }));
  const timer = setInterval(() => void enqueue('interval'), config.intervalMinutes * 60_000);
  timer.unref();
  return {
    close: async () => {
      clearInterval(timer);
      await enqueue('shutdown');
      syslog?.close();
    },
  };
}

/** RFC 5424: facility 13 (log audit), severity 5 (notice); the message is the checkpoint's JSON. */
export function syslogMessage(checkpoint: Checkpoint, host = hostname()): string {
  return `<109>1 ${checkpoint.at} ${host || '-'} export-guard ${process.pid} audit-checkpoint - ${JSON.stringify(checkpoint)}`;
}

/** Resolves once the datagram is handed off (the shutdown one before the socket closes); a failure is logged, the file copy stands. */
function sendSyslog(socket: Socket, to: { host: string; port: number }, checkpoint: Checkpoint, log: Logger): Promise<void> {
  return new Promise((resolve) =>
    socket.send(syslogMessage(checkpoint), to.port, to.host, (error) => {
      if (error) log.error('audit-checkpoint-syslog-failed', { host: to.host, port: to.port, message: error.message });
      resolve();
    }),
  );
}
