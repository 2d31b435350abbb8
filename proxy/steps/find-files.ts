// Finds every file a request body carries, whatever shape the upload takes: multipart parts, a
// raw body, base64, a data: URL or a pasted table inside JSON, a form or other text, compressed
// or not. What
// cannot be parsed is either refused (malformed multipart, unknown encoding: 400) or scanned
// whole (a body that is not the JSON it claims to be).
import type { IncomingMessage } from 'node:http';
import type { FoundFile, Step } from '../pipeline.js';
import { MalformedBody, parseMultipart, type Part } from '../body/multipart.js';
import { embeddedFiles, safeDecodeUri } from '../body/embedded-file.js';
import { filesInForm, filesInJson, filesInText } from '../body/structured-files.js';
import { decodeContent } from '../body/content-encoding.js';
import { refuse } from '../respond.js';

/** maxDecodedBytes bounds what a compressed body may inflate to. */
export const findFiles = (maxDecodedBytes: number): Step => async (ctx) => {
  if (!ctx.body || ctx.body.byteLength === 0) return 'continue';
  const contentType = (ctx.req.headers['content-type'] ?? '').toLowerCase();
  try {
    const body = decodeContent(ctx.body, ctx.req.headers['content-encoding'], maxDecodedBytes);
    ctx.files = filesIn(body, contentType, ctx.req, ctx.url);
  } catch (error) {
    if (!(error instanceof MalformedBody)) throw error;
    refuse(ctx.req, ctx.res, 400, {
      error: 'malformed-body',
      message: error.message,
      nl: 'De upload is onleesbaar en is niet doorgestuurd.',
      en: 'The upload could not be read and was not forwarded.',
    });
    return 'handled';
  }
  return 'continue';
};

function filesIn(body: Buffer, contentType: string, req: IncomingMessage, url: URL): FoundFile[] {
  const mediaType = contentType.split(';')[0]!.trim();
  if (mediaType.startsWith('multipart/')) {
    return parseMultipart(body, req.headers['content-type'] ?? '').flatMap(fileOfPart);
  }
  if (mediaType === 'application/json' || mediaType.endsWith('+json')) {
    let value: unknown;
    try {
      value = JSON.parse(body.toString('utf8'));
    } catch {
      return rawBody(body, req, url);
    }
    // A key given twice keeps only its last value in JSON.parse, while the portal's parser may
    // keep the first: base64 is also looked for in the raw text, so no value goes unseen.
    const walked = filesInJson(value);
    const unseen = filesInText(body, 'json').filter((file) => !walked.some((seen) => Buffer.compare(seen.bytes, file.bytes) === 0));
    return [...walked, ...unseen];
  }
  if (mediaType === 'application/x-www-form-urlencoded') return filesInForm(body.toString('latin1'));
  return rawBody(body, req, url);
}

/**
 * Any part with a file name is a file; so is, to fail closed, a nameless part that is not plain
 * UTF-8 text (by its declared type or by its bytes).
 */
function fileOfPart(part: Part): FoundFile[] {
  const location = `multipart:${part.name}`;
  if (part.filename !== undefined || !isPlainText(part.contentType) || !isUtf8(part.data)) {
    if (part.data.byteLength === 0) return [];
    return [{ name: part.filename || part.name, location, bytes: part.data }];
  }
  return embeddedFiles(part.data.toString('utf8')).map((bytes) => ({ name: part.name, location, bytes }));
}

function isPlainText(contentType: string | undefined): boolean {
  return contentType === undefined || /^text\/plain\s*(;|$)/i.test(contentType);
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

/** The body is a file; a text body (XML, a bare base64 upload) may also carry files inside. */
function rawBody(body: Buffer, req: IncomingMessage, url: URL): FoundFile[] {
  const disposition = req.headers['content-disposition'] ?? '';
  const named = /filename\*?\s*=\s*(?:UTF-8'[^']*')?"?([^";]+)"?/i.exec(disposition)?.[1];
  const name = safeDecodeUri(named ?? (url.pathname.split('/').pop() || 'body'));
  return [{ name, location: 'body', bytes: body }, ...filesInText(body, name)];
}
