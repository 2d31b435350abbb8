// A strict multipart/form-data parser over a buffered body (RFC 7578, RFC 2046 section 5.1).
// Strict on purpose: whatever it cannot take apart with certainty is refused with a reason,
// because a part the proxy cannot see is a part it cannot scan.

export interface Part {
  /** The form field name. */
  name: string;
  /** Set when the part is a file (it may be ''): the name the client gave. */
  filename?: string;
  contentType?: string;
  data: Buffer;
}

export class MalformedBody extends Error {}

const CRLF = Buffer.from('\r\n');
const HEADER_END = Buffer.from('\r\n\r\n');
const MAX_HEADER_BYTES = 16 * 1024;

export function boundaryOf(contentType: string): string {
  const match = /;\s*boundary\s*=\s*(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
  const boundary = match?.[1] ?? match?.[2];
  if (!boundary) throw new MalformedBody('multipart content type without a boundary');
  if (boundary.length > 70) throw new MalformedBody('multipart boundary longer than 70 characters');
  return boundary;
}

export function parseMultipart(body: Buffer, contentType: string): Part[] {
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
    parts.push({ ...disposition(headers.get('content-disposition'), parts.length + 1), contentType: headers.get('content-type'), data: body.subarray(at, end) });
    at = end + CRLF.length;
  }
}

function parseHeaders(text: string, partNumber: number): Map<string, string> {
  const headers = new Map<string, string>();
  for (const line of text.split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon <= 0) throw new MalformedBody(`part ${partNumber} has a header line without a name`);
    headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
  }
  return headers;
}

function disposition(header: string | undefined, partNumber: number): { name: string; filename?: string } {
  if (!header || !/^form-data\s*(;|$)/i.test(header)) {
    throw new MalformedBody(`part ${partNumber} has no 'Content-Disposition: form-data' header`);
  }
  const params = new Map<string, string>();
  for (const match of header.matchAll(/;\s*([^=;\s]+)\s*=\s*("(?:[^"\\]|\\.)*"|[^;]*)/g)) {
    const raw = match[2]!.trim();
    params.set(match[1]!.toLowerCase(), raw.startsWith('"') ? raw.slice(1, -1).replace(/\\(.)/g, '$1') : raw);
  }
  const name = params.get('name');
  if (name === undefined) throw new MalformedBody(`part ${partNumber} has no field name`);
  const extended = params.get('filename*');
  const filename = extended !== undefined ? decodeExtended(extended) : unescapeHtmlFormName(params.get('filename'));
  return filename === undefined ? { name } : { name, filename };
}

/** Browsers write '"', CR and LF in names as %22, %0D and %0A (HTML's form encoding). */
function unescapeHtmlFormName(name: string | undefined): string | undefined {
  return name?.replace(/%22/g, '"').replace(/%0D/gi, '\r').replace(/%0A/gi, '\n');
}

/** RFC 5987: UTF-8''na%C3%AFve.xlsx */
function decodeExtended(value: string): string {
  const match = /^[^']*'[^']*'(.*)$/.exec(value);
  try {
    return decodeURIComponent(match?.[1] ?? value);
  } catch {
    return value;
  }
}
