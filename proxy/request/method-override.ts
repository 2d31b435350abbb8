// The methods a request stands for: its own, and any a framework would take from an override
// header, a query parameter or a form field ('_method=POST'). The send routes are matched against
// each, so a POST dressed as a GET (or the reverse) meets the approval check all the same.
import type { IncomingMessage } from 'node:http';
import type { MethodOverride } from '../../shared/approval/rule.js';
import { parseMultipart } from '../body/multipart.js';

export function requestMethods(req: IncomingMessage, url: URL, content: Buffer | undefined, override: MethodOverride): string[] {
  const named = [
    ...override.headers.flatMap((header) => headerValues(req.headers[header])),
    ...override.fields.flatMap((field) => url.searchParams.getAll(field)),
    ...(content ? fieldsInBody(content, req.headers['content-type'] ?? '', override.fields) : []),
  ];
  return [...new Set([req.method ?? '', ...named].map((m) => m.trim().toUpperCase()).filter((m) => m !== ''))];
}

function headerValues(value: string | string[] | undefined): string[] {
  return (Array.isArray(value) ? value : value === undefined ? [] : [value]).flatMap((v) => v.split(','));
}

function fieldsInBody(content: Buffer, contentType: string, fields: readonly string[]): string[] {
  // Most bodies never mention a field; only those that do are parsed again.
  if (!fields.some((field) => content.includes(field))) return [];
  const mediaType = contentType.split(';')[0]!.trim().toLowerCase();
  if (mediaType === 'application/x-www-form-urlencoded') {
    const form = new URLSearchParams(content.toString('utf8'));
    return fields.flatMap((field) => form.getAll(field));
  }
  if (mediaType.startsWith('multipart/')) {
    const parts = parseMultipart(content, contentType);
    return parts.filter((part) => part.filename === undefined && fields.includes(part.name)).map((part) => part.data.toString('utf8'));
  }
  try {
    const json: unknown = JSON.parse(content.toString('utf8'));
    if (typeof json !== 'object' || json === null) return [];
    return fields.map((field) => (json as Record<string, unknown>)[field]).filter((v): v is string => typeof v === 'string');
  } catch {
    return [];
  }
}
