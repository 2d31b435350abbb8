// File content hidden in text: a data: URL or a long base64 string inside JSON, a form value or a
// multipart text field. Portals that upload with JSON put files there, so the proxy decodes such
// strings and scans them like any other file. A multi-line text is scanned as it is: rows copied
// from a spreadsheet and pasted into a message body are an export too.

/** Shorter strings are ids, hashes and tokens, not files; no spreadsheet fits in 96 bytes. */
const MIN_BASE64_CHARS = 128;
// Standard and URL-safe alphabets, padded or not, wrapped at line ends or not.
const BASE64 = /^[A-Za-z0-9+/\-_\r\n]+={0,2}$/;
const DATA_URL = /^data:[^,]*?(;base64)?,/i;

/** A header and two rows: the fewest lines a table of people can have. */
const MIN_TABLE_LINES = 3;

/**
 * Every reading of the text that may be a file: the bytes of a data: URL (whatever type it
 * declares), of long base64, and the text itself when it has lines like a table. A column of
 * BSNs is also valid base64, so a text can have two readings; each is scanned.
 */
export function embeddedFiles(text: string): Buffer[] {
  const dataUrl = DATA_URL.exec(text);
  if (dataUrl) {
    const payload = text.slice(dataUrl[0].length);
    return [dataUrl[1] ? Buffer.from(payload, 'base64') : Buffer.from(safeDecodeUri(payload), 'utf8')];
  }
  const readings: Buffer[] = [];
  const compact = text.replace(/[\r\n]/g, '');
  // Node's base64 decoder reads both alphabets; a length of 4n+1 is never base64.
  if (text.length >= MIN_BASE64_CHARS && BASE64.test(text) && compact.replace(/=+$/, '').length % 4 !== 1) {
    readings.push(Buffer.from(compact, 'base64'));
  }
  if (text.split('\n').length >= MIN_TABLE_LINES) readings.push(Buffer.from(text, 'utf8'));
  return readings;
}

/** Percent-decoding that leaves malformed input as it was instead of throwing. */
export function safeDecodeUri(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
