// Raw deflate (zip entries) inflated by the platform's own inflater where the host hands one
// over: Node's zlib, given by the proxy's scan workers (proxy/scan-pool/worker.ts) and the CLI,
// inflates sheet XML faster than fflate, and is called synchronously, as the readers above zip.ts
// read parts. The browser's DecompressionStream is asynchronous only: the scanner frame hands it
// over as an inflater ahead (useAheadInflater), with which the zip reader inflates an office
// file's large parts before the readers start (ZipContainer.inflateAhead).
//
// The caps stay fflate's: the platform inflater is given the same output bound (the caller's
// `max`) and is used only when it inflates the stream without complaint; a stream it refuses or
// that would exceed the bound is inflated again by fflate, so that damage is classified
// (truncated or corrupt) as before, byte for byte. test/detector/inflate.test.ts holds both to the
// same answers.
import { inflateSync } from 'fflate';

/**
 * Inflates raw deflate data into at most `maxOutputLength` bytes, throwing when the stream is
 * damaged or would produce more (node:zlib's inflateRawSync has this shape).
 */
export type RawInflater = (data: Uint8Array, options: { maxOutputLength: number; chunkSize: number }) => Uint8Array;

let platform: RawInflater | undefined;
/** The smallest output chunk node:zlib accepts. */
const MIN_CHUNK = 64;

/** For hosts that have a synchronous raw inflater (Node: zlib.inflateRawSync); undefined goes back to fflate. */
export function useRawInflater(inflater: RawInflater | undefined): void {
  platform = inflater;
}

/**
 * Inflates raw deflate data into at most `max` bytes; undefined for a stream it cannot inflate
 * (damaged, or longer than `max`), which fflate then reads as it always has.
 */
export type AheadInflater = (data: Uint8Array, max: number) => Promise<Uint8Array | undefined>;

let ahead: AheadInflater | undefined;

/** For hosts whose own inflater is asynchronous (the browser: inflateByStream); undefined turns it off. */
export function useAheadInflater(inflater: AheadInflater | undefined): void {
  ahead = inflater;
}

export function aheadInflater(): AheadInflater | undefined {
  return ahead;
}

/** Which inflater is in use. */
export function platformInflater(): 'platform' | 'ahead' | 'fflate' {
  return platform ? 'platform' : ahead ? 'ahead' : 'fflate';
}

/**
 * DecompressionStream('deflate-raw') (Chromium, Firefox, Node) as an AheadInflater: the output
 * goes into one buffer of `max` bytes, and the stream is cancelled as soon as it would overflow it,
 * so a part never takes more memory than its bound.
 */
export async function inflateByStream(data: Uint8Array, max: number): Promise<Uint8Array | undefined> {
  const out = new Uint8Array(max);
  let length = 0;
  try {
    const reader = new Blob([data as Uint8Array<ArrayBuffer>]).stream().pipeThrough(new DecompressionStream('deflate-raw')).getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return out.subarray(0, length);
      if (length + value.length > max) {
        await reader.cancel();
        return undefined;
      }
      out.set(value, length);
      length += value.length;
    }
  } catch {
    return undefined;
  }
}

/**
 * Inflates raw deflate data into a buffer of `max` bytes, as fflate's inflateSync with an output
 * buffer of that size does: a stream that produces more is decoded into nowhere and the result is
 * `max` bytes long; damage throws fflate's errors ('unexpected EOF', 'invalid ...').
 */
export function inflateRawBounded(data: Uint8Array, max: number): Uint8Array {
  return inflatedByPlatform(data, max) ?? inflateSync(data, { out: new Uint8Array(max) });
}

/**
 * The platform inflater's output of at most `max` bytes; undefined where the host has none, or
 * when it refuses the stream (damaged, or more than `max`): fflate then says which, as it always has.
 */
export function inflatedByPlatform(data: Uint8Array, max: number): Uint8Array | undefined {
  if (!platform || data.length === 0) return undefined;
  try {
    // One output buffer of the bound, as fflate is given: zlib's default 16 kB chunks cost a
    // call each and a copy to join them, 2 to 5 ms of a 6 to 17 MB sheet.
    const out = platform(data, { maxOutputLength: max, chunkSize: Math.max(MIN_CHUNK, max) });
    return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
  } catch {
    return undefined;
  }
}
