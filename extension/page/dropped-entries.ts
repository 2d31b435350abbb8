// Page world: a held drop (or paste) replayed so that page scripts read it as the original. The
// replay carries a DataTransfer built in script, whose items have no file system entry:
// webkitGetAsEntry() is null there, and widgets that walk entries (flow.js, jQuery File Upload,
// Dropzone and Uppy for folders) skip such an item, so the file silently never arrives. So the
// entries and handles are taken while the original is dispatched, every file of a dropped folder
// is read and judged with the rest, and the replayed items answer with entries built over the
// judged File objects (nothing is read from disk or scanned twice) and with the original handles
// (whose getFile() file-handles.ts guards).
import { append, createReader, entryFile, isDirectoryEntry, itemEntry, itemFile, itemHandle, itemKind, itemListLength, NativePromise, objectHasOwn, readEntries, transferItems } from './intrinsics.js';
import { gather } from './later.js';
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

/** The file items of a transfer, read with the browser's own methods (a page's could keep the original). */
export function takeItems(transfer: DataTransfer): HeldItem[] {
  const items = transferItems(transfer);
  const held: HeldItem[] = [];
  for (let i = 0, count = itemListLength(items); i < count; i++) {
    const item = items[i]!;
    const file = itemKind(item) === 'file' ? itemFile(item) : null;
    if (file) append(held, { file, entry: itemEntry?.(item) ?? null, handle: itemHandle?.(item) });
  }
  return held;
}

type Fail = (error: unknown) => void;

/** A folder's entries, batch after batch (100 at a time in Chromium) until an empty one. */
function readAllEntries(reader: FileSystemDirectoryReader, onEntries: (entries: FileSystemEntry[]) => void, onError: Fail, entries: FileSystemEntry[] = []): void {
  readEntries(
    reader,
    (batch) => {
      if (batch.length === 0) return onEntries(entries);
      for (let i = 0; i < batch.length; i++) append(entries, batch[i]!);
      readAllEntries(reader, onEntries, onError, entries);
    },
    onError,
  );
}

function readNode(entry: FileSystemEntry | null, file: File | undefined, onNode: (node: Dropped) => void, onError: Fail): void {
  if (entry && isDirectoryEntry(entry)) return readFolder(entry as FileSystemDirectoryEntry, onNode, onError);
  if (file) return onNode({ entry, file });
  entryFile(entry as FileSystemFileEntry, (read) => onNode({ entry, file: read }), onError);
}

function readFolder(folder: FileSystemDirectoryEntry, onNode: (node: Dropped) => void, onError: Fail): void {
  readAllEntries(
    createReader(folder),
    (entries) => gather<Dropped>(entries.length, (i, give, fail) => readNode(entries[i]!, undefined, give, fail), (children) => onNode({ entry: folder, children }), onError),
    onError,
  );
}

/** The held items with their folders read to the bottom; `onError` when any of it cannot be read. */
export function readHeldItems(items: readonly HeldItem[], onRead: (dropped: Dropped[]) => void, onError: Fail): void {
  gather<Dropped>(items.length, (i, give, fail) => readNode(items[i]!.entry, items[i]!.file, give, fail), onRead, onError);
}

/** A file, not a folder: by its own member, whatever a page put on Object.prototype. */
function isFileNode(node: Dropped): node is Extract<Dropped, { file: File }> {
  return objectHasOwn(node, 'file');
}

/** Every file in what was dropped, folders' included, in our own array. */
export function filesOf(dropped: readonly Dropped[], files: File[] = []): File[] {
  for (let i = 0; i < dropped.length; i++) {
    const node = dropped[i]!;
    if (isFileNode(node)) append(files, node.file);
    else filesOf(node.children, files);
  }
  return files;
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
    if (isFileNode(node)) return likeOriginal(node.entry, { ...common(node.entry, parent), file: (success: FileCallback) => later(() => success(node.file)) });
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
  for (let i = 0; i < items.length; i++) replayed.set(items[i]!.file, { entry: entries[i] ?? null, handle: items[i]!.handle });
}

/** Installs the replayed items' answers; any other item answers as the browser does. */
export function guardDropEntries(): void {
  const proto: ItemWithHandle = DataTransferItem.prototype;
  const ofReplay = (item: DataTransferItem) => {
    try {
      return replayed.get(itemFile(item) as File);
    } catch {
      return undefined;
    }
  };
  const getAsEntry = itemEntry;
  if (getAsEntry) {
    proto.webkitGetAsEntry = function webkitGetAsEntry(this: DataTransferItem) {
      const held = ofReplay(this);
      return held ? held.entry : getAsEntry(this);
    };
  }
  // Chromium only, and only in secure contexts.
  const getAsHandle = itemHandle;
  if (!getAsHandle) return;
  proto.getAsFileSystemHandle = function getAsFileSystemHandle(this: DataTransferItem) {
    const held = ofReplay(this);
    return held ? (held.handle ?? new NativePromise<null>((resolve) => resolve(null))) : getAsHandle(this);
  };
}
