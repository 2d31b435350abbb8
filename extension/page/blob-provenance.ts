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
import { privateWeakMap } from './private-map.js';

const call = Function.prototype.call;
const construct = Reflect.construct;
const isArray = Array.isArray;
const sliceOf = call.bind(Blob.prototype.slice) as (blob: Blob, ...args: unknown[]) => Blob;
const sizeOf = call.bind(Object.getOwnPropertyDescriptor(Blob.prototype, 'size')!.get!) as (blob: unknown) => number;
const getAllOf = call.bind(FormData.prototype.getAll) as (form: FormData, name: string) => FormDataEntryValue[];

const sources = privateWeakMap<Blob, Blob>();

/** The Blob this one was cut or wrapped from, if the hook saw it made. */
export function sourceOf(blob: Blob): Blob | undefined {
  return sources.get(blob);
}

/** A real Blob, by the browser's own brand check (a Proxy or a forged prototype fails it). */
function isBlob(value: unknown): value is Blob {
  try {
    sizeOf(value);
    return true;
  } catch {
    return false;
  }
}

/** Iterates over one value without Array.prototype[Symbol.iterator] or %ArrayIteratorPrototype%. */
function only(value: Blob): Iterable<Blob> {
  return {
    [Symbol.iterator]: () => {
      let given = false;
      return { next: () => (given ? { done: true, value: undefined } : ((given = true), { done: false, value })) };
    },
  } as Iterable<Blob>;
}

function recordSlices(): void {
  Blob.prototype.slice = function sliceRecorded(this: Blob, ...args: unknown[]): Blob {
    const slice = sliceOf(this, ...args);
    sources.set(slice, this);
    return slice;
  };
}

/** Blob and File constructors: `new Blob([file])` holds the file's bytes and nothing else. */
function recordWrappers(): void {
  const wrapping = <C extends new (...args: never[]) => Blob>(constructor: C): C => {
    const recording = new Proxy(constructor, {
      construct(target, args: unknown[], newTarget) {
        const [parts, ...rest] = args;
        const part = isArray(parts) && parts.length === 1 ? (parts[0] as unknown) : undefined;
        if (!isBlob(part)) return construct(target, args, newTarget);
        const blob = construct(target, [only(part), ...rest], newTarget) as Blob;
        sources.set(blob, part);
        return blob;
      },
    });
    // So that `new blob.constructor([blob])` records too, and Blob.prototype.constructor === Blob holds.
    Object.defineProperty(constructor.prototype, 'constructor', { value: recording, writable: true, configurable: true });
    return recording;
  };
  window.Blob = wrapping(Blob);
  window.File = wrapping(File);
}

/** What the hooks saw given under each name of a FormData, in order (undefined: a string). */
const given = privateWeakMap<FormData, Record<string, (Blob | undefined)[]>>();
const formEntries = call.bind(FormData.prototype.entries) as (form: FormData) => Iterator<[string, FormDataEntryValue]>;
const nextEntry = call.bind(Object.getPrototypeOf(new FormData().entries()).next) as (entries: Iterator<[string, FormDataEntryValue]>) => IteratorResult<[string, FormDataEntryValue]>;

function namesOf(form: FormData): Record<string, (Blob | undefined)[]> {
  let names = given.get(form);
  if (!names) given.set(form, (names = Object.create(null) as Record<string, (Blob | undefined)[]>));
  return names;
}

/**
 * FormData stores a Blob as a File of its own, and Chromium hands out a new File object for an
 * entry each time it is read: so what is recorded is the Blob given under each name, in order,
 * and blobsIn() pairs it with the entries when the form is sent.
 */
function recordFormData(): void {
  const append = call.bind(FormData.prototype.append) as (form: FormData, ...args: unknown[]) => void;
  const set = call.bind(FormData.prototype.set) as (form: FormData, ...args: unknown[]) => void;
  const remove = call.bind(FormData.prototype.delete) as (form: FormData, name: string) => void;
  // Each name is converted once: a name object could give another string to a second conversion.
  FormData.prototype.append = function appendRecorded(this: FormData, name: string, value: unknown, ...rest: unknown[]): void {
    const key = `${name}`;
    append(this, key, value, ...rest);
    const names = namesOf(this);
    (names[key] ??= []).push(isBlob(value) ? value : undefined);
  } as FormData['append'];
  FormData.prototype.set = function setRecorded(this: FormData, name: string, value: unknown, ...rest: unknown[]): void {
    const key = `${name}`;
    set(this, key, value, ...rest);
    namesOf(this)[key] = [isBlob(value) ? value : undefined];
  } as FormData['set'];
  FormData.prototype.delete = function deleteRecorded(this: FormData, name: string): void {
    const key = `${name}`;
    remove(this, key);
    delete namesOf(this)[key];
  };
}

/** A FormData's entries, read with the browser's own methods: a page may replace values() or the iterator. */
function entriesOf(form: FormData): [string, FormDataEntryValue][] {
  const entries: [string, FormDataEntryValue][] = [];
  for (let reading = formEntries(form), next = nextEntry(reading); !next.done; next = nextEntry(reading)) entries.push(next.value);
  return entries;
}

/**
 * The Blobs a FormData carries, each recorded as made from the Blob it was given as. A name whose
 * entries are not the ones the hooks saw given (a form element's own fields, say) gets no source:
 * its files are scanned as files of their own.
 */
export function blobsIn(form: FormData): Blob[] {
  const entries = entriesOf(form);
  const names = given.get(form);
  const blobs: Blob[] = [];
  const seen = new Map<string, number>();
  for (const [name, value] of entries) {
    const index = seen.get(name) ?? 0;
    seen.set(name, index + 1);
    if (!isBlob(value)) continue;
    const recorded = names?.[name];
    const source = recorded?.length === entries.filter(([other]) => other === name).length ? recorded[index] : undefined;
    // Where a browser hands back the very Blob given, it has no other source to record.
    if (source && source !== value) sources.set(value, source);
    blobs.push(value);
  }
  return blobs;
}

export function recordBlobProvenance(): void {
  recordSlices();
  recordWrappers();
  recordFormData();
}
