// A request body sent with Content-Encoding (gzip, deflate, br) is decoded before files are looked
// for in it: otherwise a compressed JSON or multipart body would hide its files from the scan.
// The bytes forwarded stay the compressed ones the client sent.
import { brotliDecompressSync, gunzipSync, inflateSync } from 'node:zlib';
import { MalformedBody } from './multipart.js';

const DECODERS: Record<string, (body: Buffer, options: { maxOutputLength: number }) => Buffer> = {
  gzip: gunzipSync,
  'x-gzip': gunzipSync,
  deflate: inflateSync,
  br: brotliDecompressSync,
};

export function decodeContent(body: Buffer, header: string | undefined, maxBytes: number): Buffer {
  // Codings are listed in the order they were applied, so they are undone from the last.
  const codings = (header ?? '').split(',').map((c) => c.trim().toLowerCase()).filter((c) => c !== '' && c !== 'identity').reverse();
  let decoded = body;
  for (const coding of codings) {
    const decoder = DECODERS[coding];
    if (!decoder) throw new MalformedBody(`unsupported content-encoding '${coding}'`);
    try {
      decoded = decoder(decoded, { maxOutputLength: maxBytes });
    } catch (error) {
      throw new MalformedBody(`body could not be decoded as ${coding} within ${maxBytes} bytes: ${(error as Error).message}`);
    }
  }
  return decoded;
}
