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

export interface Refusal extends ApiError {
  nl: string;
  en: string;
}

/**
 * Refuses a request: the JSON body for programs, or for a browser navigation a page with the
 * same message in Dutch and English, plus optional details (HTML the caller has escaped).
 */
export function refuse(req: IncomingMessage, res: ServerResponse, status: number, body: Refusal, options: { detailsHtml?: string; headers?: Record<string, string> } = {}): void {
  if (!isNavigation(req)) return sendJson(res, status, body, options.headers);
  const html = `<h1>Tegengehouden door export-guard</h1><p>${escapeHtml(body.nl)}</p><p lang="en"><strong>Stopped by export-guard.</strong> ${escapeHtml(body.en)}</p>
${options.detailsHtml ?? ''}<p><a href="javascript:history.back()">Terug / Back</a></p>`;
  sendPage(res, status, 'Tegengehouden / Stopped', html, options.headers);
}

/** One of the proxy's own pages, in its plain style; `html` is escaped by the caller. */
export function sendPage(res: ServerResponse, status: number, title: string, html: string, headers: Record<string, string> = {}): void {
  const page = `<!doctype html>
<html lang="nl"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<style>body{font-family:system-ui,sans-serif;max-width:44rem;margin:2rem auto;padding:0 1rem;line-height:1.5}h1{color:#a00}</style></head>
<body>${html}</body></html>`;
  res.writeHead(status, { 'content-type': 'text/html; charset=utf-8', 'content-length': Buffer.byteLength(page), 'cache-control': 'no-store', ...headers });
  res.end(page);
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
