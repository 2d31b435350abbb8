// Page world: a held drop (or paste) replayed so that page scripts read it as the original. The
// replay carries a DataTransfer built in script, whose items have no file system entry:
// webkitGetAsEntry() is null there, and widgets that walk entries (flow.js, jQuery File Upload,
// Dropzone and Uppy for folders) skip such an item, so the file silently never arrives. So the
// entries and handles are taken while the original is dispatched, every file of a dropped folder
// is read and judged with the rest, and the replayed items answer with entries built over the
// judged File objects (nothing is read from disk or scanned twice) and with the original handles
// (whose getFile() file-handles.ts guards).
import { privateWeakMap } from './private-map.js';

/** A file item of the original transfer, taken during its dispatch (afterwards it reads as empty). */
export interface HeldItem {
  file: File;
  entry: FileSystemEntry | null;
  handle: Promise<FileSystemHandle | null> | undefined;
}

/** Chromium's, in secure contexts; not yet in TypeScript's DOM types. */
type ItemWithHandle = DataTransferItem & { getAsFileSystemHandle?(): Promise<FileSystemHandle | null> };

/** What a held item turned out to hold: a file, or a folder with everything in it. */
export type Dropped = { entry: FileSystemEntry | null; file: File } | { entry: FileSystemDirectoryEntry; children: Dropped[] };

interface Replayed {
  entry: FileSystemEntry | null;
  handle: Promise<FileSystemHandle | null> | undefined;
}

/** Keyed by the File a replayed item holds: an item list makes a new item object on every read. */
const replayed = privateWeakMap<File, Replayed>();

export function takeItems(transfer: DataTransfer): HeldItem[] {
  const held: HeldItem[] = [];
  for (const item of Array.from(transfer.items) as ItemWithHandle[]) {
    const file = item.kind === 'file' ? item.getAsFile() : null;
    if (file) held.push({ file, entry: item.webkitGetAsEntry?.() ?? null, handle: item.getAsFileSystemHandle?.() });
  }
  return held;
}

function readEntries(reader: FileSystemDirectoryReader): Promise<FileSystemEntry[]> {
  return new Promise((resolve, reject) => reader.readEntries(resolve, reject));
}

async function readFolder(folder: FileSystemDirectoryEntry): Promise<Dropped> {
  const reader = folder.createReader();
  const entries: FileSystemEntry[] = [];
  // A reader gives a folder in batches (100 at a time in Chromium) until an empty one.
  for (let batch = await readEntries(reader); batch.length > 0; batch = await readEntries(reader)) entries.push(...batch);
  const children = await Promise.all(
    entries.map(async (entry): Promise<Dropped> =>
      entry.isDirectory
        ? readFolder(entry as FileSystemDirectoryEntry)
        : { entry, file: await new Promise<File>((resolve, reject) => (entry as FileSystemFileEntry).file(resolve, reject)) },
    ),
  );
  return { entry: folder, children };
}

/** The held items with their folders read to the bottom; rejects when any of it cannot be read. */
export function readHeldItems(items: readonly HeldItem[]): Promise<Dropped[]> {
  return Promise.all(items.map(({ entry, file }) => (entry?.isDirectory ? readFolder(entry as FileSystemDirectoryEntry) : { entry, file })));
}

export function filesOf(dropped: readonly Dropped[]): File[] {
  return dropped.flatMap((node) => ('file' in node ? [node.file] : filesOf(node.children)));
}

const later = (callback: () => void) => void setTimeout(callback, 0);

/** An object of the original's class (so instanceof and toString agree) with our own members. */
function likeOriginal<T>(original: object, members: Record<string, unknown>): T {
  const copy = Object.create(Object.getPrototypeOf(original) as object) as T;
  for (const [key, value] of Object.entries(members)) Object.defineProperty(copy, key, { value, enumerable: true, configurable: true });
  return copy;
}

/**
 * Entries over the judged files: the original entries' classes, names and paths, in a file system
 * whose root holds the dropped items; a file entry gives the File we judged, a folder lists the
 * entries we read.
 */
function entriesOver(dropped: readonly Dropped[]): (FileSystemEntry | null)[] {
  const first = dropped.find((node) => node.entry)?.entry;
  if (!first) return dropped.map(() => null);
  const filesystem = likeOriginal<FileSystem>(first.filesystem, { name: first.filesystem.name });

  function folder(original: FileSystemDirectoryEntry, parent: () => FileSystemDirectoryEntry, children: () => FileSystemEntry[]): FileSystemDirectoryEntry {
    const reader = original.createReader();
    return likeOriginal(original, {
      ...common(original, parent),
      // All at once, then an empty batch: the end a reader's caller waits for.
      createReader: () => {
        let given = false;
        return likeOriginal<FileSystemDirectoryReader>(reader, {
          readEntries: (success: FileSystemEntriesCallback) => {
            const batch = given ? [] : [...children()];
            given = true;
            later(() => success(batch));
          },
        });
      },
    });
  }

  function common(original: FileSystemEntry, parent: () => FileSystemDirectoryEntry) {
    const { name, fullPath, isFile, isDirectory } = original;
    return { name, fullPath, isFile, isDirectory, filesystem, getParent: (success?: FileSystemEntryCallback) => later(() => success?.(parent())) };
  }

  function entryOver(node: Dropped, parent: () => FileSystemDirectoryEntry): FileSystemEntry | null {
    if (!node.entry) return null;
    if ('file' in node) return likeOriginal(node.entry, { ...common(node.entry, parent), file: (success: FileCallback) => later(() => success(node.file)) });
    const self = folder(node.entry, parent, () => children);
    const children = node.children.map((child) => entryOver(child, () => self)!);
    return self;
  }

  const topLevel = dropped.map((node) => entryOver(node, () => root));
  // The root of the drop's file system is its own parent.
  const root: FileSystemDirectoryEntry = folder(first.filesystem.root, () => root, () => topLevel.filter((entry) => entry !== null));
  Object.defineProperty(filesystem, 'root', { value: root, enumerable: true });
  return topLevel;
}

/** Makes the items of the replayed transfer, which holds the held items' files, answer as the originals did. */
export function answerAsOriginal(items: readonly HeldItem[], dropped: readonly Dropped[]): void {
  const entries = entriesOver(dropped);
  items.forEach((item, index) => replayed.set(item.file, { entry: entries[index] ?? null, handle: item.handle }));
}

/** Installs the replayed items' answers; any other item answers as the browser does. */
export function guardDropEntries(): void {
  const proto: ItemWithHandle = DataTransferItem.prototype;
  const call = Function.prototype.call;
  const fileOf = call.bind(proto.getAsFile) as (item: DataTransferItem) => File | null;
  const ofReplay = (item: DataTransferItem) => {
    try {
      return replayed.get(fileOf(item) as File);
    } catch {
      return undefined;
    }
  };
  const getAsEntry = call.bind(proto.webkitGetAsEntry) as (item: DataTransferItem) => FileSystemEntry | null;
  proto.webkitGetAsEntry = function webkitGetAsEntry(this: DataTransferItem) {
    const held = ofReplay(this);
    return held ? held.entry : getAsEntry(this);
  };
  // Chromium only, and only in secure contexts.
  const getAsHandle = proto.getAsFileSystemHandle && (call.bind(proto.getAsFileSystemHandle) as (item: DataTransferItem) => Promise<FileSystemHandle | null>);
  if (!getAsHandle) return;
  proto.getAsFileSystemHandle = function getAsFileSystemHandle(this: DataTransferItem) {
    const held = ofReplay(this);
    return held ? (held.handle ?? Promise.resolve(null)) : getAsHandle(this);
  };
}
