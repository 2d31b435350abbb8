// File content hidden in text: a data: URL or a long base64 string inside JSON, a form value or a
// multipart text field. Portals that upload with JSON put files there, so the proxy decodes such
// strings and scans them like any other file.

/** Shorter strings are ids, hashes and tokens, not files; no spreadsheet fits in 96 bytes. */
const MIN_BASE64_CHARS = 128;
// Standard and URL-safe alphabets, padded or not, wrapped at line ends or not.
const BASE64 = /^[A-Za-z0-9+/\-_\r\n]+={0,2}$/;
const DATA_URL = /^data:[^,]*?(;base64)?,/i;

/** The decoded bytes when the text carries a file, whatever type a data: URL declares. */
export function decodeEmbeddedFile(text: string): Buffer | undefined {
  const dataUrl = DATA_URL.exec(text);
  if (dataUrl) {
    const payload = text.slice(dataUrl[0].length);
    return dataUrl[1] ? Buffer.from(payload, 'base64') : Buffer.from(safeDecodeUri(payload), 'utf8');
  }
  if (text.length < MIN_BASE64_CHARS) return undefined;
  const compact = text.replace(/[\r\n]/g, '');
  // Node's base64 decoder reads both alphabets; a length of 4n+1 is never base64.
  if (!BASE64.test(text) || compact.replace(/=+$/, '').length % 4 === 1) return undefined;
  return Buffer.from(compact, 'base64');
}

/** Percent-decoding that leaves malformed input as it was instead of throwing. */
export function safeDecodeUri(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
