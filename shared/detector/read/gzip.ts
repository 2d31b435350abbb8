// Gzip: one compressed file. Its trailer's size field is only the size modulo 4 GiB, so the
// caps are enforced on the bytes actually produced.
import { Gunzip } from 'fflate';
import { inflateBounded } from './zip.js';
import { stop, type ReadSession } from './session.js';

export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 3 && bytes[0] === 0x1f && bytes[1] === 0x8b && bytes[2] === 8;
}

export function gunzipBounded(bytes: Uint8Array, path: string, session: ReadSession): Uint8Array {
  const limit = session.limits.archive.maxInflatedBytes;
  const initialSize = Math.min(limit, Math.max(64 * 1024, bytes.length * 4));
  return inflateBounded(new Gunzip(), bytes, { limit, initialSize }, path, session, () =>
    stop('archive-too-large', path, `inflates to more than ${limit} bytes`),
  );
}

/** The name stored in the gzip header (FNAME), or '' when there is none. */
export function gzipName(bytes: Uint8Array): string {
  const flags = bytes[3] ?? 0;
  if ((flags & 8) === 0) return '';
  let at = 10;
  if (flags & 4) at += 2 + ((bytes[10] ?? 0) | ((bytes[11] ?? 0) << 8));
  const end = bytes.indexOf(0, at);
  return end < 0 ? '' : new TextDecoder('latin1').decode(bytes.subarray(at, end));
}
