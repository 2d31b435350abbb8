// The private line between the page-world capture (extension/page/) and the isolated content
// script, which alone may talk to the background. The page world opens a MessageChannel and hands
// one port over with a single window message; everything after that travels on the port, which
// page scripts never see.
import type { AttachVia } from '../../shared/api.js';

/** Marks the one window message that carries the port. */
export const BRIDGE_CONNECT = 'export-guard/capture-connect';

export type Decision = 'allow' | 'block';

/**
 * Page world -> content script: scan this file (cloned by handle: the bytes are not copied). No
 * file: what was attached could not be read in the page (a dropped folder), so it is blocked, and
 * the caseworker is told so.
 */
export interface ScanRequest {
  id: number;
  name: string;
  via: AttachVia;
  file: Blob | null;
}

/** Content script -> page world. 'ready' first, then one reply per request. */
export type BridgeReply = { type: 'ready' } | { type: 'decision'; id: number; decision: Decision };

export function isConnectMessage(data: unknown): boolean {
  return typeof data === 'object' && data !== null && (data as { channel?: unknown }).channel === BRIDGE_CONNECT;
}
