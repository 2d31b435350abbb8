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

/** FormData stores a Blob as a new File (and a File given a file name as another one). */
function recordFormData(): void {
  for (const method of ['append', 'set'] as const) {
    const native = call.bind(FormData.prototype[method]) as (form: FormData, ...args: unknown[]) => void;
    FormData.prototype[method] = function formDataRecorded(this: FormData, name: string, value: unknown, ...rest: unknown[]): void {
      // Named once: a name object could give another string to a second conversion, and so
      // point us at an entry the page appended before.
      const key = `${name}`;
      native(this, key, value, ...rest);
      if (!isBlob(value)) return;
      const entries = getAllOf(this, key);
      const stored = entries[entries.length - 1];
      if (isBlob(stored) && stored !== value) sources.set(stored, value);
    } as FormData['append'];
  }
}

export function recordBlobProvenance(): void {
  recordSlices();
  recordWrappers();
  recordFormData();
}
