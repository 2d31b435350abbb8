// Every reading of a request body the portal's parsers could make: multipart parts (files and
// fields), a raw body, base64, hex, a data: URL or a pasted table inside JSON, a form or other
// text. What cannot be read as the portal reads it throws MalformedBody (the caller refuses it);
// a body that is not the JSON it claims to be is read whole and string by string.
import type { FoundFile } from '../pipeline.js';
import { MalformedBody, parseMultipart, type Part } from './multipart.js';
import { looksEncoded, tableText } from './embedded-file.js';
import { filesInFields, filesInForm, filesInJson, filesInJsonLiterals, filesInText } from './structured-files.js';
import { jsonText } from './json-text.js';

/**
 * Every reading of a body the portal's parsers could make, each distinct content once. `name`
 * names the body itself (a file name from Content-Disposition, the path's last segment).
 */
const LINE_BREAKS = /[\r\n\v\f\u0085\u2028\u2029]/;

export function filesInBody(body: Buffer, contentType: string, name: string): FoundFile[] {
  return distinct(filesIn(body, contentType, name));
}

function filesIn(body: Buffer, contentType: string, name: string): FoundFile[] {
  const type = mediaType(contentType);
  if (type.startsWith('multipart/')) return filesInMultipart(parseMultipart(body, contentType));
  // formidable parses any body whose type mentions multipart, with the first 'boundary=' it finds.
  if (/multipart|boundary=/i.test(contentType)) throw new MalformedBody(`content type '${contentType}' is not multipart but names multipart or a boundary`);
  // The body itself is always read too: a CSV declared as a form or as JSON is still a CSV.
  const whole = rawBody(body, name);
  // In a form or JSON the uploads are what is inside; the body is text read beside them.
  const asText = (files: FoundFile[]) => files.map((file) => ({ ...file, text: true }));
  if (type === 'application/x-www-form-urlencoded') {
    // A form never holds a raw line break (it is %0D%0A there): one that does is a text, a CSV say.
    const text = body.toString('utf8');
    return [...(LINE_BREAKS.test(text) ? asText(whole) : []), ...filesInForm(text)];
  }
  const text = jsonText(body, contentType);
  if (text === undefined) return whole;
  const utf8 = text.utf8 ? [] : [{ name: 'body', location: 'body:utf-8', bytes: Buffer.from(text.value, 'utf8'), text: true }];
  let value: unknown;
  try {
    value = JSON.parse(text.value);
  } catch {
    return [...whole, ...utf8, ...filesInJsonLiterals(text.value)];
  }
  // The structure for the detector (arrays of rows, records), without the encoded files it holds:
  // those are read as files of their own, and a megabyte of base64 is no table.
  const skeleton = JSON.stringify(value, (_key, node: unknown) => (typeof node === 'string' && looksEncoded(node) ? '' : node));
  const structure = { name, location: 'body', bytes: Buffer.from(skeleton, 'utf8'), text: true };
  // filesInJsonLiterals also finds what a duplicate key hid from JSON.parse; distinct() drops the repeats.
  return [...filesInJson(value), structure, ...utf8, ...filesInJsonLiterals(text.value)];
}

/**
 * Every part is scanned as the portal will receive it, file or field: busboy and undici tell a
 * file from a field by different rules, so a part either may take for a file is scanned as one.
 * Fields are also read for what they hide, alone and together (filesInFields).
 */
function filesInMultipart(parts: Part[]): FoundFile[] {
  const fields: Array<[string, string]> = [];
  const files = parts.flatMap((part): FoundFile[] => {
    const location = `multipart:${part.name}`;
    const name = part.filename || part.name;
    if (part.data.byteLength === 0) return [];
    const file = { name, location, bytes: part.data };
    if (part.filename !== undefined) return [file];
    // busboy (and multer on it) hands a part typed application/octet-stream to the portal as a
    // file without a name, formidable and undici as a field: it is read both ways. One line of it
    // is a file too (an HTML table needs no line breaks), not a row among the fields.
    const asFile = mediaType(part.contentType) === 'application/octet-stream' ? [file] : [];
    // busboy and undici hand a field to the portal as text (bytes that are not UTF-8 arrive as
    // U+FFFD), formidable as bytes: a field in another text encoding is read both ways. Bytes with
    // a NUL are a binary file sent as a field; decoded as text they hold no more than as they are.
    const utf8 = isUtf8(part.data);
    if (utf8 || !part.data.includes(0)) fields.push([part.name, part.data.toString('utf8')]);
    return utf8 ? asFile : [file];
  });
  return [...files, ...filesInFields(fields, 'multipart')];
}

/** 'type/subtype' in lower case, as busboy compares it; '' without a Content-Type. */
function mediaType(contentType: string | undefined): string {
  return (contentType ?? '').split(';')[0]!.trim().toLowerCase();
}

/** The body is a file; a text body (XML, a bare base64 upload) may also carry files inside. */
function rawBody(body: Buffer, name: string): FoundFile[] {
  // Only a text with line ends a table reader may miss gets a second reading; most have none.
  const text = body.subarray(0, 4096).includes(0) ? undefined : body.toString('utf8');
  const table = text !== undefined ? tableText(text) : undefined;
  const lines = table !== undefined && table !== text ? [{ name, location: 'body:lines', bytes: Buffer.from(table, 'utf8'), text: true }] : [];
  return [{ name, location: 'body', bytes: body }, ...lines, ...filesInText(body, name)];
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

function isUtf8(bytes: Buffer): boolean {
  try {
    strictUtf8.decode(bytes);
    return true;
  } catch {
    return false;
  }
}

/** Each distinct content is scanned once, under the first place it was found. */
function distinct(files: FoundFile[]): FoundFile[] {
  const bySize = new Map<number, FoundFile[]>();
  return files.filter((file) => {
    const same = bySize.get(file.bytes.byteLength) ?? [];
    if (same.some((seen) => Buffer.compare(seen.bytes, file.bytes) === 0)) return false;
    bySize.set(file.bytes.byteLength, [...same, file]);
    return true;
  });
}
