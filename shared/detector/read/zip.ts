// Zip containers (archives and the zip inside xlsx/ods) read from the central directory, with the
// caps checked twice: on the sizes the directory declares before anything is inflated, and on the
// bytes really produced while inflating, so a lying header cannot make us inflate a bomb.
import { Inflate, inflateSync } from 'fflate';
import { ReadStop, stop, type ReadSession } from './session.js';

export interface ZipEntry {
  name: string;
  method: number;
  encrypted: boolean;
  compressedSize: number;
  size: number;
  localHeaderOffset: number;
}

const EOCD_SIGNATURE = 0x06054b50;
const CENTRAL_SIGNATURE = 0x02014b50;
const LOCAL_SIGNATURE = 0x04034b50;
const ZIP64_EOCD_LOCATOR = 0x07064b50;
const ZIP64_EOCD = 0x06064b50;
/** Input fed to the streaming inflater per step: deflate expands at most ~1032x, so one step stays bounded. */
const INFLATE_STEP = 64 * 1024;
/**
 * Entries up to this compressed size are inflated in one call into a buffer of exactly their
 * declared size, as fast as fflate goes: memory stays bounded by the declared size (already
 * checked against the caps) and a header that lies is caught right after. The price of a lie is
 * bounded too: at most ~1032 x 4 MiB of output decoded into nowhere, a few seconds once.
 * Larger entries are streamed with checks between steps.
 */
const ONE_CALL_MAX_COMPRESSED = 4 * 1024 * 1024;

/**
 * A zip starts with a local header, or (damaged at the front, or with something prepended) still
 * ends with an end-of-central-directory record, which is what zip readers go by.
 */
export function isZip(bytes: Uint8Array): boolean {
  const startsLikeZip = bytes.length >= 4 && bytes[0] === 0x50 && bytes[1] === 0x4b && (bytes[2] === 3 || bytes[2] === 5) && (bytes[3] === 4 || bytes[3] === 6);
  return startsLikeZip || findEndOfCentralDirectory(new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)) >= 0;
}

/** The entries of the central directory. Directories are left out. */
function listZip(bytes: Uint8Array, path: string, session: ReadSession): ZipEntry[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const eocd = findEndOfCentralDirectory(view);
  if (eocd < 0) {
    // Local headers but no directory at the end: the file was cut off.
    if (hasLocalHeader(view)) stop('truncated', path, 'no central directory: the zip is cut off');
    stop('corrupt', path, 'no central directory');
  }
  let count = view.getUint16(eocd + 10, true);
  let offset = view.getUint32(eocd + 16, true);
  if (count === 0xffff || offset === 0xffffffff) ({ count, offset } = zip64Directory(view, eocd, path));
  session.countEntries(count, path);
  const entries: ZipEntry[] = [];
  const decoder = new TextDecoder();
  for (let i = 0; i < count; i++) {
    if (offset + 46 > view.byteLength || view.getUint32(offset, true) !== CENTRAL_SIGNATURE) stop('corrupt', path, `central directory entry ${i} is damaged`);
    const nameLength = view.getUint16(offset + 28, true);
    const extraLength = view.getUint16(offset + 30, true);
    const commentLength = view.getUint16(offset + 32, true);
    if (offset + 46 + nameLength + extraLength > view.byteLength) stop('corrupt', path, `central directory entry ${i} runs past the end`);
    const entry: ZipEntry = {
      name: decoder.decode(bytes.subarray(offset + 46, offset + 46 + nameLength)),
      method: view.getUint16(offset + 10, true),
      encrypted: (view.getUint16(offset + 8, true) & 1) === 1,
      compressedSize: view.getUint32(offset + 20, true),
      size: view.getUint32(offset + 24, true),
      localHeaderOffset: view.getUint32(offset + 42, true),
    };
    applyZip64Extra(entry, view, offset + 46 + nameLength, extraLength);
    if (!entry.name.endsWith('/')) entries.push(entry);
    offset += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

/** Names from the local headers, front to back: what is left to go on when the directory is missing. */
export function localHeaderNames(bytes: Uint8Array): string[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const names: string[] = [];
  for (let at = 0; at + 30 <= bytes.length && view.getUint32(at, true) === LOCAL_SIGNATURE && names.length < 1000; ) {
    const nameLength = view.getUint16(at + 26, true);
    names.push(new TextDecoder().decode(bytes.subarray(at + 30, at + 30 + nameLength)));
    // With a data descriptor (flag bit 3) the size is only known after the data: stop there.
    if (view.getUint16(at + 6, true) & 8) break;
    at += 30 + nameLength + view.getUint16(at + 28, true) + view.getUint32(at + 18, true);
  }
  return names;
}

function hasLocalHeader(view: DataView): boolean {
  return view.byteLength >= 4 && view.getUint32(0, true) === LOCAL_SIGNATURE;
}

function findEndOfCentralDirectory(view: DataView): number {
  const lowest = Math.max(0, view.byteLength - 22 - 0xffff);
  for (let at = view.byteLength - 22; at >= lowest; at--) {
    if (view.getUint32(at, true) === EOCD_SIGNATURE) return at;
  }
  return -1;
}

function zip64Directory(view: DataView, eocd: number, path: string): { count: number; offset: number } {
  const locator = eocd - 20;
  if (locator < 0 || view.getUint32(locator, true) !== ZIP64_EOCD_LOCATOR) stop('corrupt', path, 'zip64 locator missing');
  const record = Number(view.getBigUint64(locator + 8, true));
  if (record + 56 > view.byteLength || view.getUint32(record, true) !== ZIP64_EOCD) stop('corrupt', path, 'zip64 directory record missing');
  return { count: Number(view.getBigUint64(record + 32, true)), offset: Number(view.getBigUint64(record + 48, true)) };
}

/** Zip64 moves sizes that do not fit 32 bits into extra field 0x0001, in this order. */
function applyZip64Extra(entry: ZipEntry, view: DataView, start: number, length: number): void {
  for (let at = start; at + 4 <= start + length; ) {
    const id = view.getUint16(at, true);
    const size = view.getUint16(at + 2, true);
    if (id === 1) {
      let field = at + 4;
      const next = (): number => {
        const value = field + 8 <= at + 4 + size ? Number(view.getBigUint64(field, true)) : Number.MAX_SAFE_INTEGER;
        field += 8;
        return value;
      };
      if (entry.size === 0xffffffff) entry.size = next();
      if (entry.compressedSize === 0xffffffff) entry.compressedSize = next();
      if (entry.localHeaderOffset === 0xffffffff) entry.localHeaderOffset = next();
      return;
    }
    at += 4 + size;
  }
}

/** An opened zip: its entries by name, read on demand within the session's caps. */
export interface ZipContainer {
  path: string;
  entries: Map<string, ZipEntry>;
  read(name: string): Uint8Array;
  text(name: string): string;
}

export function openZip(bytes: Uint8Array, path: string, session: ReadSession): ZipContainer {
  const list = listZip(bytes, path, session);
  checkDeclaredSizes(list, path, session);
  const entries = new Map(list.map((e) => [e.name, e]));
  const read = (name: string): Uint8Array => {
    const entry = entries.get(name);
    if (!entry) stop('corrupt', join(path, name), 'part missing');
    return readEntry(bytes, entry, path, session);
  };
  return { path, entries, read, text: (name) => new TextDecoder().decode(read(name)) };
}

/** Rejects the archive on its declared sizes before a single byte is inflated. */
function checkDeclaredSizes(entries: ZipEntry[], path: string, session: ReadSession): void {
  let total = 0;
  for (const entry of entries) {
    const where = join(path, entry.name);
    if (entry.encrypted) stop('encrypted', where, 'password-protected zip entry');
    session.checkInflated(entry.size, entry.compressedSize, where);
    total += entry.size;
    session.checkInflated(total, Number.MAX_SAFE_INTEGER, path);
  }
}

export function join(path: string, name: string): string {
  return path === '' ? name : `${path}/${name}`;
}

/** The inflated bytes of one entry; never more than its declared size (a lying header is 'corrupt'). */
function readEntry(bytes: Uint8Array, entry: ZipEntry, path: string, session: ReadSession): Uint8Array {
  const where = join(path, entry.name);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const local = entry.localHeaderOffset;
  if (local + 30 > bytes.length || view.getUint32(local, true) !== LOCAL_SIGNATURE) stop('corrupt', where, 'local header missing');
  const start = local + 30 + view.getUint16(local + 26, true) + view.getUint16(local + 28, true);
  const end = start + entry.compressedSize;
  if (end > bytes.length) stop('truncated', where, 'entry data runs past the end of the file');
  const data = bytes.subarray(start, end);
  if (entry.method === 0) {
    if (data.length !== entry.size) stop('corrupt', where, 'stored entry size does not match its header');
    session.addInflated(data.length);
    return data;
  }
  if (entry.method !== 8) stop('corrupt', where, `unsupported compression method ${entry.method}`);
  if (data.length <= ONE_CALL_MAX_COMPRESSED) return inflateDeclared(data, entry.size, where, session);
  const out = inflateBounded(new Inflate(), data, { limit: entry.size, initialSize: entry.size }, where, session, () =>
    stop('corrupt', where, `inflates to more than the ${entry.size} bytes its header declares`),
  );
  if (out.length !== entry.size) stop('corrupt', where, `inflated to ${out.length} bytes, header says ${entry.size}`);
  return out;
}

function inflateDeclared(data: Uint8Array, size: number, where: string, session: ReadSession): Uint8Array {
  session.checkpoint(where);
  let out: Uint8Array;
  try {
    // One spare byte: output that fills it means the stream is longer than its header says.
    out = inflateSync(data, { out: new Uint8Array(size + 1) });
  } catch (error) {
    inflateFailed(error, where);
  }
  if (out.length > size) stop('corrupt', where, `inflates to more than the ${size} bytes its header declares`);
  if (out.length < size) stop('corrupt', where, `inflated to ${out.length} bytes, header says ${size}`);
  session.addInflated(size);
  return out;
}

function inflateFailed(error: unknown, where: string): never {
  const message = error instanceof Error ? error.message : String(error);
  if (/unexpected EOF/i.test(message)) stop('truncated', where, 'compressed data ends too early');
  return stop('corrupt', where, `cannot inflate: ${message}`);
}

/** fflate's Inflate and Gunzip share this shape. */
export type StreamInflater = Pick<Inflate, 'ondata' | 'push'>;

/** Inflates with a streaming inflater into at most `limit` bytes, checking the caps after every step. */
export function inflateBounded(
  inflater: StreamInflater,
  data: Uint8Array,
  size: { limit: number; initialSize: number },
  where: string,
  session: ReadSession,
  onOverflow: () => never,
): Uint8Array {
  let out = new Uint8Array(size.initialSize);
  let length = 0;
  let overflow = false;
  inflater.ondata = (chunk: Uint8Array) => {
    if (length + chunk.length > size.limit) {
      overflow = true;
      return;
    }
    if (length + chunk.length > out.length) {
      const grown = new Uint8Array(Math.min(size.limit, Math.max(out.length * 2, length + chunk.length)));
      grown.set(out.subarray(0, length));
      out = grown;
    }
    out.set(chunk, length);
    length += chunk.length;
  };
  try {
    for (let at = 0; at < data.length && !overflow; at += INFLATE_STEP) {
      inflater.push(data.subarray(at, at + INFLATE_STEP), at + INFLATE_STEP >= data.length);
      session.checkInflated(length, Math.min(at + INFLATE_STEP, data.length), where);
      session.checkpoint(where);
    }
  } catch (error) {
    if (error instanceof ReadStop) throw error;
    inflateFailed(error, where);
  }
  if (overflow) onOverflow();
  session.addInflated(length);
  return out.subarray(0, length);
}
