// OLE2 compound files: old Excel workbooks (BIFF5/8), old Word/PowerPoint files, and the wrapper
// Office puts around a password-protected xlsx/docx (EncryptionInfo + EncryptedPackage streams).
import * as XLSX from '@e965/xlsx';
import type { FileKind } from '../types.js';
import { stop } from './session.js';

const SIGNATURE = [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1];
const BIFF_FILEPASS = 0x002f;
const BIFF_BOF = 0x0809;

/** The part of SheetJS's (untyped) CFB module used here. */
interface CompoundFile {
  FileIndex: unknown[];
}
interface CompoundEntry {
  content?: Uint8Array | number[];
}
const CFB = XLSX.CFB as {
  read(data: Uint8Array, options: { type: 'array' }): CompoundFile;
  find(container: CompoundFile, name: string): CompoundEntry | null;
};

export function isOle2(bytes: Uint8Array): boolean {
  return SIGNATURE.every((b, i) => bytes[i] === b);
}

/** Streams that mark a compound file as a document that is not a spreadsheet. */
const OTHER_DOCUMENT_STREAMS = ['WordDocument', 'PowerPoint Document', 'VisioDocument', '__properties_version1.0'];

export interface Ole2Content {
  kind: FileKind;
  /** The Workbook (BIFF8) or Book (BIFF5) stream of an 'xls'. */
  workbook?: Uint8Array;
}

/**
 * What the compound file holds: 'xls', 'encrypted-office', or 'other' for a known non-spreadsheet
 * (.doc, .ppt, .vsd, .msg). Anything else is 'corrupt': a workbook whose stream name was damaged
 * must not pass as "some other file" (fail closed).
 */
export function classifyOle2(bytes: Uint8Array, path: string): Ole2Content {
  let container: CompoundFile;
  try {
    container = CFB.read(bytes, { type: 'array' });
  } catch (error) {
    return stop('corrupt', path, `damaged compound file: ${error instanceof Error ? error.message : String(error)}`);
  }
  const stream = (name: string) => CFB.find(container, name);
  if (stream('EncryptionInfo') || stream('EncryptedPackage')) return { kind: 'encrypted-office' };
  const workbookStream = stream('Workbook') ?? stream('Book');
  if (workbookStream) {
    const workbook = toBytes(workbookStream.content);
    return hasFilepass(workbook) ? { kind: 'encrypted-office' } : { kind: 'xls', workbook };
  }
  if (OTHER_DOCUMENT_STREAMS.some((name) => stream(name))) return { kind: 'other' };
  return stop('corrupt', path, 'compound file without a workbook or a known document stream');
}

function toBytes(content: CompoundEntry['content']): Uint8Array {
  return content instanceof Uint8Array ? content : Uint8Array.from(content ?? []);
}

/** Excel writes FILEPASS among the first records of the workbook globals when a password is set. */
function hasFilepass(stream: Uint8Array): boolean {
  const view = new DataView(stream.buffer, stream.byteOffset, stream.byteLength);
  let at = 0;
  for (let record = 0; record < 64 && at + 4 <= stream.length; record++) {
    const type = view.getUint16(at, true);
    if (type === BIFF_FILEPASS) return true;
    // The globals' first EOF (or a second BOF) ends the part where FILEPASS may appear.
    if (type === 0x000a || (type === BIFF_BOF && at > 0)) return false;
    at += 4 + view.getUint16(at + 2, true);
  }
  return false;
}
