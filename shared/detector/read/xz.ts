// xz: one compressed file, decompressed by xz-decompress (XZ Embedded compiled to WebAssembly,
// the same code in Node and in the browser; it checks the stream's CRC). It streams: the caps
// are checked on every chunk it produces, and reading stops (and frees the decoder) as soon as
// one is exceeded, so a bomb is never inflated past the total cap.
// It is loaded on first use (lazy-modules.ts).
import { loadXz } from './lazy-modules.js';
import { ReadStop, stop, type ReadSession } from './session.js';

const MAGIC = [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00];

export function isXz(bytes: Uint8Array): boolean {
  return MAGIC.every((b, i) => bytes[i] === b);
}

export async function unxzBounded(bytes: Uint8Array, path: string, session: ReadSession): Promise<Uint8Array> {
  const input = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(bytes);
      controller.close();
    },
  });
  const xzDecompress = await loadXz();
  const reader = new xzDecompress.XzReadableStream(input).getReader();
  const chunks: Uint8Array[] = [];
  let length = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      length += value.length;
      session.checkInflated(length, bytes.length, path);
      session.checkpoint(path);
    }
  } catch (error) {
    // The decoder is held (one at a time) until its stream ends or is cancelled.
    await reader.cancel().catch(() => undefined);
    if (error instanceof ReadStop) throw error;
    stop('corrupt', path, `cannot decompress xz: ${error instanceof Error ? error.message : String(error)}`);
  }
  session.addInflated(length);
  return concatChunks(chunks, length);
}

export function concatChunks(chunks: Uint8Array[], length: number): Uint8Array {
  if (chunks.length === 1) return chunks[0] as Uint8Array;
  const out = new Uint8Array(length);
  let at = 0;
  for (const chunk of chunks) {
    out.set(chunk, at);
    at += chunk.length;
  }
  return out;
}
