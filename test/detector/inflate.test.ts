// The platform's inflater behind the zip reader (Node's zlib, as the scan workers hand it over;
// DecompressionStream ahead of the readers, as the extension's scanner frame does) must answer as
// fflate answers, with the same output bound: the same bytes for a good stream, the same error for
// damage, and never more than the bound for a stream longer than its header says (inflate.ts).
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { inflateSync, zipSync } from 'fflate';
import { afterEach, describe, expect, it } from 'vitest';
import { crc32 } from '../../shared/detector/read/crc32.js';
import { inflateByStream, inflateRawBounded, platformInflater, useAheadInflater, useRawInflater } from '../../shared/detector/read/inflate.js';
import { openZip } from '../../shared/detector/read/zip.js';
import { ReadSession, ReadStop } from '../../shared/detector/read/session.js';
import { DEFAULT_POLICY } from '../../shared/policy/defaults.js';

/** As the proxy's scan workers hand it over. */
const useZlib = (on: boolean) => useRawInflater(on ? inflateRawSync : undefined);
afterEach(() => {
  useZlib(false);
  useAheadInflater(undefined);
});

function outcome(data: Uint8Array, max: number): string {
  try {
    const out = inflateRawBounded(data, max);
    return `${out.length}:${Buffer.from(out).toString('base64')}`;
  } catch (error) {
    return `error: ${(error as Error).message}`;
  }
}

/** What zlib and fflate each make of the stream, for each output bound. */
function bothWays(data: Uint8Array, bounds: number[]): { zlib: string[]; fflate: string[] } {
  useZlib(true);
  const zlib = bounds.map((max) => outcome(data, max));
  useZlib(false);
  const fflate = bounds.map((max) => outcome(data, max));
  useZlib(true);
  return { zlib, fflate };
}

let seed = 42;
const random = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;

const text = new TextEncoder().encode(Array.from({ length: 400 }, (_, i) => `<row r="${i}"><c t="s"><v>${i % 17}</v></c></row>`).join(''));
const noise = Uint8Array.from({ length: 5000 }, () => Math.floor(random() * 256));
const zeros = new Uint8Array(200_000);

describe('the platform inflater', () => {
  it('is fflate unless the host hands one over', () => {
    expect(platformInflater()).toBe('fflate');
    useAheadInflater(inflateByStream);
    expect(platformInflater()).toBe('ahead');
    useZlib(true);
    expect(platformInflater()).toBe('platform');
  });

  it('ahead (DecompressionStream) gives fflate\'s bytes within the bound, and nothing for a stream longer than it or damaged', async () => {
    for (const plain of [text, noise, zeros]) {
      const data = deflateRawSync(plain);
      expect(await inflateByStream(data, plain.length + 1)).toEqual(inflateSync(data));
      expect(await inflateByStream(data, plain.length)).toEqual(inflateSync(data));
      expect(await inflateByStream(data, plain.length - 1)).toBeUndefined();
      expect(await inflateByStream(data.subarray(0, data.length >> 1), plain.length + 1)).toBeUndefined();
    }
    expect(await inflateByStream(noise, 100_000)).toBeUndefined();
  });

  it('gives fflate\'s bytes for good streams, at, under and over the bound', () => {
    for (const plain of [text, noise, zeros, new Uint8Array(0)]) {
      for (const level of [0, 1, 9]) {
        const data = deflateRawSync(plain, { level });
        const bounds = [plain.length + 1, plain.length, plain.length - 1, 1, plain.length * 2].filter((b) => b >= 0);
        const { zlib, fflate } = bothWays(data, bounds);
        expect(zlib).toEqual(fflate);
      }
    }
  });

  it('fails as fflate fails on cut-off, damaged, empty and random streams', () => {
    const good = deflateRawSync(text);
    const cases: Uint8Array[] = [new Uint8Array(0), noise.subarray(0, 64), noise];
    for (let cut = 1; cut < good.length; cut += Math.max(1, Math.floor(good.length / 40))) cases.push(good.subarray(0, cut));
    for (let i = 0; i < 300; i++) {
      const damaged = Uint8Array.from(good);
      const at = Math.floor(random() * damaged.length);
      damaged[at] = damaged[at]! ^ (1 << Math.floor(random() * 8));
      cases.push(damaged);
    }
    // Trailing bytes after the final block are ignored by both.
    cases.push(Uint8Array.from([...good, 1, 2, 3, 4]));
    for (const data of cases) {
      const { zlib, fflate } = bothWays(data, [text.length + 1, 100]);
      expect(zlib).toEqual(fflate);
    }
  });
});

describe('a zip entry through either inflater', () => {
  const session = () => new ReadSession({ limits: DEFAULT_POLICY.limits, deadline: Date.now() + 60_000 });

  /** A zip whose one entry's declared size (central directory and local header) is changed by `delta`. */
  function lyingZip(delta: number, content: Uint8Array = text): Uint8Array {
    const zip = zipSync({ 'xl/worksheets/sheet1.xml': content }, { level: 6 });
    const view = new DataView(zip.buffer);
    const central = zip.findLastIndex((_, i) => i + 4 <= zip.length && view.getUint32(i, true) === 0x02014b50);
    view.setUint32(central + 24, content.length + delta, true);
    view.setUint32(22, content.length + delta, true);
    return zip;
  }

  /** Bytes that deflate hardly shrinks: an entry of 4.5 MB compresses to more than 4 MiB. */
  function noise(length: number): Uint8Array {
    const bytes = new Uint8Array(length);
    let state = 17;
    for (let i = 0; i < length; i++) {
      state = (Math.imul(state, 1_103_515_245) + 12_345) >>> 0;
      bytes[i] = state >>> 24;
    }
    return bytes;
  }

  function read(zip: Uint8Array): string {
    try {
      const part = openZip(zip, '', session()).read('xl/worksheets/sheet1.xml');
      return `${part.length} bytes, crc ${crc32(part)}`;
    } catch (error) {
      if (error instanceof ReadStop) return `${error.failure.code}: ${error.failure.detail}`;
      throw error;
    }
  }

  it('is stopped alike when its header claims more or less than it holds', () => {
    for (const delta of [0, -1, -100, 1, 100]) {
      const zip = lyingZip(delta);
      useZlib(true);
      const zlib = read(zip);
      useZlib(false);
      const fflate = read(zip);
      expect(zlib, `declared size off by ${delta}`).toBe(fflate);
      if (delta !== 0) expect(zlib).toMatch(/^corrupt/);
    }
  });

  /** The entry as read after the inflater ahead had its go, and how often it was called. */
  async function readAhead(zip: Uint8Array): Promise<{ read: string; calls: number }> {
    let calls = 0;
    useAheadInflater((data, max) => {
      calls++;
      return inflateByStream(data, max);
    });
    try {
      const opened = openZip(zip, '', session());
      await opened.inflateAhead(() => true);
      const part = opened.read('xl/worksheets/sheet1.xml');
      return { read: `${part.length} bytes, crc ${crc32(part)}`, calls };
    } catch (error) {
      if (error instanceof ReadStop) return { read: `${error.failure.code}: ${error.failure.detail}`, calls };
      throw error;
    } finally {
      useAheadInflater(undefined);
    }
  }

  it('is read and stopped as fflate reads it when inflated ahead: lying sizes and damaged data', async () => {
    // Large enough to be inflated ahead (64 kB compressed and more).
    const content = noise(300_000);
    const zips: [string, Uint8Array][] = [-1, -100_000, 0, 1, 100_000].map((delta) => [`declared size off by ${delta}`, lyingZip(delta, content)]);
    const good = lyingZip(0, content);
    let seed = 7;
    for (let i = 0; i < 40; i++) {
      const damaged = Uint8Array.from(good);
      // Within the entry's data: after its local header, before the central directory.
      seed = (Math.imul(seed, 1_103_515_245) + 12_345) >>> 0;
      const at = 100 + (seed % (good.length - 400));
      damaged[at] = damaged[at]! ^ (1 << (seed >>> 29));
      zips.push([`bit flipped at ${at}`, damaged]);
    }
    let inflatedAhead = 0;
    for (const [what, zip] of zips) {
      const ahead = await readAhead(zip);
      expect(ahead.read, what).toBe(read(zip));
      inflatedAhead += ahead.calls;
    }
    expect(inflatedAhead).toBe(zips.length);
  });

  it('is read and stopped alike when it is too large to inflate in one step (more than 4 MiB compressed)', () => {
    const content = noise(4_500_000);
    for (const delta of [0, -1, -100_000, 1, 100_000]) {
      const zip = lyingZip(delta, content);
      expect(zip.length).toBeGreaterThan(4 * 1024 * 1024);
      useZlib(true);
      const zlib = read(zip);
      useZlib(false);
      const fflate = read(zip);
      expect(zlib, `declared size off by ${delta}`).toBe(fflate);
      expect(zlib).toMatch(delta === 0 ? /^4500000 bytes/ : /^corrupt/);
    }
  });
});
