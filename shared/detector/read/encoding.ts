// Decodes text whose encoding nobody told us: BOM first, then the zero-byte pattern of UTF-16
// without BOM, then strict UTF-8, and Windows-1252 (what Excel writes on Dutch Windows) otherwise.
export type TextEncodingName = 'utf-8' | 'utf-16le' | 'utf-16be' | 'windows-1252';

const SAMPLE_BYTES = 64 * 1024;

/** The encoding of the bytes if they are text, judged on the first 64 KiB; undefined for binary data. */
export function sniffTextEncoding(bytes: Uint8Array): TextEncodingName | undefined {
  const sample = bytes.subarray(0, SAMPLE_BYTES);
  const encoding = bomEncoding(sample)?.encoding ?? utf16WithoutBom(sample) ?? (isUtf8(sample) ? 'utf-8' : 'windows-1252');
  return looksLikeText(new TextDecoder(encoding).decode(sample)) ? encoding : undefined;
}

export function decodeText(bytes: Uint8Array, encoding: TextEncodingName): string {
  const bom = bomEncoding(bytes);
  const body = bom?.encoding === encoding ? bytes.subarray(bom.length) : bytes;
  if (encoding !== 'utf-8') return new TextDecoder(encoding).decode(body);
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(body);
  } catch {
    // Valid UTF-8 at the start, not further on: a Windows-1252 file with an accent late in it.
    return new TextDecoder('windows-1252').decode(body);
  }
}

function bomEncoding(bytes: Uint8Array): { encoding: TextEncodingName; length: number } | undefined {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return { encoding: 'utf-8', length: 3 };
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return { encoding: 'utf-16le', length: 2 };
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return { encoding: 'utf-16be', length: 2 };
  return undefined;
}

/** Latin text in UTF-16 has a zero in every other byte: odd positions for LE, even for BE. */
function utf16WithoutBom(bytes: Uint8Array): TextEncodingName | undefined {
  const length = bytes.length & ~1;
  if (length < 4) return undefined;
  let evenZeros = 0;
  let oddZeros = 0;
  for (let i = 0; i < length; i += 2) {
    if (bytes[i] === 0) evenZeros++;
    if (bytes[i + 1] === 0) oddZeros++;
  }
  const pairs = length / 2;
  if (oddZeros > pairs * 0.7 && evenZeros < pairs * 0.1) return 'utf-16le';
  if (evenZeros > pairs * 0.7 && oddZeros < pairs * 0.1) return 'utf-16be';
  return undefined;
}

function isUtf8(sample: Uint8Array): boolean {
  try {
    // stream: a multi-byte character cut off by the end of the sample is not an error.
    new TextDecoder('utf-8', { fatal: true }).decode(sample, { stream: true });
    return true;
  } catch {
    return false;
  }
}

/**
 * Text has almost no control characters; binary data of an unknown format has many. C1 controls
 * (U+0080..U+009F) count too: Windows-1252 decoding leaves them where binary bytes were.
 */
function looksLikeText(text: string): boolean {
  let control = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    const allowed = code === 0x09 || code === 0x0a || code === 0x0c || code === 0x0d;
    if ((code < 0x20 && !allowed) || (code >= 0x7f && code <= 0x9f) || code === 0xfffd) control++;
  }
  return control <= text.length * 0.01;
}
