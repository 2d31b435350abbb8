// Zip and tar written by hand, so that a variant can be exactly what odd writers and adversaries
// produce: stored or deflated entries, data descriptors, duplicate names, bytes before the archive.
// bzip2 and xz come from the system tools, gzip from Node's zlib.
import { execFileSync } from 'node:child_process';
import { deflateRawSync, gzipSync } from 'node:zlib';
import { crc32 } from '../../shared/detector/read/crc32.js';
import { concat } from '../../scripts/fixtures/formats.js';

export interface Entry {
  name: string;
  data: Uint8Array;
  /** Overrides the archive's method for this entry (the ODF mimetype is always stored). */
  method?: 'store' | 'deflate';
  /** A local entry the central directory does not list: streaming readers see it, others do not. */
  unlisted?: boolean;
}

export interface ZipOptions {
  method?: 'store' | 'deflate';
  /** Sizes and CRC after the data (general purpose flag bit 3), zeros in the local header. */
  dataDescriptor?: boolean;
  /** Bytes before the first local header; offsets are left as if they were not there (`cat junk file.zip`). */
  prefix?: Uint8Array;
}

const utf8 = new TextEncoder();

export function zip(entries: Entry[], options: ZipOptions = {}): Uint8Array {
  const parts: Uint8Array[] = [];
  const central: Uint8Array[] = [];
  let offset = 0;
  for (const entry of entries) {
    const name = utf8.encode(entry.name);
    const method = (entry.method ?? options.method ?? 'deflate') === 'store' ? 0 : 8;
    const data = method === 0 ? entry.data : new Uint8Array(deflateRawSync(entry.data));
    const crc = crc32(entry.data);
    const flags = 0x0800 | (options.dataDescriptor ? 0x0008 : 0);
    const local = fixed(30, name, (v) => {
      v.setUint32(0, 0x04034b50, true);
      v.setUint16(4, 20, true);
      v.setUint16(6, flags, true);
      v.setUint16(8, method, true);
      v.setUint16(12, 0x21, true);
      if (!options.dataDescriptor) {
        v.setUint32(14, crc, true);
        v.setUint32(18, data.length, true);
        v.setUint32(22, entry.data.length, true);
      }
      v.setUint16(26, name.length, true);
    });
    const descriptor = options.dataDescriptor
      ? fixed(16, new Uint8Array(0), (v) => {
          v.setUint32(0, 0x08074b50, true);
          v.setUint32(4, crc, true);
          v.setUint32(8, data.length, true);
          v.setUint32(12, entry.data.length, true);
        })
      : new Uint8Array(0);
    const record = fixed(46, name, (v) => {
        v.setUint32(0, 0x02014b50, true);
        v.setUint16(4, 20, true);
        v.setUint16(6, 20, true);
        v.setUint16(8, flags, true);
        v.setUint16(10, method, true);
        v.setUint16(14, 0x21, true);
        v.setUint32(16, crc, true);
        v.setUint32(20, data.length, true);
        v.setUint32(24, entry.data.length, true);
        v.setUint16(28, name.length, true);
        v.setUint32(42, offset, true);
    });
    if (!entry.unlisted) central.push(record);
    parts.push(local, data, descriptor);
    offset += local.length + data.length + descriptor.length;
  }
  const end = endRecord(central.length, central.reduce((sum, c) => sum + c.length, 0), offset);
  return concat([options.prefix ?? new Uint8Array(0), ...parts, ...central, end]);
}

/** An end-of-central-directory record for an empty or described archive: also what gets glued onto text. */
export function endRecord(entries: number, centralSize: number, centralOffset: number): Uint8Array {
  return fixed(22, new Uint8Array(0), (v) => {
    v.setUint32(0, 0x06054b50, true);
    v.setUint16(8, entries, true);
    v.setUint16(10, entries, true);
    v.setUint32(12, centralSize, true);
    v.setUint32(16, centralOffset, true);
  });
}

function fixed(size: number, tail: Uint8Array, fill: (view: DataView) => void): Uint8Array {
  const bytes = new Uint8Array(size + tail.length);
  fill(new DataView(bytes.buffer));
  bytes.set(tail, size);
  return bytes;
}

/** A ustar archive with fixed owner and time, so that it is byte-identical on every run. */
export function tar(entries: Entry[]): Uint8Array {
  const blocks: Uint8Array[] = [];
  for (const entry of entries) {
    const header = new Uint8Array(512);
    const put = (text: string, at: number) => header.set(utf8.encode(text), at);
    const octal = (value: number, width: number) => value.toString(8).padStart(width - 1, '0') + '\0';
    put(entry.name, 0);
    put(octal(0o644, 8), 100);
    put(octal(0, 8), 108);
    put(octal(0, 8), 116);
    put(octal(entry.data.length, 12), 124);
    put(octal(0, 12), 136);
    put('        ', 148);
    put('0', 156);
    put('ustar\u000000', 257);
    const sum = header.reduce((total, b) => total + b, 0);
    put(`${sum.toString(8).padStart(6, '0')}\0 `, 148);
    blocks.push(header, entry.data, new Uint8Array((512 - (entry.data.length % 512)) % 512));
  }
  blocks.push(new Uint8Array(1024));
  return concat(blocks);
}

export function gzip(data: Uint8Array): Uint8Array {
  return new Uint8Array(gzipSync(data));
}

export function bzip2(data: Uint8Array): Uint8Array {
  return new Uint8Array(execFileSync('bzip2', ['-c', '-9'], { input: data }));
}

export function xz(data: Uint8Array): Uint8Array {
  return new Uint8Array(execFileSync('xz', ['-c', '-6', '-T1'], { input: data }));
}

/** A 7z archive as 7-Zip writes it by default: one file in one LZMA2 folder (the stream from xz's raw mode). */
export function sevenZip(name: string, data: Uint8Array): Uint8Array {
  const packed = new Uint8Array(execFileSync('xz', ['--format=raw', '--lzma2=dict=8MiB', '-c', '-T1'], { input: data }));
  const utf16 = Uint8Array.from([...name, '\0'].flatMap((ch) => [ch.charCodeAt(0) & 0xff, ch.charCodeAt(0) >> 8]));
  const header = Uint8Array.from([
    0x01, // Header
    0x04, // MainStreamsInfo
    0x06, ...number(0), ...number(1), 0x09, ...number(packed.length), 0x00, // PackInfo: one stream at 0
    0x07, 0x0b, ...number(1), 0x00, // UnpackInfo: one folder, inline
    ...number(1), 0x21, 0x21, ...number(1), 22, // one coder: LZMA2 (id 0x21), dictionary property 22 = 8 MiB
    0x0c, ...number(data.length), 0x00, // unpacked size; end of UnpackInfo
    0x00, // end of MainStreamsInfo
    0x05, ...number(1), 0x11, ...number(utf16.length + 1), 0x00, ...utf16, 0x00, // FilesInfo: one name
    0x00, // end of Header
  ]);
  const start = new Uint8Array(20);
  const view = new DataView(start.buffer);
  view.setBigUint64(0, BigInt(packed.length), true);
  view.setBigUint64(8, BigInt(header.length), true);
  view.setUint32(16, crc32(header), true);
  const signature = new Uint8Array(12);
  signature.set([0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c, 0, 4]);
  new DataView(signature.buffer).setUint32(8, crc32(start), true);
  return concat([signature, start, packed, header]);
}

/** 7z's variable-length number: leading one bits in the first byte count the little-endian bytes after it. */
function number(value: number): number[] {
  for (let extra = 0; extra < 4; extra++) {
    if (value < 2 ** (7 * (extra + 1))) {
      const high = Math.floor(value / 2 ** (8 * extra));
      const mask = (0xff00 >> extra) & 0xff;
      return [mask | high, ...Array.from({ length: extra }, (_, i) => Math.floor(value / 2 ** (8 * i)) & 0xff)];
    }
  }
  throw new Error(`7z number too large: ${value}`);
}
