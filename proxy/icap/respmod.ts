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
  /** Settles when the pipeline has finished the request (and so recorded the upload). */
  finished?: Promise<void>;
}

/** How long the RESPMOD answer waits for the pipeline to finish recording before it ends anyway. */
const RECORD_WAIT_MS = 10_000;

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

  /** The REQMOD side's view of the request: settles once the pipeline has read the held answer to its end. */
  finishing(key: string, finished: Promise<void>): void {
    const held = this.held.get(key);
    if (held) held.finished = finished;
  }

  has(key: string | undefined): boolean {
    return key !== undefined && this.held.has(key);
  }

  /**
   * Ends a held answer: with the portal's body when that was a 2xx JSON answer, else empty
   * (nothing recorded). Resolves once the pipeline has read it (and so recorded the upload).
   */
  async end(key: string, answer?: { status: number; contentType: string; body: Buffer }): Promise<void> {
    const held = this.held.get(key);
    if (!held) return;
    this.held.delete(key);
    clearTimeout(held.timer);
    const usable = answer && answer.status >= 200 && answer.status <= 299 && /^application\/([a-z.+-]*\+)?json/i.test(answer.contentType);
    held.res.end(usable ? answer.body : undefined);
    if (!held.finished) return;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([held.finished, new Promise<void>((resolve) => (timer = setTimeout(resolve, RECORD_WAIT_MS)))]);
    clearTimeout(timer);
  }

  endAll(): void {
    for (const key of [...this.held.keys()]) void this.end(key);
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
  const previewed = encapsulated.hasBody && head.headers.has('preview');
  const preview: Buffer[] = [];
  // The body's end already came with the preview ('ieof'), or there is no body.
  const complete = !encapsulated.hasBody || (previewed && (await pumpChunks(reader, async (piece) => void preview.push(piece))));
  if (!upload && allow204) {
    // Not an upload's answer: the gateway sends it on as it is (after its preview, or all of it).
    if (!complete && !previewed) await pumpChunks(reader, async () => undefined);
    socket.write(icapHead(204, 'No Content', { ISTag: istag, Encapsulated: 'null-body=0' }));
    return;
  }
  if (!complete && previewed) socket.write(icapHead(100, 'Continue', {}));
  // Echoed as it comes; for an upload's answer the first MAX_ANSWER_BYTES are kept for the ledger.
  socket.write(icapHead(200, 'OK', { ISTag: istag, Encapsulated: encapsulated.hasBody ? `res-hdr=0, res-body=${resHdr.length}` : `res-hdr=0, null-body=${resHdr.length}` }));
  socket.write(resHdr);
  const kept: Buffer[] = [];
  let keptBytes = 0;
  const echo = async (piece: Buffer) => {
    keptBytes += piece.length;
    if (upload && keptBytes <= MAX_ANSWER_BYTES) kept.push(piece);
    for (const part of chunk(piece)) socket.write(part);
  };
  for (const piece of preview) await echo(piece);
  if (!complete) await pumpChunks(reader, echo);
  // Recorded before the browser has the answer: a send naming the new attachment finds it in the ledger.
  if (upload) await answers.end(key!, keptBytes <= MAX_ANSWER_BYTES ? { ...statusAndType(resHdr), body: Buffer.concat(kept) } : undefined);
  if (encapsulated.hasBody) socket.write(LAST_CHUNK);
}

function statusAndType(resHdr: Buffer): { status: number; contentType: string } {
  const text = resHdr.toString('latin1');
  const status = /^HTTP\/1\.[01] (\d{3})/.exec(text);
  if (!status) throw new IcapError(`not an HTTP status line: '${text.slice(0, 100)}'`);
  return { status: Number(status[1]), contentType: /\r\ncontent-type:\s*([^\r\n]*)/i.exec(text)?.[1] ?? '' };
}
