// bzip2: one compressed file, in blocks of at most 900 kB before its final run-length step. The
// decoder follows micro-bunzip as seek-bzip (MIT, C. Scott Ananian, Eli Skeggs, Kevin Kwok, Rob
// Landley) has it; seek-bzip itself needs Node's Buffer, which the browser extension lacks. The
// caps are checked after every block, each block's CRC and the stream's CRC are checked, and
// streams written one after another (pbzip2, lbzip2) are read as one file, as bzip2 does.
import { stop, type ReadSession } from './session.js';
import { concatChunks } from './xz.js';

const BLOCK_MAGIC = 0x314159265359;
const END_MAGIC = 0x177245385090;
const MAX_GROUPS = 6;
const MIN_GROUPS = 2;
const GROUP_SIZE = 50;
const MAX_CODE_BITS = 20;
const MAX_SYMBOLS = 258;
const RUN_A = 0;
const RUN_B = 1;

export function isBzip2(bytes: Uint8Array): boolean {
  // 'BZh', the block size '1'-'9', then a block or the end of the stream.
  if (bytes[0] !== 0x42 || bytes[1] !== 0x5a || bytes[2] !== 0x68) return false;
  const level = (bytes[3] ?? 0) - 0x30;
  const magic = ((bytes[4] ?? 0) * 2 ** 40 + (bytes[5] ?? 0) * 2 ** 32 + ((bytes[6] ?? 0) << 24 >>> 0) + ((bytes[7] ?? 0) << 16) + ((bytes[8] ?? 0) << 8) + (bytes[9] ?? 0));
  return level >= 1 && level <= 9 && (magic === BLOCK_MAGIC || magic === END_MAGIC);
}

class Bits {
  private at = 0;
  private bit = 0;

  constructor(
    private readonly bytes: Uint8Array,
    private readonly path: string,
  ) {}

  read(count: number): number {
    let result = 0;
    while (count > 0) {
      const byte = this.bytes[this.at];
      if (byte === undefined) stop('truncated', this.path, 'bzip2 data ends too early');
      const left = 8 - this.bit;
      const take = Math.min(count, left);
      result = result * 2 ** take + ((byte >> (left - take)) & ((1 << take) - 1));
      this.bit += take;
      count -= take;
      if (this.bit === 8) {
        this.bit = 0;
        this.at++;
      }
    }
    return result;
  }

  /** Moves to the next whole byte; true when another stream starts there. */
  nextStream(): boolean {
    if (this.bit > 0) {
      this.bit = 0;
      this.at++;
    }
    return this.bytes[this.at] === 0x42 && this.bytes[this.at + 1] === 0x5a && this.bytes[this.at + 2] === 0x68;
  }
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n << 24;
  for (let k = 0; k < 8; k++) c = c & 0x80000000 ? (c << 1) ^ 0x04c11db7 : c << 1;
  return c >>> 0;
});

export function bunzip2Bounded(bytes: Uint8Array, path: string, session: ReadSession): Uint8Array {
  const bits = new Bits(bytes, path);
  const chunks: Uint8Array[] = [];
  let length = 0;
  do {
    if (bits.read(24) !== 0x425a68) stop('corrupt', path, 'not a bzip2 stream');
    const level = bits.read(8) - 0x30;
    if (level < 1 || level > 9) stop('corrupt', path, 'bzip2 block size out of range');
    let streamCrc = 0;
    for (;;) {
      const magic = bits.read(48);
      if (magic === END_MAGIC) break;
      if (magic !== BLOCK_MAGIC) stop('corrupt', path, 'bzip2 block header damaged');
      const blockCrc = bits.read(32) >>> 0;
      const block = decodeBlock(bits, level * 100_000, path);
      if (crc(block) !== blockCrc) stop('corrupt', path, 'bzip2 block checksum does not match');
      streamCrc = (blockCrc ^ ((streamCrc << 1) | (streamCrc >>> 31))) >>> 0;
      chunks.push(block);
      length += block.length;
      session.checkInflated(length, bytes.length, path);
      session.checkpoint(path);
    }
    if (bits.read(32) >>> 0 !== streamCrc) stop('corrupt', path, 'bzip2 stream checksum does not match');
  } while (bits.nextStream());
  session.addInflated(length);
  return concatChunks(chunks, length);
}

function crc(bytes: Uint8Array): number {
  let value = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) value = ((value << 8) ^ (CRC_TABLE[((value >>> 24) ^ (bytes[i] as number)) & 0xff] as number)) >>> 0;
  return (value ^ 0xffffffff) >>> 0;
}

interface HuffmanGroup {
  permute: Uint16Array;
  limit: Int32Array;
  base: Int32Array;
  minLength: number;
  maxLength: number;
}

/** One block: Huffman codes, move-to-front and runs into the BWT buffer, then the inverse BWT and the final run-length step. */
function decodeBlock(bits: Bits, size: number, path: string): Uint8Array {
  const damaged = (why: string): never => stop('corrupt', path, `bzip2 block damaged: ${why}`);
  if (bits.read(1)) damaged('randomised blocks are obsolete');
  const origin = bits.read(24);
  // Which byte values occur: 16 ranges of 16.
  const used = bits.read(16);
  const symbolToByte: number[] = [];
  for (let i = 0; i < 16; i++) {
    if (used & (1 << (15 - i))) {
      const range = bits.read(16);
      for (let j = 0; j < 16; j++) if (range & (1 << (15 - j))) symbolToByte.push(i * 16 + j);
    }
  }
  const groupCount = bits.read(3);
  if (groupCount < MIN_GROUPS || groupCount > MAX_GROUPS) damaged('group count');
  const selectorCount = bits.read(15);
  if (selectorCount === 0) damaged('no selectors');
  const mtfGroups = Array.from({ length: groupCount }, (_, i) => i);
  const selectors = new Uint8Array(selectorCount);
  for (let i = 0; i < selectorCount; i++) {
    let j = 0;
    while (bits.read(1)) if (++j >= groupCount) damaged('selector');
    selectors[i] = moveToFront(mtfGroups, j);
  }
  const symbolCount = symbolToByte.length + 2;
  const groups = Array.from({ length: groupCount }, () => huffmanGroup(bits, symbolCount, damaged));

  const mtf = Array.from({ length: 256 }, (_, i) => i);
  const byteCount = new Uint32Array(256);
  const buffer = new Uint32Array(size);
  let count = 0;
  let run = 0;
  let runWeight = 0;
  let selector = 0;
  let group = groups[0] as HuffmanGroup;
  for (let left = 0; ; left--) {
    if (left === 0) {
      if (selector >= selectorCount) damaged('out of selectors');
      group = groups[selectors[selector++] as number] as HuffmanGroup;
      left = GROUP_SIZE;
    }
    let length = group.minLength;
    let code = bits.read(length);
    while (code > (group.limit[length] as number)) {
      if (++length > group.maxLength) damaged('Huffman code');
      code = code * 2 + bits.read(1);
    }
    const index = code - (group.base[length] as number);
    if (index < 0 || index >= MAX_SYMBOLS) damaged('Huffman code');
    const symbol = group.permute[index] as number;
    if (symbol === RUN_A || symbol === RUN_B) {
      if (runWeight === 0) {
        runWeight = 1;
        run = 0;
      }
      run += symbol === RUN_A ? runWeight : 2 * runWeight;
      runWeight *= 2;
      if (run > size) damaged('run too long');
      continue;
    }
    if (runWeight > 0) {
      runWeight = 0;
      if (count + run > size) damaged('block too long');
      const byte = symbolToByte[mtf[0] as number] as number;
      byteCount[byte] = (byteCount[byte] as number) + run;
      buffer.fill(byte, count, count + run);
      count += run;
    }
    if (symbol > symbolToByte.length) break;
    if (count >= size) damaged('block too long');
    const byte = symbolToByte[moveToFront(mtf, symbol - 1)];
    if (byte === undefined) damaged('symbol');
    byteCount[byte as number] = (byteCount[byte as number] as number) + 1;
    buffer[count++] = byte as number;
  }
  if (origin >= count && count > 0) damaged('origin out of range');
  return undoTransforms(buffer, count, origin, byteCount);
}

function huffmanGroup(bits: Bits, symbolCount: number, damaged: (why: string) => never): HuffmanGroup {
  const lengths = new Uint8Array(symbolCount);
  let length = bits.read(5);
  for (let i = 0; i < symbolCount; i++) {
    for (;;) {
      if (length < 1 || length > MAX_CODE_BITS) damaged('code length');
      if (!bits.read(1)) break;
      length += bits.read(1) ? -1 : 1;
    }
    lengths[i] = length;
  }
  let minLength = MAX_CODE_BITS;
  let maxLength = 0;
  for (const l of lengths) {
    minLength = Math.min(minLength, l);
    maxLength = Math.max(maxLength, l);
  }
  const permute = new Uint16Array(MAX_SYMBOLS);
  const limit = new Int32Array(MAX_CODE_BITS + 2);
  const base = new Int32Array(MAX_CODE_BITS + 2);
  const perLength = new Uint32Array(MAX_CODE_BITS + 1);
  let p = 0;
  for (let l = minLength; l <= maxLength; l++) for (let s = 0; s < symbolCount; s++) if (lengths[s] === l) permute[p++] = s;
  for (const l of lengths) perLength[l] = (perLength[l] as number) + 1;
  let code = 0;
  let seen = 0;
  for (let l = minLength; l < maxLength; l++) {
    code += perLength[l] as number;
    limit[l] = code - 1;
    code *= 2;
    seen += perLength[l] as number;
    base[l + 1] = code - seen;
  }
  limit[maxLength] = code + (perLength[maxLength] as number) - 1;
  limit[maxLength + 1] = 0x7fffffff;
  base[minLength] = 0;
  return { permute, limit, base, minLength, maxLength };
}

function moveToFront(list: number[], index: number): number {
  const value = list[index];
  if (value === undefined) return stop('corrupt', '', 'bzip2 move-to-front index out of range');
  list.splice(index, 1);
  list.unshift(value);
  return value;
}

/** The inverse Burrows-Wheeler transform, then the first run-length step (4 equal bytes and a count). */
function undoTransforms(buffer: Uint32Array, count: number, origin: number, byteCount: Uint32Array): Uint8Array {
  let sum = 0;
  for (let i = 0; i < 256; i++) {
    const next = sum + (byteCount[i] as number);
    byteCount[i] = sum;
    sum = next;
  }
  for (let i = 0; i < count; i++) {
    const byte = (buffer[i] as number) & 0xff;
    buffer[byteCount[byte] as number] = ((buffer[byteCount[byte] as number] as number) | (i << 8)) >>> 0;
    byteCount[byte] = (byteCount[byte] as number) + 1;
  }
  // At most 255 extra copies per 5 bytes: the output fits in count * 52.
  let out = new Uint8Array(Math.max(16, count + (count >> 2)));
  let length = 0;
  const push = (byte: number, times: number) => {
    if (length + times > out.length) {
      const grown = new Uint8Array(Math.max(out.length * 2, length + times));
      grown.set(out.subarray(0, length));
      out = grown;
    }
    out.fill(byte, length, length + times);
    length += times;
  };
  if (count === 0) return out.subarray(0, 0);
  let pos = (buffer[origin] as number) >>> 8;
  let previous = -1;
  let same = 0;
  for (let i = 0; i < count; i++) {
    const entry = buffer[pos] as number;
    const byte = entry & 0xff;
    pos = entry >>> 8;
    if (same === 4) {
      push(previous, byte);
      same = 0;
      previous = -1;
      continue;
    }
    push(byte, 1);
    same = byte === previous ? same + 1 : 1;
    previous = byte;
  }
  return out.subarray(0, length);
}
