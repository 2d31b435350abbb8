// Files inside JSON, urlencoded form and other text bodies: data: URLs, long base64 and pasted
// tables (see embedded-file.ts).
import type { FoundFile } from '../pipeline.js';
import { embeddedFiles } from './embedded-file.js';

/** Sibling fields that name the file carried next to them, e.g. { name: 'x.xlsx', content: '...' }. */
const NAME_FIELDS = ['filename', 'fileName', 'name', 'title'];

export function filesInJson(value: unknown): FoundFile[] {
  const found: FoundFile[] = [];
  walk(value, '$', undefined);
  return found;

  function walk(node: unknown, path: string, siblingName: string | undefined): void {
    if (typeof node === 'string') {
      for (const bytes of embeddedFiles(node)) found.push({ name: siblingName ?? path, location: `json:${path}`, bytes });
    } else if (Array.isArray(node)) {
      node.forEach((item, i) => walk(item, `${path}[${i}]`, undefined));
    } else if (typeof node === 'object' && node !== null) {
      const record = node as Record<string, unknown>;
      const nameField = NAME_FIELDS.map((field) => record[field]).find((v): v is string => typeof v === 'string' && v.length < 256);
      for (const [key, child] of Object.entries(record)) walk(child, `${path}.${key}`, nameField);
    }
  }
}

export function filesInForm(body: string): FoundFile[] {
  const found: FoundFile[] = [];
  for (const [key, value] of new URLSearchParams(body)) {
    for (const bytes of embeddedFiles(value)) found.push({ name: key, location: `form:${key}`, bytes });
  }
  return found;
}

/** Long enough that no ordinary word or id is taken for a file; the same bar as embedded-file.ts. */
const TEXT_EMBEDDED = /data:[^,\s"'<>]*?;base64,[A-Za-z0-9+/=]+|[A-Za-z0-9+/\-_]{128,}={0,2}/g;

/** Base64 and data: URLs inside a text body (XML, SOAP, a bare base64 upload); binary bodies have none. */
export function filesInText(body: Buffer, name: string): FoundFile[] {
  if (body.subarray(0, 4096).includes(0)) return [];
  const found: FoundFile[] = [];
  for (const match of body.toString('latin1').matchAll(TEXT_EMBEDDED)) {
    for (const bytes of embeddedFiles(match[0])) found.push({ name, location: `text:@${match.index}`, bytes });
  }
  return found;
}
