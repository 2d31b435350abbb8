// The line between an isolated content script and its scanner frame (scanner.html, an extension
// page inside the protected page). The content script posts one port to the frame's window, with
// the extension's origin as target; requests and replies then travel on that port. A File or Blob
// is cloned by handle, never by bytes: the frame reads the file itself, in the extension's process.
import type { DecidedVerdict } from '../../shared/policy/exceptions.js';
import type { Policy } from '../../shared/policy/types.js';

/** Marks the one window message that carries the port. */
export const SCANNER_CONNECT = 'export-guard/scanner-connect';

/** The page that holds the scanner. */
export const SCANNER_PAGE = 'scanner/scanner.html';

export interface ScannerRequest {
  id: number;
  file: Blob;
}

export type ScannerVerdict = { verdict: DecidedVerdict; privacyContact: Policy['privacyContact'] };

/** 'ready' once the port is taken, then one reply per request. */
export type ScannerReply = { type: 'ready' } | ({ type: 'verdict'; id: number } & ScannerVerdict) | { type: 'failed'; id: number; message: string };

export function isScannerConnect(data: unknown): boolean {
  return typeof data === 'object' && data !== null && (data as { channel?: unknown }).channel === SCANNER_CONNECT;
}
