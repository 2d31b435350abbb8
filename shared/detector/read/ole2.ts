// OLE2 compound files: old Excel workbooks (BIFF5/8), old Word/PowerPoint files, and the wrapper
// Office puts around a password-protected xlsx/docx (EncryptionInfo + EncryptedPackage streams).
import type { FileKind } from '../types.js';
import { readCompoundFile } from './cfb.js';
import { stop } from './session.js';
import { loadSheetJs } from './lazy-modules.js';

const SIGNATURE = [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1];
const BIFF_FILEPASS = 0x002f;
const BIFF_BOF = 0x0809;

/** The part of SheetJS's (untyped) CFB module used here. */
interface CompoundFile {
  FileIndex: CompoundEntry[];
  FullPaths: string[];
}
interface CompoundEntry {
  content?: Uint8Array | number[];
  /** 2: stream, 5: root (whose sectors hold the mini stream). */
  type?: number;
  start?: number;
  size?: number;
}
interface CfbModule {
  read(data: Uint8Array, options: { type: 'array' }): CompoundFile;
}

/**
 * A stream at the root of the compound file, by name as Office compares them (case-insensitive).
 * Streams deeper down belong to embedded objects (a Word file's ObjectPool), not to the file.
 */
function rootStream(container: CompoundFile, name: string): CompoundEntry | undefined {
  const wanted = name.toLowerCase();
  const index = container.FullPaths.findIndex((full) => {
    const parts = full.split('/');
    return parts.length === 2 && parts[1]!.toLowerCase() === wanted;
  });
  return index < 0 ? undefined : container.FileIndex[index];
}

export function isOle2(bytes: Uint8Array): boolean {
  return SIGNATURE.every((b, i) => bytes[i] === b);
}

/** Streams that mark a compound file as a document that is not a spreadsheet (an equation object neither). */
const OTHER_DOCUMENT_STREAMS = ['WordDocument', 'PowerPoint Document', 'VisioDocument', '__properties_version1.0', 'Equation Native'];

/** A file inside the compound file, named by its path there. */
export interface Ole2Object {
  name: string;
  bytes: Uint8Array;
}

export interface Ole2Content {
  kind: FileKind;
  /** The Workbook (BIFF8) or Book (BIFF5) stream of an 'xls'. */
  workbook?: Uint8Array;
  /**
   * Files the compound file carries, each read as a file: when it is an OLE object itself, the
   * file it wraps ('Package': an xlsx or docx; '\x01Ole10Native': a packaged file of any type;
   * 'CONTENTS': a PDF); and the objects embedded in it, in storages of their own (a Word file's
   * ObjectPool, an xls's MBD storages), which open with a double click.
   */
  objects: Ole2Object[];
  /** Bytes appended after the compound file's last sector, read as text. */
  appended?: Uint8Array;
}

/** Streams that hold an object's file; 'Workbook' and 'Book' only below the root, where they are an embedded xls. */
const OBJECT_STREAMS = ['package', 'contents', '\x01ole10native'];
const EMBEDDED_WORKBOOK_STREAMS = ['workbook', 'book'];

/**
 * What the compound file holds: 'xls', 'encrypted-office', or 'other' for a known non-spreadsheet
 * (.doc, .ppt, .vsd, .msg). Anything else is 'corrupt': a workbook whose stream name was damaged
 * must not pass as "some other file" (fail closed).
 */
export async function classifyOle2(bytes: Uint8Array, path: string, reader: 'fast' | 'sheetjs' = 'fast'): Promise<Ole2Content> {
  let container = reader === 'fast' ? fastCompoundFile(bytes) : undefined;
  if (!container) {
    const CFB = (await loadSheetJs()).CFB as CfbModule;
    try {
      container = CFB.read(bytes, { type: 'array' });
    } catch (error) {
      return stop('corrupt', path, `damaged compound file: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  const stream = (name: string) => rootStream(container, name);
  if (stream('EncryptionInfo') || stream('EncryptedPackage')) return { kind: 'encrypted-office', objects: [] };
  const appended = bytesAfterSectors(bytes, container);
  const objects = objectStreams(container, path);
  const content = (found: Omit<Ole2Content, 'appended' | 'objects'>): Ole2Content => ({ ...found, objects, ...(appended ? { appended } : {}) });
  const workbookStream = stream('Workbook') ?? stream('Book');
  if (workbookStream) {
    const workbook = toBytes(workbookStream.content);
    return hasFilepass(workbook) ? { kind: 'encrypted-office', objects: [] } : content({ kind: 'xls', workbook });
  }
  if (objects.some((object) => !object.name.includes('/')) || OTHER_DOCUMENT_STREAMS.some((name) => stream(name))) return content({ kind: 'other' });
  return stop('corrupt', path, 'compound file without a workbook or a known document stream');
}

/**
 * The compound file read by cfb.ts, in the shape SheetJS's CFB gives it (paths 'Root Entry/a/b',
 * a storage's ending in '/'), without loading SheetJS. Undefined when cfb.ts finds damage or a
 * directory whose tree is not clean (an entry reached twice, a stream or storage no storage
 * reaches): SheetJS, which reads past more damage, reads those as before.
 */
function fastCompoundFile(bytes: Uint8Array): CompoundFile | undefined {
  const file = readCompoundFile(bytes);
  const paths = file?.paths();
  if (!file || !paths) return undefined;
  const root = file.entries[0]!;
  const FullPaths: string[] = [];
  const FileIndex: CompoundEntry[] = [];
  for (const [index, entry] of file.entries.entries()) {
    if (index === 0) {
      FullPaths.push(`${root.name}/`);
      FileIndex.push({ type: 5, start: root.start, size: root.size });
      continue;
    }
    if (entry.type !== 1 && entry.type !== 2) continue;
    const where = paths[index];
    if (where === undefined) return undefined;
    if (entry.type === 1) {
      FullPaths.push(`${root.name}/${where}/`);
      FileIndex.push({ type: 1, start: entry.start, size: entry.size });
      continue;
    }
    // Read once, when asked for: only the workbook and the object streams are.
    if (!file.readable(index)) return undefined;
    let content: Uint8Array | undefined;
    FullPaths.push(`${root.name}/${where}`);
    FileIndex.push({ type: 2, start: entry.start, size: entry.size, get content() { return (content ??= file.streamAt(index)); } });
  }
  return { FileIndex, FullPaths };
}

/** The object streams of the compound file (see Ole2Content.objects), at the root and in every storage below it. */
function objectStreams(container: CompoundFile, path: string): Ole2Object[] {
  const objects: Ole2Object[] = [];
  container.FullPaths.forEach((full, index) => {
    const entry = container.FileIndex[index];
    if (entry?.type !== 2) return;
    const parts = full.split('/').slice(1);
    const stream = parts.at(-1)!.toLowerCase();
    const atRoot = parts.length === 1;
    if (!OBJECT_STREAMS.includes(stream) && (atRoot || !EMBEDDED_WORKBOOK_STREAMS.includes(stream))) return;
    const bytes = toBytes(entry.content);
    objects.push({ name: parts.join('/'), bytes: stream === '\x01ole10native' ? ole10Native(bytes, path) : bytes });
  });
  return objects;
}

/**
 * An OLE 1.0 package: total size, type, label and file name (NUL-terminated), 4 bytes, the
 * temporary path (length-prefixed), then the file's size and bytes.
 */
function ole10Native(stream: Uint8Array, path: string): Uint8Array {
  const view = new DataView(stream.buffer, stream.byteOffset, stream.byteLength);
  const damaged = () => stop('corrupt', path, 'damaged packaged object (Ole10Native)');
  let at = 6;
  for (let strings = 0; strings < 2; strings++) {
    const end = stream.indexOf(0, at);
    if (end < 0) damaged();
    at = end + 1;
  }
  at += 4;
  if (at + 4 > stream.length) damaged();
  at += 4 + view.getUint32(at, true);
  if (at + 4 > stream.length) damaged();
  const size = view.getUint32(at, true);
  if (at + 4 + size > stream.length) damaged();
  return stream.subarray(at + 4, at + 4 + size);
}

function toBytes(content: CompoundEntry['content']): Uint8Array {
  return content instanceof Uint8Array ? content : Uint8Array.from(content ?? []);
}

/** The header lists the first 109 FAT sectors itself; larger files list the rest elsewhere. */
const HEADER_FAT_SECTORS = 109;
/** Streams smaller than this live in the mini stream, not in sectors of their own. */
const MINI_STREAM_CUTOFF = 4096;
const MAX_REGULAR_SECTOR = 0xfffffffa;

/**
 * Bytes after the last sector the compound file uses: no Office reader sees them, a text editor
 * or a spreadsheet's text import does (a csv appended to a .doc). The used sectors are those of
 * the chains that start at the header's structures and at each stream; undefined when there are
 * no bytes after them, or the file is too large for its header to list every FAT sector.
 */
function bytesAfterSectors(bytes: Uint8Array, container: CompoundFile): Uint8Array | undefined {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const sectorSize = 2 ** view.getUint16(30, true);
  const fatSectors = view.getUint32(44, true);
  if (sectorSize < 512 || sectorSize > 4096 || fatSectors > HEADER_FAT_SECTORS) return undefined;
  const sectorStart = (sector: number) => (sector + 1) * sectorSize;
  const fat = (sector: number): number => {
    const entriesPerSector = sectorSize / 4;
    const fatSector = view.getUint32(76 + Math.floor(sector / entriesPerSector) * 4, true);
    const at = sectorStart(fatSector) + (sector % entriesPerSector) * 4;
    return at + 4 <= bytes.length ? view.getUint32(at, true) : MAX_REGULAR_SECTOR + 1;
  };
  const capacity = fatSectors * (sectorSize / 4);
  let last = -1;
  const follow = (start: number) => {
    for (let sector = start, steps = 0; sector < MAX_REGULAR_SECTOR && sector < capacity && steps < capacity; sector = fat(sector), steps++) last = Math.max(last, sector);
  };
  for (let i = 0; i < fatSectors; i++) follow(view.getUint32(76 + i * 4, true));
  follow(view.getUint32(48, true)); // directory
  follow(view.getUint32(60, true)); // mini FAT
  for (const entry of container.FileIndex) {
    const isRoot = entry.type === 5;
    if (entry.type === 2 || isRoot) if (isRoot || (entry.size ?? 0) >= MINI_STREAM_CUTOFF) follow(entry.start ?? MAX_REGULAR_SECTOR);
  }
  const end = sectorStart(last + 1);
  return bytes.length > end ? bytes.subarray(end) : undefined;
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
