// How the proxy answers a request itself: JSON for fetch/XHR and other programs, a readable page
// for a browser navigation (a plain HTML form post), so that a person always sees why.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ApiError } from '../shared/api.js';

export function sendJson(res: ServerResponse, status: number, body: ApiError | object, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text), 'cache-control': 'no-store', ...headers });
  res.end(text);
}

/** A browser navigation (sec-fetch-mode: navigate, or an old browser asking for HTML first). */
export function isNavigation(req: IncomingMessage): boolean {
  const mode = req.headers['sec-fetch-mode'];
  if (mode) return mode === 'navigate';
  const accept = req.headers.accept ?? '';
  return accept.includes('text/html') && !accept.includes('application/json');
}

export function sendHtml(res: ServerResponse, status: number, html: string): void {
  res.writeHead(status, { 'content-type': 'text/html; charset=utf-8', 'content-length': Buffer.byteLength(html), 'cache-control': 'no-store' });
  res.end(html);
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
