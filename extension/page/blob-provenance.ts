// Page world: where a Blob's bytes came from. Chunked upload widgets (tus, FilePond, Dropzone,
// resumable.js, flow.js, jQuery File Upload) cut the File the caseworker chose into slices with
// Blob.prototype.slice and upload them one by one; a slice is no file of its own, and scanned
// alone a slice of a harmless workbook is a truncated one, blocked. So every Blob this hook sees
// made from exactly one other Blob is recorded with that source: a slice (also of a slice),
// `new Blob([blob])` and `new File([blob], name)`, and the File that FormData.append makes of a
// Blob. verdicts.ts gives such a Blob the verdict of the nearest source already judged.
//
// Only the hook records, from blobs the browser itself sliced or wrapped: a page script cannot
// enter a blob of its own as a slice of a clean file. The natives are taken before any page
// script runs, a part is read from the page's array once and handed to the constructor in an
// iterable of our own (the page can redefine array iteration, so the bytes would not be the ones
// we recorded), and a source must pass the browser's own Blob check, not `instanceof`.
import { apply, append, blobSize, construct, defineProperty, formAppend, formDelete, formEntries, isArray, NativeFormData, nativeFormAppend, nativeFormSet, nativeSlice, nextEntry, objectCreate, passes, setAt } from './intrinsics.js';
import { privateWeakMap } from './private-map.js';

const sources = privateWeakMap<Blob, Blob>();

/** The Blob this one was cut or wrapped from, if the hook saw it made. */
export function sourceOf(blob: Blob): Blob | undefined {
  return sources.get(blob);
}

/** A real Blob, by the browser's own brand check (a Proxy or a forged prototype fails it). */
export function isBlob(value: unknown): value is Blob {
  return passes(blobSize, value);
}

/** Iterates over one value without Array.prototype[Symbol.iterator] or %ArrayIteratorPrototype%. */
export function only<T>(value: T): Iterable<T> {
  return {
    [Symbol.iterator]: () => {
      let given = false;
      return { next: () => (given ? { done: true, value: undefined } : ((given = true), { done: false, value })) };
    },
  } as Iterable<T>;
}

function recordSlices(): void {
  Blob.prototype.slice = function sliceRecorded(this: Blob, ...args: unknown[]): Blob {
    const slice = apply(nativeSlice, this, args) as Blob;
    sources.set(slice, this);
    return slice;
  };
}

/** Blob and File constructors: `new Blob([file])` holds the file's bytes and nothing else. */
function recordWrappers(): void {
  const wrapping = <C extends new (...args: never[]) => Blob>(constructor: C): C => {
    const recording = new Proxy(constructor, {
      construct(target, args: unknown[], newTarget) {
        const parts = args[0];
        const part = isArray(parts) && parts.length === 1 ? (parts[0] as unknown) : undefined;
        if (!isBlob(part)) return construct(target, args, newTarget);
        // The trap's own array: the part goes in as read once, in an iterable of ours.
        setAt(args, 0, only(part));
        const blob = construct(target, args, newTarget) as Blob;
        sources.set(blob, part);
        return blob;
      },
    });
    // So that `new blob.constructor([blob])` records too, and Blob.prototype.constructor === Blob holds.
    defineProperty(constructor.prototype, 'constructor', { value: recording, writable: true, configurable: true });
    return recording;
  };
  window.Blob = wrapping(Blob);
  window.File = wrapping(File);
}

/** What the hooks saw given under each name of a FormData, in order (undefined: a string). */
const given = privateWeakMap<FormData, Record<string, (Blob | undefined)[]>>();

function namesOf(form: FormData): Record<string, (Blob | undefined)[]> {
  let names = given.get(form);
  if (!names) given.set(form, (names = objectCreate(null) as Record<string, (Blob | undefined)[]>));
  return names;
}

/**
 * FormData stores a Blob as a File of its own, and Chromium hands out a new File object for an
 * entry each time it is read: so what is recorded is the Blob given under each name, in order,
 * and readForm() pairs it with the entries when the form is sent. Each name is converted once
 * (a name object could give another string to a second conversion), and the arguments go on in
 * the array the call made, not through the page's array iteration.
 */
function recordFormData(): void {
  FormData.prototype.append = function appendRecorded(this: FormData, ...args: unknown[]): void {
    const key = `${args[0] as string}`;
    setAt(args, 0, key);
    apply(nativeFormAppend, this, args);
    const names = namesOf(this);
    append((names[key] ??= []), isBlob(args[1]) ? args[1] : undefined);
  } as FormData['append'];
  FormData.prototype.set = function setRecorded(this: FormData, ...args: unknown[]): void {
    const key = `${args[0] as string}`;
    setAt(args, 0, key);
    apply(nativeFormSet, this, args);
    namesOf(this)[key] = [isBlob(args[1]) ? args[1] : undefined];
  } as FormData['set'];
  FormData.prototype.delete = function deleteRecorded(this: FormData, name: string): void {
    const key = `${name}`;
    formDelete(this, key);
    delete namesOf(this)[key];
  };
}

/** A FormData's entries, read with the browser's own methods: a page may replace values() or the iterator. */
function entriesOf(form: FormData): [string, FormDataEntryValue][] {
  const entries: [string, FormDataEntryValue][] = [];
  for (let reading = formEntries(form), next = nextEntry(reading); !next.done; next = nextEntry(reading)) append(entries, next.value);
  return entries;
}

/** How often each name occurs among the entries. */
function countNames(entries: readonly [string, FormDataEntryValue][]): Record<string, number> {
  const counts = objectCreate(null) as Record<string, number>;
  for (let i = 0; i < entries.length; i++) counts[entries[i]![0]] = (counts[entries[i]![0]] ?? 0) + 1;
  return counts;
}

export interface ReadForm {
  /** The Blobs it carries, each recorded as made from the Blob it was given as. */
  blobs: Blob[];
  /** A copy of the entries read: what is sent once they are allowed, whatever the page appends meanwhile. */
  copy: FormData;
}

/**
 * A FormData as it is sent. A name whose entries are not the ones the hooks saw given (a form
 * element's own fields, say) gets no source: its files are scanned as files of their own.
 */
export function readForm(form: FormData): ReadForm {
  const entries = entriesOf(form);
  const names = given.get(form);
  const counts = countNames(entries);
  const seen = objectCreate(null) as Record<string, number>;
  const blobs: Blob[] = [];
  const copy = new NativeFormData();
  for (let i = 0; i < entries.length; i++) {
    const name = entries[i]![0];
    const value = entries[i]![1];
    formAppend(copy, name, value);
    const index = seen[name] ?? 0;
    seen[name] = index + 1;
    if (!isBlob(value)) continue;
    const recorded = names?.[name];
    const source = recorded && recorded.length === counts[name] ? recorded[index] : undefined;
    // Where a browser hands back the very Blob given, it has no other source to record.
    if (source && source !== value) sources.set(value, source);
    append(blobs, value);
  }
  return { blobs, copy };
}

export function recordBlobProvenance(): void {
  recordSlices();
  recordWrappers();
  recordFormData();
}
