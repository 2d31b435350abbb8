// The text inside bytes that are no text file: what `strings` shows, kept as lines. A csv behind a
// binary prefix, a csv with a PDF or image signature at its start, a zip record at its end, or a
// control character on every line is still a table that a spreadsheet application shows; the
// reader finds its lines here and reads them as any other text.
//
// The bytes are scanned as 8-bit text (ASCII, UTF-8, Windows-1252) and, where they hold zero
// bytes, as UTF-16 at both alignments (a UTF-16 csv behind an odd number of binary bytes): the
// same rules apply to a text's characters whichever encoding they are in.
//
// A run of text is printable ASCII with tabs and line ends, and short groups of other characters
// (accents in UTF-8 or Windows-1252, letters beyond Latin-1 in UTF-16) between printable
// characters, few enough to be letters. A lone control character is dropped, as a spreadsheet
// shows it: not at all. Three or more control characters, or a long group of other ones, are
// binary data and end the run. A byte order mark starts a new run: it is where a text file began.

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
const LINE_END = 3;
/** A byte order mark. */
const TEXT_START = 4;

/** Each byte's class, looked up: this loop runs over every byte of every binary file. */
const CLASS = Uint8Array.from({ length: 256 }, (_, byte) => {
  if (byte >= 0x80) return HIGH;
  if (byte === 0x0a || byte === 0x0d) return LINE_END;
  return (byte >= 0x20 && byte < 0x7f) || byte === 0x09 ? PRINTABLE : CONTROL;
});

/** A run of several lines this long is read on its own: a table does not take the lines of random scraps. */
const OWN_TEXT_CHARS = 64;

interface UnitText {
  /** Bytes per code unit. */
  width: 1 | 2;
  /** Where the first unit starts. */
  offset: number;
  /** The class of each code unit. */
  classes: Uint8Array;
  decode: (bytes: Uint8Array) => string;
}

/**
 * The texts to read in the bytes: each long run of several lines on its own (a table in the
 * bytes), and all short runs together, one per line. Empty when there is no text.
 */
export function textRuns(bytes: Uint8Array): string[] {
  const runs: string[] = [];
  const scraps: string[] = [];
  for (const text of unitTexts(bytes)) scan(bytes, text, runs, scraps);
  if (scraps.length > 0) runs.push(scraps.join('\n'));
  return runs;
}

/** The readings of the bytes, one at a time: each holds a class per code unit (as many bytes as the input). */
function* unitTexts(bytes: Uint8Array): Generator<UnitText> {
  yield { width: 1, offset: 0, classes: byteClasses(bytes), decode: decodeRun };
  // Latin text in UTF-16 has a zero byte in every other position; without zero bytes there is none.
  if (bytes.indexOf(0) < 0) return;
  // UTF-16BE is UTF-16LE one byte further on: read as little-endian at both alignments, each
  // text is read once (only letters beyond Latin-1 of a big-endian text come out as other letters).
  const utf16 = new TextDecoder('utf-16le', { ignoreBOM: true });
  for (const offset of [0, 1]) yield { width: 2, offset, classes: utf16Classes(bytes, offset), decode: (run) => utf16.decode(run) };
}

function byteClasses(bytes: Uint8Array): Uint8Array {
  const classes = new Uint8Array(bytes.length);
  for (let i = 0; i < bytes.length; i++) classes[i] = CLASS[bytes[i] as number] as number;
  for (let i = bytes.indexOf(0xef); i >= 0; i = bytes.indexOf(0xef, i + 1)) {
    if (bytes[i + 1] === 0xbb && bytes[i + 2] === 0xbf) classes.fill(TEXT_START, i, i + 3);
  }
  return classes;
}

function utf16Classes(bytes: Uint8Array, offset: number): Uint8Array {
  const classes = new Uint8Array((bytes.length - offset) >> 1);
  for (let k = 0; k < classes.length; k++) {
    const lo = bytes[offset + 2 * k] as number;
    const hi = bytes[offset + 2 * k + 1] as number;
    classes[k] = hi === 0 ? (CLASS[lo] as number) : hi === 0xfe && lo === 0xff ? TEXT_START : HIGH;
  }
  return classes;
}

/** Adds the runs of one reading of the bytes: long ones to `runs`, short ones to `scraps`. */
function scan(bytes: Uint8Array, text: UnitText, runs: string[], scraps: string[]): void {
  const { classes, width, offset } = text;
  // The current run as [from, to) pairs of unit positions: dropped control characters split it.
  let pieces: number[] = [];
  let length = 0;
  let high = 0;
  // Whether the run starts where a text starts (the bytes' start, a byte order mark); its first
  // line's characters, high ones among them, and the units up to its line end (0 until one is seen).
  let atTextStart = false;
  let firstLine = 0;
  let firstLineHigh = 0;
  let firstLineUnits = 0;
  const flush = () => {
    if (!atTextStart && firstLineUnits > 0 && !passes(firstLine, firstLineHigh)) dropFirstLine();
    if (passes(length, high)) {
      const decoded = text.decode(join(bytes, pieces, length, width, offset));
      (decoded.length >= OWN_TEXT_CHARS && /[\r\n]./.test(decoded) ? runs : scraps).push(decoded);
    }
    pieces = [];
    length = high = firstLine = firstLineHigh = firstLineUnits = 0;
  };
  // The first line of a run that starts in binary data begins with bytes that only look like text
  // by chance (a stray quote there swallows the table): it is kept only when it passes as a run by itself.
  const dropFirstLine = () => {
    for (let skip = firstLineUnits; skip > 0; ) {
      const piece = (pieces[1] as number) - (pieces[0] as number);
      if (piece > skip) {
        pieces[0] = (pieces[0] as number) + skip;
        break;
      }
      skip -= piece;
      pieces.splice(0, 2);
    }
    length -= firstLineUnits;
    high -= firstLineHigh;
  };
  for (let at = 0; at < classes.length; ) {
    const type = classes[at] as number;
    let end = at + 1;
    while (end < classes.length && classes[end] === type) end++;
    const next = classes[end];
    const betweenText = length > 0 && (next === PRINTABLE || next === LINE_END);
    if (type === TEXT_START) {
      flush();
    } else if (type === PRINTABLE || type === LINE_END || (type === HIGH && end - at <= MAX_HIGH_GROUP && betweenText)) {
      if (length === 0) atTextStart = (at === 0 && offset === 0) || classes[at - 1] === TEXT_START;
      // Extends the last piece when it ends here.
      if (pieces.length > 0 && pieces[pieces.length - 1] === at) pieces[pieces.length - 1] = end;
      else pieces.push(at, end);
      length += end - at;
      if (type === HIGH) high += end - at;
      if (firstLineUnits === 0) {
        if (type === LINE_END) firstLineUnits = length;
        else firstLine += end - at;
        if (type === HIGH) firstLineHigh += end - at;
      }
    } else if (!(type === CONTROL && end - at <= MAX_DROPPED_CONTROLS && betweenText)) {
      flush();
    }
    at = end;
  }
  flush();
}

/** Whether a run of this many characters, so many of them high, is text rather than chance. */
function passes(length: number, high: number): boolean {
  return length >= MIN_RUN_CHARS && high <= length * MAX_HIGH_SHARE;
}

/** The bytes of the run's pieces of code units, one after the other. */
function join(bytes: Uint8Array, pieces: number[], length: number, width: number, offset: number): Uint8Array {
  const byteAt = (unit: number) => offset + unit * width;
  if (pieces.length === 2) return bytes.subarray(byteAt(pieces[0] as number), byteAt(pieces[1] as number));
  const out = new Uint8Array(length * width);
  let at = 0;
  for (let i = 0; i < pieces.length; i += 2) {
    const piece = bytes.subarray(byteAt(pieces[i] as number), byteAt(pieces[i + 1] as number));
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
