// File bytes sent to the background: as base64 for Chromium before 148 (JSON messaging), checked
// to be real bytes where messaging clones them. Runs in Node 20, which lacks the native base64
// codecs, so the fallback decoder is the one under test here.
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { unpackFileBytes } from '../../extension/file-bytes.js';

describe('unpackFileBytes', () => {
  it('decodes base64 to the exact bytes, for every byte value and a size past one chunk', () => {
    const bytes = new Uint8Array(randomBytes(100_003));
    expect(Buffer.from(unpackFileBytes({ base64: Buffer.from(bytes).toString('base64') })).equals(bytes)).toBe(true);
  });

  it('refuses bytes that JSON messaging turned into a plain object', () => {
    const mangled = JSON.parse(JSON.stringify({ bytes: new Uint8Array([1, 2, 3]) })) as { bytes: Uint8Array };
    expect(() => unpackFileBytes(mangled)).toThrow(/mangled/);
  });
});
