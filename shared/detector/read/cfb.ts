// A small reader of compound files (MS-CFB): the directory and streams of an OLE2 file, without
// SheetJS. ole2.ts opens clean compound files with it (SheetJS's CFB reads the damaged ones), and
// the xls floor of `npm run bench cold` reads the Workbook stream with it. Every sector number and chain is checked against the file's size: a
// loop or a sector past the end is damage (undefined), never a hang or a read out of bounds; the
// caller then leaves the file to SheetJS, which reads what it can of damaged files.
const SIGNATURE = [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1];
const MAX_REGULAR_SECTOR = 0xfffffffa;
const END_OF_CHAIN = 0xfffffffe;
const FREE_SECTOR = 0xffffffff;
const HEADER_DIFAT_ENTRIES = 109;
const DIRECTORY_ENTRY = 128;
const NO_STREAM = 0xffffffff;

export interface CompoundDirectoryEntry {
  name: string;
  /** 1 storage, 2 stream, 5 root. */
  type: number;
  left: number;
  right: number;
  child: number;
  start: number;
  size: number;
}

export interface CompoundFile {
  entries: CompoundDirectoryEntry[];
  /**
   * The bytes of a stream directly below the root, by name as Office compares them
   * (case-insensitive); undefined when there is none or its chain is damaged.
   */
  rootStream(name: string): Uint8Array | undefined;
  /** The bytes of the stream at this directory index; undefined when its chain is damaged. */
  streamAt(index: number): Uint8Array | undefined;
  /** Whether the stream at this index can be read (its chain holds its size), without reading it. */
  readable(index: number): boolean;
  /**
   * Each directory entry's path below the root ('Storage/Stream'), by index; undefined for the
   * root, unused entries, and entries no storage reaches. Undefined as a whole when an entry is
   * reached twice or a link points past the directory: a tree readers may walk differently.
   */
  paths(): (string | undefined)[] | undefined;
}

/** The compound file's directory and streams, or undefined when its structure is damaged. */
export function readCompoundFile(bytes: Uint8Array): CompoundFile | undefined {
  try {
    return parse(bytes);
  } catch (error) {
    if (error instanceof Damaged) return undefined;
    throw error;
  }
}

class Damaged extends Error {}

function damaged(): never {
  throw new Damaged();
}

function parse(bytes: Uint8Array): CompoundFile {
  if (bytes.length < 512 || !SIGNATURE.every((b, i) => bytes[i] === b)) damaged();
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const shift = view.getUint16(30, true);
  const miniShift = view.getUint16(32, true);
  if ((shift !== 9 && shift !== 12) || miniShift !== 6) damaged();
  const sectorSize = 1 << shift;
  const sectorCount = Math.floor((bytes.length - sectorSize) / sectorSize) + (bytes.length % sectorSize === 0 ? 0 : 1);
  const perSector = sectorSize / 4;
  const offsetOf = (sector: number) => (sector + 1) * sectorSize;

  // The FAT sectors: 109 in the header, the rest in a chain of DIFAT sectors.
  const fatCount = view.getUint32(44, true);
  if (fatCount > sectorCount) damaged();
  const fatSectors: number[] = [];
  for (let i = 0; i < Math.min(fatCount, HEADER_DIFAT_ENTRIES); i++) fatSectors.push(view.getUint32(76 + i * 4, true));
  for (let difat = view.getUint32(68, true), steps = 0; fatSectors.length < fatCount; steps++) {
    if (difat > MAX_REGULAR_SECTOR || difat >= sectorCount || steps > sectorCount) damaged();
    const at = offsetOf(difat);
    for (let i = 0; i < perSector - 1 && fatSectors.length < fatCount; i++) fatSectors.push(view.getUint32(at + i * 4, true));
    difat = view.getUint32(at + (perSector - 1) * 4, true);
  }
  const fat = new Uint32Array(fatCount * perSector);
  fatSectors.forEach((sector, i) => {
    if (sector > MAX_REGULAR_SECTOR || sector >= sectorCount) damaged();
    const at = offsetOf(sector);
    const available = Math.min(perSector, Math.floor((bytes.length - at) / 4));
    for (let j = 0; j < available; j++) fat[i * perSector + j] = view.getUint32(at + j * 4, true);
    for (let j = available; j < perSector; j++) fat[i * perSector + j] = FREE_SECTOR;
  });

  /** The sectors of a chain, each once and within the file. */
  const chain = (start: number, table: Uint32Array, limit: number): number[] => {
    const sectors: number[] = [];
    for (let sector = start; sector !== END_OF_CHAIN; sector = table[sector]!) {
      if (sector > MAX_REGULAR_SECTOR || sector >= limit || sector >= table.length || sectors.length > limit) damaged();
      sectors.push(sector);
    }
    return sectors;
  };
  /** The bytes a chain's sectors really hold: the file (or the mini stream) may end inside the last. */
  const held = (sectors: number[], size: number, left: (sector: number) => number): number =>
    sectors.reduce((sum, sector) => sum + Math.max(0, Math.min(size, left(sector))), 0);
  const regular = (start: number, size: number): Uint8Array => {
    // Sized by the chain before anything is allocated: a size the sectors cannot hold is damage,
    // so no stream is ever larger than the file.
    const sectors = chain(start, fat, sectorCount);
    if (held(sectors, sectorSize, (sector) => bytes.length - offsetOf(sector)) < size) damaged();
    const out = new Uint8Array(size);
    let length = 0;
    for (const sector of sectors) {
      if (length >= size) break;
      const at = offsetOf(sector);
      const piece = bytes.subarray(at, Math.min(at + sectorSize, at + size - length));
      out.set(piece, length);
      length += piece.length;
    }
    if (length < size) damaged();
    return out;
  };

  const directory = regular(view.getUint32(48, true), chain(view.getUint32(48, true), fat, sectorCount).length * sectorSize);
  const entries: CompoundDirectoryEntry[] = [];
  const dir = new DataView(directory.buffer, directory.byteOffset, directory.byteLength);
  for (let at = 0; at + DIRECTORY_ENTRY <= directory.length; at += DIRECTORY_ENTRY) {
    const nameLength = Math.min(dir.getUint16(at + 64, true), 64);
    let name = '';
    for (let i = 0; i + 2 <= nameLength - 2; i += 2) name += String.fromCharCode(dir.getUint16(at + i, true));
    entries.push({
      name,
      type: directory[at + 66]!,
      left: dir.getUint32(at + 68, true),
      right: dir.getUint32(at + 72, true),
      child: dir.getUint32(at + 76, true),
      start: dir.getUint32(at + 116, true),
      size: dir.getUint32(at + 120, true),
    });
  }
  const root = entries[0];
  if (!root || root.type !== 5) damaged();

  const miniCutoff = view.getUint32(56, true);
  // Every writer puts 4096 here and SheetJS assumes it: another value is no file to guess about.
  if (miniCutoff !== 4096) damaged();
  let mini: { stream: Uint8Array; fat: Uint32Array } | undefined;
  const miniStream = () => {
    if (mini) return mini;
    const miniFatStart = view.getUint32(60, true);
    const miniFatSectors = miniFatStart === END_OF_CHAIN ? [] : chain(miniFatStart, fat, sectorCount);
    const table = regular(miniFatStart, miniFatSectors.length * sectorSize);
    const miniFat = new Uint32Array(table.length / 4);
    const tableView = new DataView(table.buffer);
    for (let i = 0; i < miniFat.length; i++) miniFat[i] = tableView.getUint32(i * 4, true);
    mini = { stream: root.size === 0 ? new Uint8Array(0) : regular(root.start, root.size), fat: miniFat };
    return mini;
  };
  const stream = (entry: CompoundDirectoryEntry): Uint8Array => {
    if (entry.size === 0) return new Uint8Array(0);
    if (entry.size >= miniCutoff) return regular(entry.start, entry.size);
    const { stream: miniBytes, fat: miniFat } = miniStream();
    const out = new Uint8Array(entry.size);
    let length = 0;
    for (const sector of chain(entry.start, miniFat, Math.ceil(miniBytes.length / 64))) {
      if (length >= entry.size) break;
      const piece = miniBytes.subarray(sector * 64, Math.min(sector * 64 + 64, sector * 64 + entry.size - length));
      out.set(piece, length);
      length += piece.length;
    }
    if (length < entry.size) damaged();
    return out;
  };

  /** The entries directly below the root: its child and that child's siblings (a red-black tree). */
  const children: CompoundDirectoryEntry[] = [];
  const pending = [root.child];
  const seen = new Set<number>();
  while (pending.length > 0) {
    const id = pending.pop()!;
    if (id === NO_STREAM) continue;
    if (id >= entries.length || seen.has(id)) damaged();
    seen.add(id);
    const entry = entries[id]!;
    children.push(entry);
    pending.push(entry.left, entry.right);
  }
  const paths = (): (string | undefined)[] | undefined => {
    const found: (string | undefined)[] = [];
    const seen = new Set<number>([0]);
    // Each storage's children: its child entry and that entry's siblings (a red-black tree).
    const walk = (storage: number, prefix: string): boolean => {
      const pending = [entries[storage]!.child];
      while (pending.length > 0) {
        const id = pending.pop()!;
        if (id === NO_STREAM) continue;
        if (id >= entries.length || seen.has(id)) return false;
        seen.add(id);
        const entry = entries[id]!;
        found[id] = prefix + entry.name;
        pending.push(entry.left, entry.right);
        if (entry.type === 1 && !walk(id, `${prefix}${entry.name}/`)) return false;
      }
      return true;
    };
    return walk(0, '') ? found : undefined;
  };
  return {
    entries,
    paths,
    readable(index) {
      const entry = entries[index];
      if (entry?.type !== 2) return false;
      try {
        if (entry.size === 0) return true;
        if (entry.size >= miniCutoff) return held(chain(entry.start, fat, sectorCount), sectorSize, (sector) => bytes.length - offsetOf(sector)) >= entry.size;
        const { stream: miniBytes, fat: miniFat } = miniStream();
        return held(chain(entry.start, miniFat, Math.ceil(miniBytes.length / 64)), 64, (sector) => miniBytes.length - sector * 64) >= entry.size;
      } catch (error) {
        if (error instanceof Damaged) return false;
        throw error;
      }
    },
    streamAt(index) {
      const entry = entries[index];
      try {
        return entry?.type === 2 ? stream(entry) : undefined;
      } catch (error) {
        if (error instanceof Damaged) return undefined;
        throw error;
      }
    },
    rootStream(name) {
      const wanted = name.toLowerCase();
      const entry = children.find((child) => child.type === 2 && child.name.toLowerCase() === wanted);
      try {
        return entry ? stream(entry) : undefined;
      } catch (error) {
        if (error instanceof Damaged) return undefined;
        throw error;
      }
    },
  };
}
