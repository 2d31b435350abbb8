// A strict multipart parser over a buffered body (RFC 2046 section 5.1; form-data: RFC 7578).
// Strict on purpose: the portal's parser (busboy, formidable, undici's formData(), ...) is the
// reader that counts, and they disagree on everything the RFCs leave loose. Whatever they could
// take apart differently (a preamble, an epilogue, bare CR or LF, folded or repeated headers, a
// boundary parameter two of them find differently, a Content-Transfer-Encoding) is
// refused with a reason, because a part the proxy cannot see as the portal sees it is a part it
// cannot scan. test/proxy/multipart-oracles.test.ts holds this parser to those three.

import { safeDecodeUri } from './embedded-file.js';

export interface Part {
  /** The form field name ('part-N' for a part of another multipart type that names none). */
  name: string;
  /** Set when the part is a file (it may be ''): the name the client gave. */
  filename?: string;
  contentType?: string;
  /** The content exactly as sent: what busboy, formidable and undici hand the portal. */
  data: Buffer;
}

export class MalformedBody extends Error {}

const CRLF = Buffer.from('\r\n');
const HEADER_END = Buffer.from('\r\n\r\n');
const MAX_HEADER_BYTES = 16 * 1024;

// RFC 2045 section 5.1: token and quoted-string parameter values; RFC 2046 bchars for a boundary.
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const BCHARS = /^[0-9A-Za-z'()+_,\-./:=? ]{0,69}[0-9A-Za-z'()+_,\-./:=?]$/;

/**
 * The boundary, read so that every common parser finds the same one: exactly one parameter
 * named 'boundary' and no other text a looser parser could take for one (formidable searches
 * the whole header for 'boundary='), with only the characters RFC 2046 allows (no quote or
 * backslash, so escapes cannot be read two ways).
 */
export function boundaryOf(contentType: string): string {
  const params = mediaParams(contentType);
  if ((contentType.match(/boundary=/gi) ?? []).length !== 1 || !params.has('boundary')) {
    throw new MalformedBody('multipart content type must name exactly one boundary parameter, and nothing else like it');
  }
  const boundary = params.get('boundary')!;
  if (!BCHARS.test(boundary)) throw new MalformedBody('multipart boundary must be 1 to 70 of the characters RFC 2046 allows');
  return boundary;
}

const PARAM = /;[ \t]*([^=;\s]+)=("(?:[^"\\]|\\.)*"|[^";\s]+)/y;

/**
 * The parameters of a media type, refused when they are not exactly RFC 2045's grammar. No space
 * may follow a value: formidable would keep it as part of an unquoted boundary.
 */
function mediaParams(contentType: string): Map<string, string> {
  const params = new Map<string, string>();
  let at = contentType.indexOf(';');
  while (at !== -1 && at < contentType.length) {
    PARAM.lastIndex = at;
    const match = PARAM.exec(contentType);
    if (!match || !TOKEN.test(match[1]!)) throw new MalformedBody(`content type parameters are not name=value: '${contentType.slice(at)}'`);
    const name = match[1]!.toLowerCase();
    if (params.has(name)) throw new MalformedBody(`content type parameter '${name}' is given twice`);
    const value = match[2]!;
    params.set(name, value.startsWith('"') ? value.slice(1, -1) : value);
    at = PARAM.lastIndex;
  }
  return params;
}

/**
 * multipart/form-data requires every part to name its field; other multipart types (mixed,
 * related) are read too, their parts named by position, so no file hides in them.
 */
export function parseMultipart(body: Buffer, contentType: string): Part[] {
  const formData = /^multipart\/form-data\s*(;|$)/i.test(contentType);
  const delimiter = Buffer.from(`--${boundaryOf(contentType)}`);
  const nextDelimiter = Buffer.concat([CRLF, delimiter]);
  // formidable finds the first boundary anywhere in a preamble, the others only after a line break.
  if (!body.subarray(0, delimiter.length).equals(delimiter)) throw new MalformedBody('multipart body does not start with its boundary (a preamble)');

  const parts: Part[] = [];
  let at = 0;
  for (;;) {
    at += delimiter.length;
    if (body.subarray(at, at + 2).toString('latin1') === '--') {
      // Parsers differ on what follows the close: only a line break may.
      const epilogue = body.subarray(at + 2).toString('latin1');
      if (epilogue !== '' && epilogue !== '\r\n') throw new MalformedBody('multipart body goes on after its closing boundary (an epilogue)');
      return parts;
    }
    const number = parts.length + 1;
    if (!body.subarray(at, at + 2).equals(CRLF)) throw new MalformedBody(`part ${number}: the boundary is not followed by a line break`);
    at += CRLF.length;

    const emptyHeaders = body.subarray(at, at + 2).equals(CRLF);
    const headerEnd = emptyHeaders ? at : body.indexOf(HEADER_END, at);
    if (headerEnd === -1 || headerEnd - at > MAX_HEADER_BYTES) throw new MalformedBody(`part ${number} has no end of headers`);
    const headers = emptyHeaders ? new Map<string, string>() : parseHeaders(body.subarray(at, headerEnd), number);
    at = emptyHeaders ? at + CRLF.length : headerEnd + HEADER_END.length;

    const end = body.indexOf(nextDelimiter, at);
    if (end === -1) throw new MalformedBody(`part ${number} is not closed by a boundary (body truncated?)`);
    const names = formData ? disposition(headers.get('content-disposition'), number) : looseDisposition(headers.get('content-disposition'), number);
    checkTransferEncoding(headers.get('content-transfer-encoding'), number);
    parts.push({ ...names, contentType: headers.get('content-type'), data: body.subarray(at, end) });
    at = end + CRLF.length;
  }
}

function parseHeaders(bytes: Buffer, partNumber: number): Map<string, string> {
  const headers = new Map<string, string>();
  const text = bytes.toString('utf8');
  for (const line of text.split('\r\n')) {
    // busboy reads a bare CR or LF as a line end, formidable refuses it; a folded line (RFC 822)
    // is a continuation to one parser and a header of its own to another.
    if (line.includes('\r') || line.includes('\n')) throw new MalformedBody(`part ${partNumber} has a bare CR or LF in its headers`);
    if (/^[ \t]/.test(line)) throw new MalformedBody(`part ${partNumber} has a folded header line`);
    const colon = line.indexOf(':');
    const name = line.slice(0, colon).toLowerCase();
    if (colon <= 0 || !/^[a-z-]+$/.test(name)) throw new MalformedBody(`part ${partNumber} has a header line without a plain name`);
    // A repeated header could be read one way here and the other way by the portal.
    if (headers.has(name)) throw new MalformedBody(`part ${partNumber} has the header '${name}' twice`);
    headers.set(name, line.slice(colon + 1).trim());
  }
  return headers;
}

function disposition(header: string | undefined, partNumber: number): { name: string; filename?: string } {
  if (!header || !/^form-data\s*(;|$)/i.test(header)) {
    throw new MalformedBody(`part ${partNumber} has no 'Content-Disposition: form-data' header`);
  }
  const { name, filename } = dispositionParams(header, partNumber);
  if (name === undefined) throw new MalformedBody(`part ${partNumber} has no field name`);
  return filename === undefined ? { name } : { name, filename };
}

function looseDisposition(header: string | undefined, partNumber: number): { name: string; filename?: string } {
  const { name = `part-${partNumber}`, filename } = dispositionParams(header ?? '', partNumber);
  return filename === undefined ? { name } : { name, filename };
}

/**
 * busboy hands the portal a part's bytes as sent, whatever Content-Transfer-Encoding it declares;
 * undici decodes base64 leniently, formidable decodes it and drops bytes of wrapped lines. No one
 * reading of such a part is the portal's, so it is refused (RFC 7578 section 4.7 deprecates the
 * header; browsers never send it).
 */
function checkTransferEncoding(encoding: string | undefined, partNumber: number): void {
  if (encoding !== undefined && !/^(7bit|8bit|binary)$/i.test(encoding)) {
    throw new MalformedBody(`part ${partNumber} declares Content-Transfer-Encoding '${encoding}', which parsers decode differently`);
  }
}

/** The parameters of a Content-Disposition; one given twice is refused (parsers keep the first or the last). */
function dispositionParams(header: string, partNumber: number): { name?: string; filename?: string } {
  const params = new Map<string, string>();
  for (const match of header.matchAll(/;\s*([^=;\s]+)\s*=\s*("(?:[^"\\]|\\.)*"|[^;]*)/g)) {
    const key = match[1]!.toLowerCase();
    if (params.has(key)) throw new MalformedBody(`part ${partNumber} names '${key}' twice in its Content-Disposition`);
    const raw = match[2]!.trim();
    params.set(key, raw.startsWith('"') ? raw.slice(1, -1).replace(/\\(.)/g, '$1') : raw);
  }
  const extended = params.get('filename*');
  return { name: params.get('name'), filename: extended !== undefined ? decodeExtended(extended) : unescapeHtmlFormName(params.get('filename')) };
}

/** Browsers write '"', CR and LF in names as %22, %0D and %0A (HTML's form encoding). */
function unescapeHtmlFormName(name: string | undefined): string | undefined {
  return name?.replace(/%22/g, '"').replace(/%0D/gi, '\r').replace(/%0A/gi, '\n');
}

/** RFC 5987: UTF-8''na%C3%AFve.xlsx */
function decodeExtended(value: string): string {
  return safeDecodeUri(/^[^']*'[^']*'(.*)$/.exec(value)?.[1] ?? value);
}
