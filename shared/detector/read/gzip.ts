// Gzip: one compressed file. Its trailer's size field is only the size modulo 4 GiB, so the
// caps are enforced on the bytes actually produced; the trailer (CRC-32 and size) is checked
// after, so that a cut-off or damaged file is blocked rather than read in part.
import { Gunzip } from 'fflate';
import { inflateBounded } from './zip.js';
import { crc32 } from './crc32.js';
import { stop, type ReadSession } from './session.js';

export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 3 && bytes[0] === 0x1f && bytes[1] === 0x8b && bytes[2] === 8;
}

export function gunzipBounded(bytes: Uint8Array, path: string, session: ReadSession): Uint8Array {
  const limit = session.limits.archive.maxInflatedBytes;
  const initialSize = Math.min(limit, Math.max(64 * 1024, bytes.length * 4));
  const inflated = inflateBounded(new Gunzip(), bytes, { limit, initialSize }, path, session, () =>
    stop('archive-too-large', path, `inflates to more than ${limit} bytes`),
  );
  const trailer = new DataView(bytes.buffer, bytes.byteOffset + bytes.length - 8, 8);
  if (trailer.getUint32(4, true) !== inflated.length >>> 0) stop('truncated', path, 'gzip size does not match its trailer');
  if (trailer.getUint32(0, true) !== crc32(inflated)) stop('corrupt', path, 'gzip checksum does not match');
  return inflated;
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
