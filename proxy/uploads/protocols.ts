// Tells a chunk of a chunked or resumable upload from a request that carries a whole file, by the
// wire format of the widgets portals use (their default settings first):
//   tus (tus-js-client, Uppy): PATCH with Tus-Resumable and Upload-Offset to the upload's URL;
//   FilePond chunked: PATCH with Upload-Offset, Upload-Length, Upload-Name to '?patch=<id>';
//   Content-Range on PUT/POST/PATCH (jQuery File Upload's maxChunkSize, raw or multipart);
//   resumable.js, flow.js: resumable*/flow* fields in the form (or the query, method 'octet');
//   Dropzone chunking: dz* fields in the form.
// Also the requests that ask what was received (tus and FilePond HEAD, the resumable.js/flow.js
// test GET), and tus termination. Pure: the headers, the target and the decoded body in, a
// description out.
import type { IncomingHttpHeaders } from 'node:http';
import { parseMultipart, type Part } from '../body/multipart.js';
import { safeDecodeUri } from '../body/embedded-file.js';

export type Protocol = 'tus' | 'upload-offset' | 'content-range' | 'resumable' | 'flow' | 'dropzone';

export interface Chunk {
  protocol: Protocol;
  /** Names the upload among the user's others: its URL, or the path and the widget's identifier. */
  key: string;
  /** Where the bytes sit in the file. */
  start: number;
  /** The file's bytes this request carries (a view into the body). */
  data: Buffer;
  /** The file's size when the request says it (a tus PATCH does not: the portal knows it). */
  total?: number;
  name: string;
  /** The request's other form fields, 'name: value', scanned with the file. */
  fields: string[];
}

/** A question about an upload: how much is held (HEAD), or whether one chunk is (a test GET). */
export interface Probe {
  protocol: Protocol;
  key: string;
  chunk?: { start: number; length: number };
}

export type Recognised =
  | { chunk: Chunk }
  | { probe: Probe }
  | { terminate: { protocol: Protocol; key: string } }
  /** A tus creation request carrying the first part of the file; its key is the URL the portal creates. */
  | { create: Chunk }
  /** A tus final upload: the file is its partial uploads (these URLs' paths) one after the other. */
  | { concat: string[] }
  /** A piece of a file that names no upload the proxy can follow: refused, never scanned as a file. */
  | { fragment: string }
  | undefined;

/** The form fields resumable.js and flow.js send, under their prefix. */
const COUNTED = ['resumable', 'flow'] as const;
/** The field that marks each widget's chunk request. */
const WIDGET_FIELDS = [...COUNTED.map((prefix) => `${prefix}Identifier`), 'dzuuid'];

export function recognise(method: string, url: URL, headers: IncomingHttpHeaders, content: Buffer | undefined): Recognised {
  const tus = headers['tus-resumable'] !== undefined;
  const target = url.pathname + url.search;
  if (method === 'HEAD') return { probe: tus ? { protocol: 'tus', key: url.pathname } : { protocol: 'upload-offset', key: target } };
  if (method === 'DELETE' && tus) return { terminate: { protocol: 'tus', key: url.pathname } };
  if (method === 'GET') return testProbe(url);
  const concat = /^final;(.*)$/.exec(String(headers['upload-concat'] ?? '').trim());
  if (tus && concat) return { concat: concat[1]!.trim().split(/\s+/).map((partial) => new URL(partial, url).pathname) };
  if (!content) return undefined;
  if (headers['content-encoding'] !== undefined && (tus || headers['upload-offset'] !== undefined || headers['content-range'] !== undefined)) {
    return { fragment: 'a chunk sent with a Content-Encoding' };
  }

  if (tus && headers['upload-offset'] !== undefined) {
    const start = count(headers['upload-offset']);
    if (start === undefined) return { fragment: `Upload-Offset '${headers['upload-offset']}' is not a byte count` };
    const total = headers['upload-length'] === undefined ? undefined : count(headers['upload-length']);
    return { chunk: { protocol: 'tus', key: url.pathname, start, data: content, total, name: '', fields: [] } };
  }
  if (tus && headers['upload-length'] !== undefined) {
    // Creation with upload: the whole file in the creating POST is an upload like any other.
    const total = count(headers['upload-length']);
    if (total === undefined) return { fragment: `Upload-Length '${headers['upload-length']}' is not a byte count` };
    if (total === content.byteLength) return undefined;
    return { create: { protocol: 'tus', key: '', start: 0, data: content, total, name: tusFileName(headers['upload-metadata']), fields: [] } };
  }
  if (headers['upload-offset'] !== undefined) {
    const start = count(headers['upload-offset']);
    const total = count(headers['upload-length']);
    if (start === undefined || total === undefined) return { fragment: 'Upload-Offset without a valid Upload-Length' };
    const name = safeDecodeUri(String(headers['upload-name'] ?? ''));
    return { chunk: { protocol: 'upload-offset', key: target, start, data: content, total, name, fields: [] } };
  }

  const range = headers['content-range'];
  // Most uploads are none of these: the body is parsed again only when it names a widget's field.
  if (range === undefined && !WIDGET_FIELDS.some((field) => url.searchParams.has(field) || content.includes(field))) return undefined;
  const form = readForm(headers['content-type'] ?? '', content, url);
  if (range !== undefined && ['PUT', 'POST', 'PATCH'].includes(method)) return contentRangeChunk(range, url, headers, form);
  for (const prefix of COUNTED) {
    const names = namespaced(form.fields, prefix);
    if (names) return countedChunk(prefix, names, url, form);
  }
  if (form.fields.has('dzuuid')) return dropzoneChunk(url, form);
  return undefined;
}

/** resumable.js and flow.js ask (testChunks, on by default) whether a chunk is there before sending it. */
function testProbe(url: URL): Recognised {
  const query = new Map(url.searchParams);
  for (const prefix of COUNTED) {
    const names = namespaced(query, prefix);
    if (!names) continue;
    const identifier = query.get(names('Identifier'))!;
    const number = count(query.get(names('ChunkNumber')));
    const size = count(query.get(names('ChunkSize')));
    const length = count(query.get(names('CurrentChunkSize')));
    if (!number || !size || length === undefined) return { fragment: `a ${prefix} test without chunk number, chunk size or current chunk size` };
    return { probe: { protocol: prefix, key: `${url.pathname}\n${identifier}`, chunk: { start: (number - 1) * size, length } } };
  }
  return undefined;
}

interface Form {
  fields: Map<string, string>;
  /** The file's bytes: the one file part of a multipart body, else the body itself. */
  data: Buffer;
  /** The file part's name, when multipart. */
  filename?: string;
  /** Fields other than the protocol's own, for the scan. */
  extra: string[];
  error?: string;
}

/** A multipart body's text fields and its one file part; for any other body the query's fields and the body. */
function readForm(contentType: string, content: Buffer, url: URL): Form {
  const fields = new Map<string, string>(url.searchParams);
  if (!/^multipart\//i.test(contentType.trim())) return { fields, data: content, extra: [] };
  // find files has already refused what cannot be parsed; this reads the same parts.
  const parts = parseMultipart(content, contentType);
  const files = parts.filter((part) => part.filename !== undefined);
  const extra: string[] = [];
  for (const part of parts) {
    if (part.filename !== undefined) continue;
    const value = part.data.toString('utf8');
    fields.set(part.name, value);
    if (!/(resumable|flow)[A-Z]|^dz/.test(part.name)) extra.push(`${part.name}: ${value}`);
  }
  const file: Part | undefined = files[0];
  return {
    fields,
    data: file?.data ?? Buffer.alloc(0),
    filename: file?.filename,
    extra,
    error: files.length === 1 ? undefined : `a chunk request with ${files.length} file parts`,
  };
}

function contentRangeChunk(range: string | string[], url: URL, headers: IncomingHttpHeaders, form: Form): Recognised {
  const match = /^bytes (\d+)-(\d+)\/(\d+|\*)$/.exec(String(range).trim());
  if (!match) return { fragment: `Content-Range '${String(range)}' is not 'bytes first-last/size'` };
  if (form.error) return { fragment: form.error };
  const start = Number(match[1]);
  const last = Number(match[2]);
  const total = match[3] === '*' ? undefined : Number(match[3]);
  if (last < start || last - start + 1 !== form.data.byteLength) return { fragment: `Content-Range '${String(range)}' does not match the ${form.data.byteLength} bytes sent` };
  // jQuery File Upload names the file in Content-Disposition, also around a multipart chunk.
  const disposition = /filename\*?\s*=\s*(?:UTF-8'[^']*')?"?([^";]+)"?/i.exec(String(headers['content-disposition'] ?? ''))?.[1];
  const name = disposition ? safeDecodeUri(disposition) : form.filename ?? url.pathname.split('/').pop() ?? 'upload';
  return { chunk: { protocol: 'content-range', key: `${url.pathname + url.search}\n${name}`, start, data: form.data, total, name, fields: form.extra } };
}

/**
 * The full names of a widget's fields, found by its identifier field: resumable.js and flow.js
 * put their parameterNamespace option (default '') before every name.
 */
function namespaced(fields: ReadonlyMap<string, string>, prefix: string): ((name: string) => string) | undefined {
  const identifier = [...fields.keys()].find((name) => name.endsWith(`${prefix}Identifier`));
  if (identifier === undefined) return undefined;
  const namespace = identifier.slice(0, -`${prefix}Identifier`.length);
  return (name) => `${namespace}${prefix}${name}`;
}

function countedChunk(prefix: (typeof COUNTED)[number], names: (name: string) => string, url: URL, form: Form): Recognised {
  const field = (name: string) => form.fields.get(names(name));
  const number = count(field('ChunkNumber'));
  const size = count(field('ChunkSize'));
  const total = count(field('TotalSize'));
  if (!number || !size || total === undefined) return { fragment: `a ${prefix} chunk without chunk number, chunk size or total size` };
  if (form.error) return { fragment: form.error };
  const current = count(field('CurrentChunkSize'));
  if (current !== undefined && current !== form.data.byteLength) return { fragment: `a ${prefix} chunk of ${form.data.byteLength} bytes that says it has ${current}` };
  const name = field('Filename') ?? form.filename ?? 'upload';
  return { chunk: { protocol: prefix, key: `${url.pathname}\n${field('Identifier')!}`, start: (number - 1) * size, data: form.data, total, name, fields: form.extra } };
}

function dropzoneChunk(url: URL, form: Form): Recognised {
  const start = count(form.fields.get('dzchunkbyteoffset'));
  const total = count(form.fields.get('dztotalfilesize'));
  if (start === undefined || total === undefined) return { fragment: 'a Dropzone chunk without dzchunkbyteoffset or dztotalfilesize' };
  if (form.error) return { fragment: form.error };
  const name = form.filename ?? 'upload';
  return { chunk: { protocol: 'dropzone', key: `${url.pathname}\n${form.fields.get('dzuuid')!}`, start, data: form.data, total, name, fields: form.extra } };
}

/** The file name in tus Upload-Metadata ('filename <base64>', also 'name'), or ''. */
export function tusFileName(metadata: string | string[] | undefined): string {
  for (const pair of String(metadata ?? '').split(',')) {
    const [key, value] = pair.trim().split(' ');
    if ((key === 'filename' || key === 'name') && value) return Buffer.from(value, 'base64').toString('utf8');
  }
  return '';
}

/** A non-negative decimal byte count, or undefined. */
function count(value: string | string[] | null | undefined): number | undefined {
  if (typeof value !== 'string' || !/^\d{1,15}$/.test(value.trim())) return undefined;
  return Number(value.trim());
}
