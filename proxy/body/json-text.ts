// The text of a body that is, or may be, JSON, in any encoding JSON has been sent in (RFC 4627:
// UTF-8, UTF-16 or UTF-32, with or without a byte order mark) or its charset names. Portals
// parse JSON by the content type, some by the first character; both are read here.

export interface JsonText {
  value: string;
  /** The body already was UTF-8 text (so its bytes need no second, re-encoded reading). */
  utf8: boolean;
}

const JSON_TYPES = /^(application\/([a-z0-9.+-]*\+)?json|text\/json)$/;

export function jsonText(body: Buffer, contentType: string): JsonText | undefined {
  const mediaType = contentType.split(';')[0]!.trim().toLowerCase();
  const charset = /;\s*charset="?([^";\s]+)/i.exec(contentType)?.[1]?.toLowerCase();
  const encoding = bomEncoding(body) ?? (charset && charset !== 'utf-8' && charset !== 'utf8' ? charset : undefined) ?? nullPatternEncoding(body);
  try {
    // Most bodies are not JSON: their first characters say so before the whole body is decoded.
    if (!JSON_TYPES.test(mediaType) && !/^\uFEFF?\s*[[{]/.test(decode(body.subarray(0, 64), encoding))) return undefined;
    return { value: decode(body, encoding).replace(/^\uFEFF/, ''), utf8: encoding === undefined || encoding === 'utf-8' };
  } catch {
    // A charset TextDecoder does not know: the body is still scanned whole, as bytes.
    return undefined;
  }
}

function bomEncoding(body: Buffer): string | undefined {
  if (body[0] === 0x00 && body[1] === 0x00 && body[2] === 0xfe && body[3] === 0xff) return 'utf-32be';
  if (body[0] === 0xff && body[1] === 0xfe && body[2] === 0x00 && body[3] === 0x00) return 'utf-32le';
  if (body[0] === 0xfe && body[1] === 0xff) return 'utf-16be';
  if (body[0] === 0xff && body[1] === 0xfe) return 'utf-16le';
  if (body[0] === 0xef && body[1] === 0xbb && body[2] === 0xbf) return 'utf-8';
  return undefined;
}

/** RFC 4627 section 3: JSON starts with an ASCII character, so its zero bytes tell the encoding. */
function nullPatternEncoding(body: Buffer): string | undefined {
  if (body.length < 4) return undefined;
  const zero = [...body.subarray(0, 4)].map((b) => b === 0);
  if (zero[0] && zero[1] && zero[2] && !zero[3]) return 'utf-32be';
  if (!zero[0] && zero[1] && zero[2] && zero[3]) return 'utf-32le';
  if (zero[0] && !zero[1]) return 'utf-16be';
  if (!zero[0] && zero[1]) return 'utf-16le';
  return undefined;
}

/** Lenient, as the portal's decoder: a stray byte becomes U+FFFD rather than hiding the rest. */
function decode(body: Buffer, encoding: string | undefined): string {
  if (encoding === 'utf-32be' || encoding === 'utf-32le') {
    let text = '';
    for (let at = 0; at + 4 <= body.length; at += 4) {
      const codePoint = encoding === 'utf-32le' ? body.readUInt32LE(at) : body.readUInt32BE(at);
      text += codePoint > 0x10ffff ? '\uFFFD' : String.fromCodePoint(codePoint);
    }
    return text;
  }
  return new TextDecoder(encoding ?? 'utf-8').decode(body);
}
