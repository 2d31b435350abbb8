// File content hidden in text: a data: URL, long base64 or hex inside JSON, a form value or a
// multipart text field. Portals that upload with JSON put files there, so the proxy decodes such
// strings and scans them like any other file. A multi-line text is scanned as it is: rows copied
// from a spreadsheet and pasted into a message body are an export too.

/** Shorter strings are ids, hashes and tokens, not files; no spreadsheet fits in 96 bytes. */
const MIN_BASE64_CHARS = 128;
// Standard and URL-safe alphabets, padded or not, wrapped or spaced or not.
const BASE64 = /^[A-Za-z0-9+/\-_\s]+={0,2}\s*$/;
const HEX = /^(?:[0-9A-Fa-f]{2})+$/;
const DATA_URL = /^data:[^,]*?(;base64)?,/i;
/** Every line end Unicode knows, so that no separator hides the rows of a table. */
const LINE_BREAK = /\r\n|[\n\r\v\f\u0085\u2028\u2029]/g;
/** The line ends a table reader may not take for one: made line feeds. */
const ODD_LINE_BREAK = /\r(?!\n)|[\v\f\u0085\u2028\u2029]/g;

/** A header and two rows: the fewest lines a table of people can have. */
const MIN_TABLE_LINES = 3;

/**
 * Every reading of the text that may be a file: the encoded ones (encodedFiles) and the text
 * itself, its lines split by any line separator, when it has lines like a table.
 */
export function embeddedFiles(text: string): Buffer[] {
  const table = tableText(text);
  return [...encodedFiles(text), ...(table !== undefined && !DATA_URL.test(text) ? [Buffer.from(table, 'utf8')] : [])];
}

/**
 * The bytes of a data: URL (whatever type it declares), of long base64 or hex. A column of BSNs
 * is also valid base64, so a text can have several readings; each is scanned.
 */
/**
 * A data: URL, or a string long enough and of the alphabet to be base64 or hex, wrapped at most
 * (cheap: nothing is decoded). A sentence has spaces, so prose is never taken for one.
 */
export function looksEncoded(text: string): boolean {
  return DATA_URL.test(text) || (text.length >= MIN_BASE64_CHARS && !/[ \t]/.test(text) && BASE64.test(text));
}

export function encodedFiles(text: string): Buffer[] {
  const dataUrl = DATA_URL.exec(text);
  if (dataUrl) {
    const payload = text.slice(dataUrl[0].length);
    return [dataUrl[1] ? Buffer.from(payload.replace(/\s/g, ''), 'base64') : Buffer.from(safeDecodeUri(payload), 'utf8')];
  }
  const compact = text.replace(/\s/g, '');
  // Node's base64 decoder reads both alphabets; a length of 4n+1 is never base64.
  if (compact.length < MIN_BASE64_CHARS || !BASE64.test(text) || compact.replace(/=+$/, '').length % 4 === 1) return [];
  return [Buffer.from(compact, 'base64'), ...(HEX.test(compact) ? [Buffer.from(compact, 'hex')] : [])];
}

/** The text with every unusual line separator made a line feed, when it has the lines of a table. */
export function tableText(text: string): string | undefined {
  return text.split(LINE_BREAK, MIN_TABLE_LINES).length >= MIN_TABLE_LINES ? text.replace(ODD_LINE_BREAK, '\n') : undefined;
}

/** Percent-decoding that leaves malformed input as it was instead of throwing. */
export function safeDecodeUri(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
