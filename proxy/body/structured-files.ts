// Files inside JSON, form fields and other text bodies: data: URLs, long base64 or hex and pasted
// tables (see embedded-file.ts). Every value and every key is looked at, and the values of a
// form are also read together, one line each, since 300 fields of one row are a table too.
import type { FoundFile } from '../pipeline.js';
import { embeddedFiles, encodedFiles, tableText } from './embedded-file.js';

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
      for (const [key, child] of Object.entries(record)) {
        // A key can carry a whole CSV as well as a value can.
        for (const bytes of embeddedFiles(key)) found.push({ name: path, location: `json-key:${path}`, bytes, text: true });
        walk(child, `${path}.${key}`, nameField);
      }
    }
  }
}

const JSON_STRING = /"(?:[^"\\]|\\.)*"/g;

/**
 * Every string literal of a JSON text, read alone: a duplicate key (JSON.parse keeps the last,
 * another parser the first), a trailing comma or another slip that stops JSON.parse must not
 * hide a value from the scan.
 */
export function filesInJsonLiterals(text: string): FoundFile[] {
  const found: FoundFile[] = [];
  for (const match of text.matchAll(JSON_STRING)) {
    let value: string;
    try {
      value = JSON.parse(match[0]) as string;
    } catch {
      continue;
    }
    for (const bytes of embeddedFiles(value)) found.push({ name: 'body', location: `json:@${match.index}`, bytes, text: true });
  }
  return found;
}

/** The fields of a form (urlencoded or multipart text fields), each alone and all together. */
export function filesInFields(fields: ReadonlyArray<readonly [name: string, value: string]>, where: string): FoundFile[] {
  const found: FoundFile[] = [];
  for (const [name, value] of fields) {
    // One line is no table, unless it is JSON: its rows need no line breaks.
    if (/^\s*[[{]/.test(value)) found.push({ name, location: `${where}:${name}`, bytes: Buffer.from(value, 'utf8'), text: true });
    for (const bytes of embeddedFiles(name)) found.push({ name, location: `${where}-name:${name}`, bytes, text: true });
    for (const bytes of embeddedFiles(value)) found.push({ name, location: `${where}:${name}`, bytes, text: true });
  }
  // All values, one per line, in one scan: a one-line value is read here, as a row among the others.
  const values = fields.map(([, value]) => value);
  const together = values.join('\n');
  if (together.trim() !== '') found.push({ name: 'form fields', location: `${where}:*`, bytes: Buffer.from(tableText(together) ?? together, 'utf8'), text: true });
  // Base64 split into several fields is decoded once the pieces are joined.
  if (fields.length >= 2) for (const bytes of encodedFiles(values.join('').trim())) found.push({ name: 'form fields', location: `${where}:*`, bytes, text: true });
  return found;
}

export function filesInForm(body: string): FoundFile[] {
  return filesInFields([...new URLSearchParams(body)], 'form');
}

/**
 * Long runs of base64 or hex, also wrapped or spaced in pieces of eight or more characters or
 * broken by JSON's '\n' escapes, and data: URLs, inside a text body (XML, SOAP, JSON that does
 * not parse, a bare base64 upload). Binary bodies have none.
 */
const TEXT_EMBEDDED = /data:[^,\s"'<>]*?;base64,[A-Za-z0-9+/=\s]+|[A-Za-z0-9+/\-_]{8,}(?:(?:\s|\\[nrt])+[A-Za-z0-9+/\-_]{8,})*={0,2}/g;

export function filesInText(body: Buffer, name: string): FoundFile[] {
  if (body.subarray(0, 4096).includes(0)) return [];
  const found: FoundFile[] = [];
  for (const match of body.toString('latin1').replace(/\\\//g, '/').matchAll(TEXT_EMBEDDED)) {
    if (match[0].length < 128) continue;
    // A table in the text is read with the whole body; here only what is encoded.
    const run = match[0].replace(/\\[nrt]/g, ' ');
    for (const bytes of encodedFiles(run)) found.push({ name, location: `text:@${match.index}`, bytes });
  }
  return found;
}
