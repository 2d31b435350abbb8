// A strict multipart parser over a buffered body (RFC 2046 section 5.1; form-data: RFC 7578).
// Strict on purpose: whatever it cannot take apart with certainty is refused with a reason,
// because a part the proxy cannot see is a part it cannot scan.

import { safeDecodeUri } from './embedded-file.js';

export interface Part {
  /** The form field name ('part-N' for a part of another multipart type that names none). */
  name: string;
  /** Set when the part is a file (it may be ''): the name the client gave. */
  filename?: string;
  contentType?: string;
  /** The content, with any Content-Transfer-Encoding undone. */
  data: Buffer;
}

export class MalformedBody extends Error {}

const CRLF = Buffer.from('\r\n');
const HEADER_END = Buffer.from('\r\n\r\n');
const MAX_HEADER_BYTES = 16 * 1024;

export function boundaryOf(contentType: string): string {
  const matches = [...contentType.matchAll(/;\s*boundary\s*=\s*(?:"([^"]+)"|([^;\s]+))/gi)];
  // Two boundaries: the portal might split the body by the other one and see other parts.
  if (matches.length > 1) throw new MalformedBody('multipart content type with more than one boundary');
  const boundary = matches[0]?.[1] ?? matches[0]?.[2];
  if (!boundary) throw new MalformedBody('multipart content type without a boundary');
  if (boundary.length > 70) throw new MalformedBody('multipart boundary longer than 70 characters');
  return boundary;
}

/**
 * multipart/form-data requires every part to name its field; other multipart types (mixed,
 * related) are read too, their parts named by position, so no file hides in them.
 */
export function parseMultipart(body: Buffer, contentType: string): Part[] {
  const formData = /^multipart\/form-data\s*(;|$)/i.test(contentType);
  const delimiter = Buffer.from(`--${boundaryOf(contentType)}`);
  const nextDelimiter = Buffer.concat([CRLF, delimiter]);
  // The first delimiter may follow a preamble, which is ignored.
  let at = body.subarray(0, delimiter.length).equals(delimiter) ? 0 : body.indexOf(nextDelimiter);
  if (at === -1) throw new MalformedBody('no multipart boundary found in the body');
  if (at > 0) at += CRLF.length;

  const parts: Part[] = [];
  for (;;) {
    at += delimiter.length;
    if (body.subarray(at, at + 2).toString('latin1') === '--') return parts;
    while (body[at] === 0x20 || body[at] === 0x09) at += 1;
    if (!body.subarray(at, at + 2).equals(CRLF)) throw new MalformedBody(`no line break after a boundary at byte ${at}`);
    at += CRLF.length;

    const headerEnd = body.indexOf(HEADER_END, at);
    const emptyHeaders = body.subarray(at, at + 2).equals(CRLF);
    if (!emptyHeaders && (headerEnd === -1 || headerEnd - at > MAX_HEADER_BYTES)) {
      throw new MalformedBody(`part ${parts.length + 1} has no end of headers`);
    }
    const headers = emptyHeaders ? new Map<string, string>() : parseHeaders(body.subarray(at, headerEnd).toString('utf8'), parts.length + 1);
    at = emptyHeaders ? at + CRLF.length : headerEnd + HEADER_END.length;

    const end = body.indexOf(nextDelimiter, at);
    if (end === -1) throw new MalformedBody(`part ${parts.length + 1} is not closed by a boundary (body truncated?)`);
    const number = parts.length + 1;
    const names = formData ? disposition(headers.get('content-disposition'), number) : looseDisposition(headers.get('content-disposition'), number);
    const data = transferDecoded(body.subarray(at, end), headers.get('content-transfer-encoding'), number);
    parts.push({ ...names, contentType: headers.get('content-type'), data });
    at = end + CRLF.length;
  }
}

function parseHeaders(text: string, partNumber: number): Map<string, string> {
  const headers = new Map<string, string>();
  for (const line of text.split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon <= 0) throw new MalformedBody(`part ${partNumber} has a header line without a name`);
    const name = line.slice(0, colon).trim().toLowerCase();
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
  const { name, filename } = dispositionParams(header);
  if (name === undefined) throw new MalformedBody(`part ${partNumber} has no field name`);
  return filename === undefined ? { name } : { name, filename };
}

function looseDisposition(header: string | undefined, partNumber: number): { name: string; filename?: string } {
  const { name = `part-${partNumber}`, filename } = dispositionParams(header ?? '');
  return filename === undefined ? { name } : { name, filename };
}

/** MIME parts may carry base64 or quoted-printable; the scan needs the bytes they stand for. */
function transferDecoded(data: Buffer, encoding: string | undefined, partNumber: number): Buffer {
  switch ((encoding ?? '').toLowerCase()) {
    case '':
    case '7bit':
    case '8bit':
    case 'binary':
      return data;
    case 'base64':
      return Buffer.from(data.toString('latin1'), 'base64');
    case 'quoted-printable':
      return Buffer.from(
        data.toString('latin1').replace(/=\r?\n/g, '').replace(/=([0-9A-Fa-f]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16))),
        'latin1',
      );
    default:
      throw new MalformedBody(`part ${partNumber} has an unknown Content-Transfer-Encoding '${encoding}'`);
  }
}

function dispositionParams(header: string): { name?: string; filename?: string } {
  const params = new Map<string, string>();
  for (const match of header.matchAll(/;\s*([^=;\s]+)\s*=\s*("(?:[^"\\]|\\.)*"|[^;]*)/g)) {
    const raw = match[2]!.trim();
    params.set(match[1]!.toLowerCase(), raw.startsWith('"') ? raw.slice(1, -1).replace(/\\(.)/g, '$1') : raw);
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
