// The ICAP wire format (RFC 3507): a request head, an Encapsulated header naming where the HTTP
// header block and body start, and the body in HTTP/1.1 chunks, where a preview ends in a
// zero chunk that says 'ieof' when it already was the whole body. Read straight off the socket
// with backpressure, so a body of any size passes in pieces (no 64 KB or 8 MB cliff).
import type { Socket } from 'node:net';

/** The client broke the protocol: answered with 400 and the connection closed. */
export class IcapError extends Error {}

/** Longest ICAP or encapsulated HTTP head accepted; a body has no such limit. */
const MAX_HEAD_BYTES = 64 * 1024;

export class IcapReader {
  private buffered: Buffer = Buffer.alloc(0);
  private readonly chunks: AsyncIterator<Buffer>;

  constructor(socket: Socket) {
    this.chunks = (socket as AsyncIterable<Buffer>)[Symbol.asyncIterator]();
  }

  /** False when the connection ended cleanly between messages. */
  async more(): Promise<boolean> {
    return this.buffered.length > 0 || this.fill();
  }

  private async fill(): Promise<boolean> {
    const next = await this.chunks.next();
    if (next.done) return false;
    this.buffered = this.buffered.length ? Buffer.concat([this.buffered, next.value]) : next.value;
    return true;
  }

  /** Bytes up to and including `delimiter`. */
  async until(delimiter: string, what: string): Promise<Buffer> {
    for (;;) {
      const at = this.buffered.indexOf(delimiter);
      if (at >= 0) return this.take(at + delimiter.length);
      if (this.buffered.length > MAX_HEAD_BYTES) throw new IcapError(`${what} longer than ${MAX_HEAD_BYTES} bytes`);
      if (!(await this.fill())) throw new IcapError(`connection ended inside the ${what}`);
    }
  }

  async exact(length: number, what: string): Promise<Buffer> {
    while (this.buffered.length < length) {
      if (!(await this.fill())) throw new IcapError(`connection ended inside the ${what}`);
    }
    return this.take(length);
  }

  /** Up to `length` bytes, as soon as any are there: a large chunk is passed on in pieces. */
  async some(length: number, what: string): Promise<Buffer> {
    if (this.buffered.length === 0 && !(await this.fill())) throw new IcapError(`connection ended inside the ${what}`);
    return this.take(Math.min(length, this.buffered.length));
  }

  private take(length: number): Buffer {
    const out = this.buffered.subarray(0, length);
    this.buffered = this.buffered.subarray(length);
    return out;
  }
}

export interface IcapHead {
  method: string;
  uri: string;
  /** Lower-cased names. */
  headers: Map<string, string>;
}

export async function readIcapHead(reader: IcapReader): Promise<IcapHead> {
  const lines = (await reader.until('\r\n\r\n', 'ICAP head')).toString('latin1').slice(0, -4).split('\r\n');
  const match = /^([A-Z]+) (\S+) ICAP\/1\.0$/.exec(lines[0] ?? '');
  if (!match) throw new IcapError(`not an ICAP/1.0 request line: '${(lines[0] ?? '').slice(0, 100)}'`);
  return { method: match[1]!, uri: match[2]!, headers: headerMap(lines.slice(1)) };
}

function headerMap(lines: string[]): Map<string, string> {
  const headers = new Map<string, string>();
  for (const line of lines) {
    const colon = line.indexOf(':');
    if (colon <= 0) throw new IcapError(`malformed header line: '${line.slice(0, 100)}'`);
    headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
  }
  return headers;
}

export interface Encapsulated {
  /** Length of the HTTP request header block (0 when there is none). */
  reqHdr: number;
  hasBody: boolean;
}

/** `req-hdr=0, req-body=N` or `req-hdr=0, null-body=N` (RFC 3507 section 4.4.1). */
export function parseEncapsulated(value: string | undefined): Encapsulated {
  if (value === undefined) throw new IcapError('Encapsulated header missing');
  const parts = value.split(',').map((part) => /^\s*(req-hdr|req-body|null-body)=(\d+)\s*$/.exec(part));
  if (parts.some((part) => !part)) throw new IcapError(`Encapsulated header not understood for REQMOD: '${value}'`);
  const offsets = new Map(parts.map((part) => [part![1]!, Number(part![2])]));
  const reqHdr = offsets.get('req-hdr');
  const end = offsets.get('req-body') ?? offsets.get('null-body');
  if (end === undefined || offsets.size !== parts.length || (reqHdr !== undefined && reqHdr !== 0)) {
    throw new IcapError(`Encapsulated header must be 'req-hdr=0, req-body=N' or 'req-hdr=0, null-body=N', got '${value}'`);
  }
  return { reqHdr: reqHdr === undefined ? 0 : end, hasBody: offsets.has('req-body') };
}

export interface HttpRequestHead {
  method: string;
  target: string;
  /** Raw header lines in order, names as sent. */
  headers: [string, string][];
}

export function parseHttpRequestHead(block: Buffer): HttpRequestHead {
  const text = block.toString('latin1');
  if (!text.endsWith('\r\n\r\n')) throw new IcapError('the encapsulated HTTP request header does not end with an empty line');
  const lines = text.slice(0, -4).split('\r\n');
  const match = /^([!#$%&'*+.^_`|~0-9A-Za-z-]+) (\S+) HTTP\/1\.[01]$/.exec(lines[0] ?? '');
  if (!match) throw new IcapError(`not an HTTP request line: '${(lines[0] ?? '').slice(0, 100)}'`);
  const headers = lines.slice(1).map((line): [string, string] => {
    const colon = line.indexOf(':');
    if (colon <= 0) throw new IcapError(`malformed HTTP header line: '${line.slice(0, 100)}'`);
    return [line.slice(0, colon).trim(), line.slice(colon + 1).trim()];
  });
  return { method: match[1]!, target: match[2]!, headers };
}

export interface ChunkHeader {
  size: number;
  ieof: boolean;
}

export async function readChunkHeader(reader: IcapReader): Promise<ChunkHeader> {
  const line = (await reader.until('\r\n', 'chunk size line')).toString('latin1').slice(0, -2);
  const match = /^([0-9a-fA-F]{1,12})\s*(;.*)?$/.exec(line);
  if (!match) throw new IcapError(`malformed chunk size line: '${line.slice(0, 100)}'`);
  const size = parseInt(match[1]!, 16);
  const ieof = /;\s*ieof\s*$/.test(match[2] ?? '');
  if (ieof && size !== 0) throw new IcapError('ieof on a chunk that is not the last');
  return { size, ieof };
}

export async function expectCrlf(reader: IcapReader): Promise<void> {
  if ((await reader.exact(2, 'chunk')).toString('latin1') !== '\r\n') throw new IcapError('chunk data not followed by CRLF');
}

/** Reads chunks up to the zero chunk; true when it said 'ieof' (the preview was the whole body). */
export async function pumpChunks(reader: IcapReader, write: (piece: Buffer) => Promise<void>): Promise<boolean> {
  for (;;) {
    const { size, ieof } = await readChunkHeader(reader);
    if (size === 0) {
      if ((await reader.until('\r\n', 'end of body')).length !== 2) throw new IcapError('trailers after the last chunk are not supported');
      return ieof;
    }
    for (let left = size; left > 0; ) {
      const piece = await reader.some(left, 'chunk');
      left -= piece.length;
      await write(piece);
    }
    await expectCrlf(reader);
  }
}

/** Where a RESPMOD message's parts end: `[req-hdr=0, ]res-hdr=N, res-body=M` or `..., null-body=M`. */
export interface RespmodEncapsulated {
  /** Length of the HTTP request header block the gateway sent along (0 when none). */
  reqHdr: number;
  /** Length of the HTTP response header block (0 when none). */
  resHdr: number;
  hasBody: boolean;
}

export function parseRespmodEncapsulated(value: string | undefined): RespmodEncapsulated {
  if (value === undefined) throw new IcapError('Encapsulated header missing');
  const parts = value.split(',').map((part) => /^\s*(req-hdr|res-hdr|res-body|null-body)=(\d+)\s*$/.exec(part));
  if (parts.some((part) => !part)) throw new IcapError(`Encapsulated header not understood for RESPMOD: '${value}'`);
  const names = parts.map((part) => part![1]!);
  const offsets = parts.map((part) => Number(part![2]));
  const shape = names.join(',');
  const ordered = offsets.every((offset, i) => i === 0 ? offset === 0 : offset >= offsets[i - 1]!);
  if (!ordered || !['req-hdr,res-hdr,res-body', 'req-hdr,res-hdr,null-body', 'res-hdr,res-body', 'res-hdr,null-body', 'req-hdr,null-body', 'null-body'].includes(shape)) {
    throw new IcapError(`Encapsulated header must be '[req-hdr=0, ]res-hdr=N, res-body=M' (or null-body), got '${value}'`);
  }
  const at = (name: string) => offsets[names.indexOf(name)];
  const end = at('res-body') ?? at('null-body')!;
  const resStart = at('res-hdr');
  return { reqHdr: resStart ?? end, resHdr: resStart === undefined ? 0 : end - resStart, hasBody: names.includes('res-body') };
}

/** One ICAP response head; `Encapsulated` and the rest come from the caller. */
export function icapHead(status: number, reason: string, headers: Record<string, string | number>): Buffer {
  const lines = [`ICAP/1.0 ${status} ${reason}`, ...Object.entries(headers).map(([name, value]) => `${name}: ${value}`)];
  return Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1');
}

export function chunk(data: Buffer): Buffer[] {
  return data.length ? [Buffer.from(`${data.length.toString(16)}\r\n`, 'latin1'), data, Buffer.from('\r\n')] : [];
}

export const LAST_CHUNK = Buffer.from('0\r\n\r\n');
