// /healthz for load balancers and systemd watchdogs: 200 while serving, 503 once shutting down so
// that traffic moves elsewhere before the listener closes.
import type { ServerResponse } from 'node:http';
import { sendJson } from '../respond.js';

export interface HealthState {
  shuttingDown: boolean;
  scanWorkers: number;
  scanQueue: number;
  startedAt: number;
}

export function answerHealth(res: ServerResponse, state: HealthState): void {
  sendJson(res, state.shuttingDown ? 503 : 200, {
    status: state.shuttingDown ? 'shutting-down' : 'ok',
    scanWorkers: state.scanWorkers,
    scanQueue: state.scanQueue,
    uptimeSeconds: Math.round((Date.now() - state.startedAt) / 1000),
  });
}
