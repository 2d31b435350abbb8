// Raw deflate (zip entries) inflated by the platform's own inflater where it can be called
// synchronously, as the zip reader needs: Node's zlib, two to three times fflate's speed on sheet
// XML. Elsewhere (the browser: DecompressionStream is asynchronous only, and every reader above
// zip.ts reads parts synchronously) it is fflate.
//
// The caps stay fflate's: zlib is given the same output bound (the caller's `max`) and is used
// only when it inflates the stream without complaint; a stream it refuses or that would exceed
// the bound is inflated again by fflate, so that damage is classified (truncated or corrupt) as
// before, byte for byte. test/detector/inflate.test.ts holds both to the same answers.
import { inflateSync } from 'fflate';

/** The part of node:zlib used here. */
interface Zlib {
  inflateRawSync(data: Uint8Array, options: { maxOutputLength: number }): Uint8Array;
}

/** Node 20.16+ and 22.3+ hand out built-in modules without an import, so bundles for the browser never see one. */
const builtin = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process?.getBuiltinModule;
let zlib = builtin?.('node:zlib') as Zlib | undefined;

/** Which inflater is in use: the inflate test runs both. */
export function platformInflater(): 'zlib' | 'fflate' {
  return zlib ? 'zlib' : 'fflate';
}

/** For the inflate test: off leaves fflate alone, as in the browser. */
export function useZlib(on: boolean): void {
  zlib = on ? (builtin?.('node:zlib') as Zlib | undefined) : undefined;
}

/**
 * Inflates raw deflate data into a buffer of `max` bytes, as fflate's inflateSync with an output
 * buffer of that size does: a stream that produces more is decoded into nowhere and the result is
 * `max` bytes long; damage throws fflate's errors ('unexpected EOF', 'invalid ...').
 */
export function inflateRawBounded(data: Uint8Array, max: number): Uint8Array {
  if (zlib && data.length > 0) {
    try {
      const out = zlib.inflateRawSync(data, { maxOutputLength: max });
      return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
    } catch {
      // Damaged, or more than `max`: fflate says which, as it always has.
    }
  }
  return inflateSync(data, { out: new Uint8Array(max) });
}
