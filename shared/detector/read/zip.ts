// Zip containers (archives and the zip inside xlsx/ods) read from the central directory, with the
// caps checked twice: on the sizes the directory declares before anything is inflated, and on the
// bytes really produced while inflating, so a lying header cannot make us inflate a bomb.
import { Inflate } from 'fflate';
import { crc32 } from './crc32.js';
import { aheadInflater, inflatedByPlatform, inflateRawBounded } from './inflate.js';
import { ReadStop, stop, type ReadSession } from './session.js';

export interface ZipEntry {
  name: string;
  method: number;
  encrypted: boolean;
  compressedSize: number;
  size: number;
  crc: number;
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
 * bounded too: at most ~1032 x 4 MiB of output decoded into nowhere, a few seconds once. Where
 * the host hands one over (the CLI and the proxy's scan workers: Node's zlib), the platform
 * inflates them (inflate.ts), and larger ones too.
 * Larger entries are otherwise streamed with checks between steps.
 */
const ONE_CALL_MAX_COMPRESSED = 4 * 1024 * 1024;

/**
 * A zip is what zip readers open: an end-of-central-directory record whose directory is really
 * there (its first entry's signature where the record says), with any bytes prepended to it; or,
 * cut off before its directory, a file that starts with a local header. A stray end-record
 * signature inside other data (an OLE2 stream, a text) makes nothing a zip.
 */
export function isZip(bytes: Uint8Array): boolean {
  const startsLikeZip = bytes.length >= 4 && bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 3 && bytes[3] === 4;
  return startsLikeZip || locateDirectory(new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)) !== undefined;
}

interface Directory {
  eocd: number;
  count: number;
  /** Where the directory really starts. */
  start: number;
  /** Where the directory ends: the end record, or the zip64 record before it. */
  end: number;
  /** Bytes prepended to the archive: offsets in the directory are relative to this. */
  prefix: number;
}

/** The directory of the last end record whose directory is where it says, or undefined. */
function locateDirectory(view: DataView): Directory | undefined {
  const lowest = Math.max(0, view.byteLength - 22 - 0xffff);
  for (let at = view.byteLength - 22; at >= lowest; at--) {
    if (view.getUint32(at, true) !== EOCD_SIGNATURE) continue;
    const directory = directoryAt(view, at);
    if (directory) return directory;
  }
  return undefined;
}

function directoryAt(view: DataView, eocd: number): Directory | undefined {
  let count = view.getUint16(eocd + 10, true);
  let size = view.getUint32(eocd + 12, true);
  let offset = view.getUint32(eocd + 16, true);
  let end = eocd;
  if (count === 0xffff || size === 0xffffffff || offset === 0xffffffff) {
    const locator = eocd - 20;
    if (locator < 0 || view.getUint32(locator, true) !== ZIP64_EOCD_LOCATOR) return undefined;
    const record = Number(view.getBigUint64(locator + 8, true));
    if (record + 56 > view.byteLength || view.getUint32(record, true) !== ZIP64_EOCD) return undefined;
    count = Number(view.getBigUint64(record + 32, true));
    size = Number(view.getBigUint64(record + 40, true));
    offset = Number(view.getBigUint64(record + 48, true));
    end = record;
  }
  const start = end - size;
  const prefix = start - offset;
  if (start < 0 || prefix < 0) return undefined;
  if (count === 0) return size === 0 ? { eocd, count, start, end, prefix } : undefined;
  if (start + 46 > view.byteLength || view.getUint32(start, true) !== CENTRAL_SIGNATURE) return undefined;
  return { eocd, count, start, end, prefix };
}

/** The entries of the central directory (folders too), and where the directory lies. */
function listZip(bytes: Uint8Array, path: string, session: ReadSession): { directory: Directory; entries: ZipEntry[] } {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const directory = locateDirectory(view);
  if (!directory) {
    // Local headers but no directory at the end: the file was cut off.
    if (hasLocalHeader(view)) stop('truncated', path, 'no central directory: the zip is cut off');
    stop('corrupt', path, 'no central directory');
  }
  const { count, prefix } = directory;
  let offset = directory.start;
  session.countEntries(count, path);
  const entries: ZipEntry[] = [];
  const decoder = new TextDecoder();
  for (let i = 0; i < count; i++) {
    if (offset + 46 > directory.end || view.getUint32(offset, true) !== CENTRAL_SIGNATURE) stop('corrupt', path, `central directory entry ${i} is damaged`);
    const nameLength = view.getUint16(offset + 28, true);
    const extraLength = view.getUint16(offset + 30, true);
    const commentLength = view.getUint16(offset + 32, true);
    if (offset + 46 + nameLength + extraLength > directory.end) stop('corrupt', path, `central directory entry ${i} runs past the directory`);
    const entry: ZipEntry = {
      name: decoder.decode(bytes.subarray(offset + 46, offset + 46 + nameLength)),
      method: view.getUint16(offset + 10, true),
      encrypted: (view.getUint16(offset + 8, true) & 1) === 1,
      compressedSize: view.getUint32(offset + 20, true),
      size: view.getUint32(offset + 24, true),
      crc: view.getUint32(offset + 16, true),
      localHeaderOffset: view.getUint32(offset + 42, true),
    };
    applyZip64Extra(entry, view, offset + 46 + nameLength, extraLength);
    entry.localHeaderOffset += prefix;
    entries.push(entry);
    offset += 46 + nameLength + extraLength + commentLength;
  }
  return { directory, entries };
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
  /** Keyed by the names as stored; `get` and `has` match names as OPC does (see partKey). */
  entries: Map<string, ZipEntry>;
  read(name: string): Uint8Array;
  text(name: string): string;
  /**
   * Inflates the large deflated entries that `wanted` names with the host's inflater ahead, if it
   * has one (inflate.ts), for read() to take; what it cannot inflate is read as before.
   */
  inflateAhead(wanted: (name: string) => boolean): Promise<void>;
  /** Runs of bytes that belong to no entry and not to the directory (prepended or appended data, gaps). */
  foreign: Uint8Array[];
}

/**
 * OPC part names are compared case-insensitively after percent-decoding, and Office finds
 * 'XL/Worksheets/Sheet1.xml' for 'xl/worksheets/sheet1.xml'; so do we. Some Windows zip writers
 * store 'xl\\worksheets\\sheet1.xml', and SheetJS finds the part under either separator: a
 * backslash is a slash here too, or such a workbook would pass as a plain zip.
 */
export function partKey(name: string): string {
  let decoded = name;
  try {
    decoded = decodeURIComponent(name);
  } catch {
    // A stray '%' is part of the name.
  }
  return decoded.replace(/\\/g, '/').replace(/^\//, '').toLowerCase();
}

class PartMap extends Map<string, ZipEntry> {
  private readonly byKey = new Map<string, ZipEntry>();

  constructor(entries: ZipEntry[], path: string) {
    super();
    for (const entry of entries) {
      const key = partKey(entry.name);
      // Readers differ on which of two same-named entries they take: no reading is certain.
      if (this.byKey.has(key)) stop('corrupt', join(path, entry.name), 'two entries have this name');
      this.byKey.set(key, entry);
      super.set(entry.name, entry);
    }
  }

  override get(name: string): ZipEntry | undefined {
    return super.get(name) ?? this.byKey.get(partKey(name));
  }

  override has(name: string): boolean {
    return this.get(name) !== undefined;
  }
}

/** Gaps up to this size between the parts of a zip are data descriptors and padding. */
const SLACK_BYTES = 32;

export function openZip(bytes: Uint8Array, path: string, session: ReadSession): ZipContainer {
  const { directory, entries: all } = listZip(bytes, path, session);
  const files = all.filter((entry) => !entry.name.endsWith('/'));
  checkDeclaredSizes(files, path, session);
  const entries = new PartMap(files, path);
  const spans = new Map(all.map((entry) => [entry, entrySpan(bytes, entry, path)]));
  const foreign = foreignRuns(bytes, [...spans.values(), { start: directory.start, data: directory.start, end: directory.eocd + 22 }], path);
  const dataOf = (entry: ZipEntry) => bytes.subarray(spans.get(entry)!.data, spans.get(entry)!.end);
  /** Entries inflated ahead, each given to read() once. */
  const early = new Map<ZipEntry, Uint8Array>();
  const read = (name: string): Uint8Array => {
    const entry = entries.get(name);
    if (!entry) stop('corrupt', join(path, name), 'part missing');
    const inflated = early.get(entry);
    early.delete(entry);
    return readEntry(dataOf(entry), entry, join(path, entry.name), session, inflated);
  };
  const inflateAhead = async (wanted: (name: string) => boolean) => {
    const inflater = aheadInflater();
    if (!inflater) return;
    for (const entry of files) {
      if (entry.method !== 8 || entry.encrypted || entry.compressedSize < AHEAD_MIN_COMPRESSED || !wanted(entry.name)) continue;
      session.checkpoint(join(path, entry.name));
      // Bounded by the declared size the caps have passed, plus the byte that shows a longer stream.
      const inflated = await inflater(dataOf(entry), entry.size + 1);
      if (inflated?.length === entry.size) early.set(entry, inflated);
    }
  };
  return { path, entries, read, text: (name) => new TextDecoder().decode(read(name)), foreign, inflateAhead };
}

/** Smaller entries are inflated by fflate at once: a stream's setup would cost more than it saves. */
const AHEAD_MIN_COMPRESSED = 64 * 1024;

interface Span {
  start: number;
  /** Where the entry's data starts, after its local header. */
  data: number;
  end: number;
}

/**
 * Where an entry lies, checked against its local header: readers that walk the local headers
 * must see the same entry as those that use the directory.
 */
function entrySpan(bytes: Uint8Array, entry: ZipEntry, path: string): Span {
  const where = join(path, entry.name);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const local = entry.localHeaderOffset;
  if (local + 30 > bytes.length || view.getUint32(local, true) !== LOCAL_SIGNATURE) stop('corrupt', where, 'local header missing');
  const nameLength = view.getUint16(local + 26, true);
  const localName = new TextDecoder().decode(bytes.subarray(local + 30, local + 30 + nameLength));
  if (localName !== entry.name) stop('corrupt', where, 'the local header names another entry');
  if (view.getUint16(local + 8, true) !== entry.method) stop('corrupt', where, 'the local header gives another compression method');
  const sizesFollow = (view.getUint16(local + 6, true) & 8) !== 0;
  const localCompressed = view.getUint32(local + 18, true);
  if (!sizesFollow && localCompressed !== 0xffffffff && localCompressed !== entry.compressedSize) stop('corrupt', where, 'the local header gives another size');
  const data = local + 30 + nameLength + view.getUint16(local + 28, true);
  const end = data + entry.compressedSize;
  if (end > bytes.length) stop('truncated', where, 'entry data runs past the end of the file');
  return { start: local, data, end };
}

/**
 * The bytes outside every span. Overlapping spans make the archive ambiguous, and so does a local
 * entry the directory does not list: a zip is a zip when its directory and local headers agree,
 * and a streaming unzip reads that entry where Excel reads the listed one.
 */
function foreignRuns(bytes: Uint8Array, spans: Span[], path: string): Uint8Array[] {
  const sorted = [...spans].sort((a, b) => a.start - b.start);
  const runs: Uint8Array[] = [];
  let covered = 0;
  for (const span of sorted) {
    if (span.start < covered) stop('corrupt', path, 'two entries share bytes');
    if (holdsLocalHeader(bytes.subarray(covered, span.start), covered === 0)) stop('corrupt', path, 'a local entry the central directory does not list');
    if (span.start - covered > SLACK_BYTES) runs.push(bytes.subarray(covered, span.start));
    covered = span.end;
  }
  if (bytes.length - covered > SLACK_BYTES) runs.push(bytes.subarray(covered));
  return runs;
}

/**
 * Whether a run between entries holds a local header. Bytes prepended to the archive (a
 * self-extractor's stub, which may well hold the signature in its code) count only when they
 * start with one: that is where a streaming unzip starts.
 */
function holdsLocalHeader(run: Uint8Array, prepended: boolean): boolean {
  const signature = (at: number) => run[at] === 0x50 && run[at + 1] === 0x4b && run[at + 2] === 3 && run[at + 3] === 4;
  if (prepended) return signature(0);
  for (let at = run.indexOf(0x50); at >= 0; at = run.indexOf(0x50, at + 1)) if (signature(at)) return true;
  return false;
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

/**
 * Parts up to this size have their CRC-32 checked: a damaged workbook.xml or relationship part can
 * still inflate and parse, and then hide every sheet. Larger parts (sheet data) show damage in
 * their own reading, and a checksum over them would cost more than reading them.
 */
const CRC_CHECKED_BYTES = 256 * 1024;

/** The inflated bytes of one entry; never more than its declared size (a lying header is 'corrupt'). */
function readEntry(data: Uint8Array, entry: ZipEntry, where: string, session: ReadSession, early: Uint8Array | undefined): Uint8Array {
  const inflated = inflateEntry(data, entry, where, session, early);
  if (inflated.length <= CRC_CHECKED_BYTES && crc32(inflated) !== entry.crc) stop('corrupt', where, 'the part does not match its checksum');
  return inflated;
}

function inflateEntry(data: Uint8Array, entry: ZipEntry, where: string, session: ReadSession, early: Uint8Array | undefined): Uint8Array {
  if (entry.method === 0) {
    if (data.length !== entry.size) stop('corrupt', where, 'stored entry size does not match its header');
    session.addInflated(data.length);
    return data;
  }
  if (entry.method !== 8) stop('corrupt', where, `unsupported compression method ${entry.method}`);
  if (early) {
    session.checkpoint(where);
    session.addInflated(early.length);
    return early;
  }
  if (data.length <= ONE_CALL_MAX_COMPRESSED) return inflateDeclared(data, entry.size, where, session);
  // A large entry in one call where the host has a platform inflater (Node's zlib: 2.5 times
  // fflate's speed warm, 5 times on a first run), its output bounded by the declared size the
  // caps have passed. A stream it refuses, or that gives less than declared, is streamed by fflate
  // below, which says what is wrong.
  session.checkpoint(where);
  const whole = inflatedByPlatform(data, entry.size + 1);
  if (whole?.length === entry.size) {
    session.addInflated(whole.length);
    return whole;
  }
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
    out = inflateRawBounded(data, size + 1);
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
