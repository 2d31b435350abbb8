// Tar archives (ustar, GNU and pax, as tar, bsdtar and 7-Zip write them): a stream of 512-byte
// headers, each followed by its file's bytes. Nothing is compressed, so the archive caps that
// apply are the number of entries and the depth; every header's checksum is checked, and a file
// that runs past the end is 'truncated'.
import { stop, type ReadSession } from './session.js';
import { join } from './zip.js';

const BLOCK = 512;

export interface TarEntry {
  name: string;
  data: Uint8Array;
}

/** A tar starts with a header whose checksum is right: ustar and GNU tar say so at offset 257 too. */
export function isTar(bytes: Uint8Array): boolean {
  return bytes.length >= BLOCK && !isZeroBlock(bytes, 0) && checksumMatches(bytes, 0);
}

/** The regular files of the archive, in order; folders, links and devices hold no data. */
export function readTar(bytes: Uint8Array, path: string, session: ReadSession): TarEntry[] {
  const entries: TarEntry[] = [];
  // Long names come in a header of their own before the file they name (GNU 'L', pax 'x').
  let nextName: string | undefined;
  let at = 0;
  while (at + BLOCK <= bytes.length) {
    if (isZeroBlock(bytes, at)) break;
    if (!checksumMatches(bytes, at)) stop('corrupt', path, `tar header at ${at} has a wrong checksum`);
    const size = octal(bytes, at + 124, 12, path);
    const type = String.fromCharCode(bytes[at + 156] ?? 0);
    const dataStart = at + BLOCK;
    const dataEnd = dataStart + size;
    const name = nextName ?? headerName(bytes, at);
    if (dataEnd > bytes.length) stop('truncated', join(path, name), 'tar entry runs past the end of the file');
    const data = bytes.subarray(dataStart, dataEnd);
    nextName = undefined;
    if (type === 'L') nextName = cString(data);
    else if (type === 'x') nextName = paxPath(data);
    else if (type === '0' || type === '\0' || type === '7') {
      session.countEntries(1, path);
      entries.push({ name, data });
    }
    at = dataStart + Math.ceil(size / BLOCK) * BLOCK;
    session.checkpoint(path);
  }
  return entries;
}

function isZeroBlock(bytes: Uint8Array, at: number): boolean {
  for (let i = at; i < at + BLOCK; i++) if (bytes[i] !== 0) return false;
  return true;
}

/** The sum of the header's bytes with the checksum field as spaces, written in octal at 148. */
function checksumMatches(bytes: Uint8Array, at: number): boolean {
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 0x20 : (bytes[at + i] as number);
  const field = cString(bytes.subarray(at + 148, at + 156)).trim();
  return /^[0-7]+$/.test(field) && parseInt(field, 8) === sum;
}

/** Sizes are octal text, or big-endian binary with the high bit set (GNU, for files over 8 GB). */
function octal(bytes: Uint8Array, at: number, length: number, path: string): number {
  if ((bytes[at] ?? 0) & 0x80) {
    let value = (bytes[at] as number) & 0x7f;
    for (let i = 1; i < length; i++) value = value * 256 + (bytes[at + i] as number);
    return value;
  }
  const field = cString(bytes.subarray(at, at + length)).trim();
  if (!/^[0-7]*$/.test(field)) stop('corrupt', path, 'tar header has a size that is not a number');
  return field === '' ? 0 : parseInt(field, 8);
}

/** ustar splits long names into a prefix (345) and a name (0). */
function headerName(bytes: Uint8Array, at: number): string {
  const name = cString(bytes.subarray(at, at + 100));
  const ustar = cString(bytes.subarray(at + 257, at + 263)).startsWith('ustar');
  const prefix = ustar ? cString(bytes.subarray(at + 345, at + 500)) : '';
  return prefix ? `${prefix}/${name}` : name;
}

/** A pax extended header: records 'length key=value\n'; only the path matters here. */
function paxPath(data: Uint8Array): string | undefined {
  const text = new TextDecoder().decode(data);
  return /(?:^|\n)\d+ path=([^\n]*)\n/.exec(text)?.[1];
}

function cString(bytes: Uint8Array): string {
  const end = bytes.indexOf(0);
  return new TextDecoder().decode(end < 0 ? bytes : bytes.subarray(0, end));
}
