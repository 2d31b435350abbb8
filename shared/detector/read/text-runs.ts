// The text inside bytes that are no text file: what `strings` shows, kept as lines. A csv behind a
// binary prefix, a csv with a PDF or image signature at its start, a zip record at its end, or a
// control character on every line is still a table that a spreadsheet application shows; the
// reader finds its lines here and reads them as any other text.
//
// A run of text is printable ASCII with tabs and line ends, and short groups of bytes >= 0x80
// between printable characters (accents in UTF-8 or Windows-1252), few enough to be letters. A lone control character is
// dropped, as a spreadsheet shows it: not at all. Three or more control bytes, or a long group
// of high bytes, are binary data and end the run.

/** Shorter runs are what random bytes produce by chance. */
const MIN_RUN_CHARS = 8;
/** Text has few accented letters; random bytes are half bytes >= 0x80. */
const MAX_HIGH_SHARE = 0.2;
/** Longer groups of bytes >= 0x80 are binary data, not the bytes of an accented letter. */
const MAX_HIGH_GROUP = 3;
/** Fewer consecutive control bytes are dropped; more end the run. */
const MAX_DROPPED_CONTROLS = 2;

const PRINTABLE = 0;
const CONTROL = 1;
const HIGH = 2;

/** Each byte's class, looked up: this loop runs over every byte of every binary file. */
const CLASS = Uint8Array.from({ length: 256 }, (_, byte) => {
  if (byte >= 0x80) return HIGH;
  return (byte >= 0x20 && byte < 0x7f) || byte === 0x09 || byte === 0x0a || byte === 0x0d ? PRINTABLE : CONTROL;
});

/** A run of several lines this long is read on its own: a table does not take the lines of random scraps. */
const OWN_TEXT_CHARS = 64;

/**
 * The texts to read in the bytes: each long run of several lines on its own (a table in the
 * bytes), and all short runs together, one per line. Empty when there is no text.
 */
export function textRuns(bytes: Uint8Array): string[] {
  const runs: string[] = [];
  const scraps: string[] = [];
  // The current run as [from, to) pairs of the input: dropped control bytes split it.
  let pieces: number[] = [];
  let length = 0;
  let high = 0;
  const flush = () => {
    if (length >= MIN_RUN_CHARS && high <= length * MAX_HIGH_SHARE) {
      const text = decodeRun(pieces.length === 2 ? bytes.subarray(pieces[0], pieces[1]) : joined(bytes, pieces, length));
      (text.length >= OWN_TEXT_CHARS && /[\r\n]./.test(text) ? runs : scraps).push(text);
    }
    if (length > 0) pieces = [];
    length = 0;
    high = 0;
  };
  for (let at = 0; at < bytes.length; ) {
    const type = CLASS[bytes[at] as number] as number;
    let end = at + 1;
    while (end < bytes.length && CLASS[bytes[end] as number] === type) end++;
    const betweenText = length > 0 && end < bytes.length && CLASS[bytes[end] as number] === PRINTABLE;
    if (type === PRINTABLE || (type === HIGH && end - at <= MAX_HIGH_GROUP && betweenText)) {
      // Extends the last piece when it ends here.
      if (pieces.length > 0 && pieces[pieces.length - 1] === at) pieces[pieces.length - 1] = end;
      else pieces.push(at, end);
      length += end - at;
      if (type === HIGH) high += end - at;
    } else if (!(type === CONTROL && end - at <= MAX_DROPPED_CONTROLS && betweenText)) {
      flush();
    }
    at = end;
  }
  flush();
  if (scraps.length > 0) runs.push(scraps.join('\n'));
  return runs;
}

function joined(bytes: Uint8Array, pieces: number[], length: number): Uint8Array {
  const out = new Uint8Array(length);
  let at = 0;
  for (let i = 0; i < pieces.length; i += 2) {
    const piece = bytes.subarray(pieces[i], pieces[i + 1]);
    out.set(piece, at);
    at += piece.length;
  }
  return out;
}

const UTF8 = new TextDecoder('utf-8', { fatal: true });
const WINDOWS_1252 = new TextDecoder('windows-1252');

function decodeRun(run: Uint8Array): string {
  try {
    return UTF8.decode(run);
  } catch {
    return WINDOWS_1252.decode(run);
  }
}
