// The portal's answer to an upload, brought by the gateway's RESPMOD call. Through ICAP the
// pipeline's upstream is the local verdict server, so the portal's answer (which names the
// attachment ids the approvers' ledger is keyed by) never reaches the pipeline. With the RESPMOD
// service configured too, it does: the verdict server keeps its answer to a passed upload open
// (headers sent, body not yet), the REQMOD answer names it in the ICAP header
// X-Export-Guard-Upload, which Squid hands to the RESPMOD call of the same transaction
// (adaptation_masterx_shared_names), and the RESPMOD call ends it with the portal's answer. The
// pipeline then records the attachments exactly as the proxy does from the portal's answer.
import type { ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { randomUUID } from 'node:crypto';
import { chunk, icapHead, IcapError, LAST_CHUNK, parseRespmodEncapsulated, pumpChunks, type IcapHead, type IcapReader } from './wire.js';

/** ICAP header carrying an upload's key from its REQMOD answer to its RESPMOD call. */
export const UPLOAD_KEY_HEADER = 'X-Export-Guard-Upload';
/** As the proxy reads the portal's answer (proxy/attachments.ts): a larger answer is not read for ids. */
const MAX_ANSWER_BYTES = 1024 * 1024;

interface Held {
  res: ServerResponse;
  timer: NodeJS.Timeout;
}

/** Verdict-server answers to passed uploads, held until the portal's answer comes or `waitMs` passes. */
export class UploadAnswers {
  private readonly held = new Map<string, Held>();

  constructor(private readonly waitMs: number) {}

  get size(): number {
    return this.held.size;
  }

  /** Sends `headers`, with the new key in `keyHeader`, and keeps the body open; the key goes into the REQMOD answer. */
  hold(res: ServerResponse, headers: Record<string, string>, keyHeader: string): string {
    const key = randomUUID();
    res.writeHead(200, { ...headers, [keyHeader]: key, 'content-type': 'application/json' });
    // A first byte, so that the proxy in between sends the headers on now (it does with the first
    // body chunk); JSON allows leading white space, so the portal's answer still parses after it.
    res.write(' ');
    // No RESPMOD call came (the gateway's answer was an error, the browser went away): nothing is recorded.
    const timer = setTimeout(() => this.end(key), this.waitMs);
    timer.unref();
    this.held.set(key, { res, timer });
    return key;
  }

  has(key: string | undefined): boolean {
    return key !== undefined && this.held.has(key);
  }

  /** Ends a held answer: with the portal's body when that was a 2xx JSON answer, else empty (nothing recorded). */
  end(key: string, answer?: { status: number; contentType: string; body: Buffer }): void {
    const held = this.held.get(key);
    if (!held) return;
    this.held.delete(key);
    clearTimeout(held.timer);
    const usable = answer && answer.status >= 200 && answer.status <= 299 && /^application\/([a-z.+-]*\+)?json/i.test(answer.contentType);
    held.res.end(usable ? answer.body : undefined);
  }

  endAll(): void {
    for (const key of [...this.held.keys()]) this.end(key);
  }
}

/**
 * One RESPMOD exchange: the response is always passed unchanged (204 when allowed, else echoed);
 * an upload's answer is read to its end (at most MAX_ANSWER_BYTES kept) and handed to `answers`.
 */
export async function answerRespmod(socket: Socket, reader: IcapReader, head: IcapHead, istag: string, answers: UploadAnswers): Promise<void> {
  const encapsulated = parseRespmodEncapsulated(head.headers.get('encapsulated'));
  if (encapsulated.reqHdr) await reader.exact(encapsulated.reqHdr, 'encapsulated HTTP request header');
  const resHdr = encapsulated.resHdr ? await reader.exact(encapsulated.resHdr, 'encapsulated HTTP response header') : Buffer.alloc(0);
  const key = head.headers.get(UPLOAD_KEY_HEADER.toLowerCase());
  const upload = answers.has(key);
  const allow204 = (head.headers.get('allow') ?? '').split(',').some((value) => value.trim() === '204');
  const kept: Buffer[] = [];
  let keptBytes = 0;
  const keep = async (piece: Buffer) => {
    keptBytes += piece.length;
    if (keptBytes <= MAX_ANSWER_BYTES) kept.push(piece);
  };
  let complete = !encapsulated.hasBody;
  if (encapsulated.hasBody) complete = (await pumpChunks(reader, keep)) || !head.headers.has('preview');
  if (!upload && allow204) {
    // Not an upload's answer: after its preview (or all of it) the gateway may send it on as it is.
    socket.write(icapHead(204, 'No Content', { ISTag: istag, Encapsulated: 'null-body=0' }));
    return;
  }
  if (!complete) socket.write(icapHead(100, 'Continue', {}));
  // Echoed as it comes; the ICAP answer starts before the rest of the body is read.
  socket.write(icapHead(200, 'OK', { ISTag: istag, Encapsulated: encapsulated.hasBody ? `res-hdr=0, res-body=${resHdr.length}` : `res-hdr=0, null-body=${resHdr.length}` }));
  socket.write(resHdr);
  if (encapsulated.hasBody) {
    for (const piece of kept) for (const part of chunk(piece)) socket.write(part);
    if (!complete) {
      await pumpChunks(reader, async (piece) => {
        await keep(piece);
        for (const part of chunk(piece)) socket.write(part);
      });
    }
    socket.write(LAST_CHUNK);
  }
  if (upload) answers.end(key!, keptBytes <= MAX_ANSWER_BYTES ? { ...statusAndType(resHdr), body: Buffer.concat(kept) } : undefined);
}

function statusAndType(resHdr: Buffer): { status: number; contentType: string } {
  const text = resHdr.toString('latin1');
  const status = /^HTTP\/1\.[01] (\d{3})/.exec(text);
  if (!status) throw new IcapError(`not an HTTP status line: '${text.slice(0, 100)}'`);
  return { status: Number(status[1]), contentType: /\r\ncontent-type:\s*([^\r\n]*)/i.exec(text)?.[1] ?? '' };
}
