// What the bytes are, from their content alone (magic numbers, then structure). File names and
// declared types are never consulted: an xlsx renamed to .pdf is still an xlsx.
import { isBzip2 } from './bzip2.js';
import { isGzip } from './gzip.js';
import { isOle2 } from './ole2.js';
import { isTar } from './tar.js';
import { uninspectableArchive } from './uninspectable.js';
import { isXz } from './xz.js';
import { isZip } from './zip.js';
import { sniffTextEncoding, type TextEncodingName } from './encoding.js';
import { markupSpreadsheet, type MarkupKind } from './markup.js';

export type Sniffed =
  | { format: 'zip' | 'gzip' | 'bzip2' | 'xz' | 'tar' | 'ole2' | 'pdf' | 'image' | 'biff' | 'other' }
  | { format: 'uninspectable'; name: string }
  | { format: 'markup-spreadsheet'; kind: MarkupKind; encoding: TextEncodingName }
  | { format: 'text'; encoding: TextEncodingName };

export function sniff(bytes: Uint8Array): Sniffed {
  // A compound file is recognised by its header at offset 0; its streams may hold anything,
  // zip signatures included (Excel for Mac, WPS), so it is tried before the zip structure.
  if (isOle2(bytes)) return { format: 'ole2' };
  if (isZip(bytes)) return { format: 'zip' };
  if (isGzip(bytes)) return { format: 'gzip' };
  if (isBzip2(bytes)) return { format: 'bzip2' };
  if (isXz(bytes)) return { format: 'xz' };
  const archive = uninspectableArchive(bytes);
  if (archive) return { format: 'uninspectable', name: archive };
  if (isTar(bytes)) return { format: 'tar' };
  if (isPdf(bytes)) return { format: 'pdf' };
  if (isImage(bytes)) return { format: 'image' };
  if (isBiffWorkbook(bytes)) return { format: 'biff' };
  const encoding = sniffTextEncoding(bytes);
  if (!encoding) return { format: 'other' };
  const markup = markupSpreadsheet(bytes, encoding);
  return markup ? { format: 'markup-spreadsheet', kind: markup, encoding } : { format: 'text', encoding };
}

function startsWith(bytes: Uint8Array, prefix: readonly number[], at = 0): boolean {
  return prefix.every((b, i) => bytes[at + i] === b);
}

const ascii = (text: string) => Array.from(text, (ch) => ch.charCodeAt(0));

function isPdf(bytes: Uint8Array): boolean {
  // The header may follow some junk, within the first kilobyte.
  const head = new TextDecoder('latin1').decode(bytes.subarray(0, 1024));
  return head.includes('%PDF-');
}

const IMAGE_SIGNATURES = [
  [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], // PNG
  [0xff, 0xd8, 0xff], // JPEG
  ascii('GIF87a'),
  ascii('GIF89a'),
  [0x49, 0x49, 0x2a, 0x00], // TIFF little-endian
  [0x4d, 0x4d, 0x00, 0x2a], // TIFF big-endian
];

function isImage(bytes: Uint8Array): boolean {
  if (IMAGE_SIGNATURES.some((signature) => startsWith(bytes, signature))) return true;
  if (startsWith(bytes, ascii('RIFF')) && startsWith(bytes, ascii('WEBP'), 8)) return true;
  // HEIC/AVIF: an ISO media 'ftyp' box with an image brand.
  return startsWith(bytes, ascii('ftyp'), 4) && ['heic', 'heix', 'mif1', 'avif'].some((brand) => startsWith(bytes, ascii(brand), 8));
}

/**
 * A bare record stream that starts with a BOF record: a BIFF2-4 worksheet as saved, or the
 * Workbook stream of a BIFF5/8 workbook taken out of its compound file (an object a Word
 * document embeds), which SheetJS reads as it reads the whole file.
 */
function isBiffWorkbook(bytes: Uint8Array): boolean {
  return bytes[0] === 0x09 && [0x00, 0x02, 0x04, 0x08].includes(bytes[1] ?? -1) && bytes[3] === 0x00 && (bytes[2] ?? 0) >= 4 && (bytes[2] ?? 0) <= 16;
}
