// Page world: the browser's own functions, taken when this script is evaluated (document_start,
// before any page script runs). A page script may later replace Array.prototype.every,
// Promise.prototype.then, Function.prototype.call, a getter on MessageEvent.prototype or a global
// constructor, and by that see our private state or make a blocked file pass; what is taken here
// stays the browser's. So everything on the way from a file entering the page to its release goes
// through these, called as plain functions (`then(promise, ...)`, not `promise.then(...)`).
//
// What these do not cover, by their nature: a function taken here still reads the properties of
// the objects it is handed (a getter of the page's own on an init dictionary, say), so the callers
// hand them values of our own making where that matters.

/** f(self, ...args) for a method f: calls it on self without Function.prototype.call at call time. */
export const uncurry = Function.prototype.bind.bind(Function.prototype.call) as <A extends unknown[], R>(method: (...args: A) => R) => (self: unknown, ...args: A) => R;

function getterOf<T>(prototype: object, name: string): (self: unknown) => T {
  return uncurry(Object.getOwnPropertyDescriptor(prototype, name)!.get!) as (self: unknown) => T;
}

function setterOf<T>(prototype: object, name: string): (self: unknown, value: T) => void {
  return uncurry(Object.getOwnPropertyDescriptor(prototype, name)!.set!) as (self: unknown, value: T) => void;
}

export const apply = Reflect.apply;
export const construct = Reflect.construct;
export const defineProperty = Reflect.defineProperty;
export const objectCreate = Object.create;
export const objectHasOwn = Object.hasOwn;
const getPrototypeOf = Object.getPrototypeOf;
const getOwnPropertyDescriptor = Object.getOwnPropertyDescriptor;
export const isArray = Array.isArray;
export const isView = ArrayBuffer.isView;
export const queueTask = window.queueMicrotask.bind(window);
export const clearTimer = window.clearTimeout.bind(window);

/** The constructors as the browser made them: a page may replace the globals. */
export const NativePromise = Promise;
export const NativeBlob = Blob;
export const NativeFormData = FormData;
export const NativeDataTransfer = DataTransfer;
export const NativeEvent = Event;
export const NativeProgressEvent = ProgressEvent;
export const NativeDragEvent = DragEvent;
export const NativeClipboardEvent = ClipboardEvent;
export const NativeTypeError = TypeError;
export const NativeDOMException = DOMException;
export const NativeURL = URL;
export const NativeHeaders = Headers;
export const NativeResponse = Response;

/** Promise.prototype.then: hands our callbacks the promise's own value, whatever the page did to then or constructor. */
export const then = uncurry(Promise.prototype.then) as <T>(promise: Promise<T>, onValue: (value: T) => void, onError: (error: unknown) => void) => void;

/**
 * A property descriptor without a prototype: reading one looks for get and set too, and a getter
 * the page put on Object.prototype would be handed the descriptor, with our value in it.
 */
export function dataProperty(value: unknown): PropertyDescriptor {
  const property = objectCreate(null) as PropertyDescriptor;
  property.value = value;
  property.writable = true;
  property.enumerable = true;
  property.configurable = true;
  return property;
}

/** Writes into one of our arrays without an index setter the page may have put on Array.prototype. */
export function setAt<T>(list: T[], index: number, value: T): void {
  defineProperty(list, index, dataProperty(value));
}

/** An object that answers as `base` but for `members`, each taken as given: what the browser reads of it is what we checked. */
export function withOwn<T extends object>(base: T, members: Record<string, unknown>): T {
  const properties = objectCreate(null) as PropertyDescriptorMap;
  for (const name in members) if (objectHasOwn(members, name)) properties[name] = dataProperty(members[name]);
  return objectCreate(base, properties) as T;
}

/** Adds to the end of one of our arrays without Array.prototype.push. */
export function append<T>(list: T[], value: T): void {
  setAt(list, list.length, value);
}

// Strings.
export const toUpperCase = uncurry(String.prototype.toUpperCase) as (text: string) => string;
export const toLowerCase = uncurry(String.prototype.toLowerCase) as (text: string) => string;
export const startsWith = uncurry(String.prototype.startsWith) as (text: string, start: string) => boolean;
export const stringify = JSON.stringify;

// Events.
export const addListener = uncurry(EventTarget.prototype.addEventListener) as (target: EventTarget, type: string, listener: (event: never) => void, capture: boolean) => void;
export const dispatch = uncurry(EventTarget.prototype.dispatchEvent) as (target: EventTarget, event: Event) => boolean;
export const stopImmediatePropagation = uncurry(Event.prototype.stopImmediatePropagation) as (event: Event) => void;
export const preventDefault = uncurry(Event.prototype.preventDefault) as (event: Event) => void;
export const composedPath = uncurry(Event.prototype.composedPath) as (event: Event) => EventTarget[];
export const messageData = getterOf<unknown>(MessageEvent.prototype, 'data');
export const messageSource = getterOf<MessageEventSource | null>(MessageEvent.prototype, 'source');
export const dataTransferOf = getterOf<DataTransfer | null>(DragEvent.prototype, 'dataTransfer');
export const clipboardDataOf = getterOf<DataTransfer | null>(ClipboardEvent.prototype, 'clipboardData');
export const postToPort = uncurry(MessagePort.prototype.postMessage) as (port: MessagePort, message: unknown) => void;

// Blobs, files, file inputs.
export const blobSize = getterOf<number>(Blob.prototype, 'size');
export const fileName = getterOf<string>(File.prototype, 'name');
export const fileListLength = getterOf<number>(FileList.prototype, 'length');
export const fileAt = uncurry(FileList.prototype.item) as (list: FileList, index: number) => File | null;
export const inputType = getterOf<string>(HTMLInputElement.prototype, 'type');
export const inputFiles = getterOf<FileList | null>(HTMLInputElement.prototype, 'files');
export const setInputFiles = setterOf<FileList>(HTMLInputElement.prototype, 'files');
export const setInputValue = setterOf<string>(HTMLInputElement.prototype, 'value');
export const byteLength = getterOf<number>(ArrayBuffer.prototype, 'byteLength');

// FormData.
/** As they are, for the hooks that replace them to apply on the arguments they were given. */
export const nativeSlice = Blob.prototype.slice;
export const nativeFormAppend = FormData.prototype.append;
export const nativeFormSet = FormData.prototype.set;
export const formAppend = uncurry(FormData.prototype.append) as (form: FormData, ...args: unknown[]) => void;
export const formDelete = uncurry(FormData.prototype.delete) as (form: FormData, name: string) => void;
export const formEntries = uncurry(FormData.prototype.entries) as (form: FormData) => Iterator<[string, FormDataEntryValue]>;
export const nextEntry = uncurry(Object.getPrototypeOf(new FormData().entries()).next) as (entries: Iterator<[string, FormDataEntryValue]>) => IteratorResult<[string, FormDataEntryValue]>;

// Drag and drop, paste.
export const transferTypes = getterOf<readonly string[]>(DataTransfer.prototype, 'types');
export const transferFiles = getterOf<FileList>(DataTransfer.prototype, 'files');
export const transferItems = getterOf<DataTransferItemList>(DataTransfer.prototype, 'items');
export const getData = uncurry(DataTransfer.prototype.getData) as (transfer: DataTransfer, type: string) => string;
export const setData = uncurry(DataTransfer.prototype.setData) as (transfer: DataTransfer, type: string, data: string) => void;
export const itemListLength = getterOf<number>(DataTransferItemList.prototype, 'length');
export const addItem = uncurry(DataTransferItemList.prototype.add) as (items: DataTransferItemList, file: File) => DataTransferItem | null;
export const itemKind = getterOf<string>(DataTransferItem.prototype, 'kind');
export const itemFile = uncurry(DataTransferItem.prototype.getAsFile) as (item: DataTransferItem) => File | null;
export const itemEntry = DataTransferItem.prototype.webkitGetAsEntry && (uncurry(DataTransferItem.prototype.webkitGetAsEntry) as (item: DataTransferItem) => FileSystemEntry | null);
/** Chromium's, in secure contexts; not in TypeScript's DOM types yet. */
const getAsHandle = (DataTransferItem.prototype as { getAsFileSystemHandle?: () => Promise<FileSystemHandle | null> }).getAsFileSystemHandle;
export const itemHandle = getAsHandle && (uncurry(getAsHandle) as (item: DataTransferItem) => Promise<FileSystemHandle | null>);

// Dropped folders. Chromium has no globals for FileSystemEntry and its kin: their methods are taken
// from the first entry met, in a drop dispatched to us before any page listener sees it. A page
// can have met an entry before that (webkitRequestFileSystem, input.webkitEntries) and replaced a
// method on its prototype with one that keeps the entry it is called on: handed a dropped folder's
// entry, it could read the folder's files unchecked. So a method taken that late must be the
// browser's own, by the source text the browser gives only its own functions (a script's function,
// a bound one or a proxy reads otherwise); else the drop cannot be read, and is blocked.
const entryMethods = objectCreate(null) as Record<string, (self: unknown, ...args: never[]) => unknown>;
const sourceOf = uncurry(Function.prototype.toString) as (fn: unknown) => string;

/** The function `name` (a getter's get) as the first object on the chain from `prototype` holds it. */
function lookUp(prototype: object | null, name: string): { fn: unknown; getter: boolean } | undefined {
  for (let at = prototype; at; at = getPrototypeOf(at) as object | null) {
    const found = getOwnPropertyDescriptor(at, name);
    if (found) return found.get ? { fn: found.get, getter: true } : { fn: found.value, getter: false };
  }
  return undefined;
}

for (const [global, names] of [
  ['FileSystemEntry', ['isDirectory']],
  ['FileSystemDirectoryEntry', ['createReader']],
  ['FileSystemDirectoryReader', ['readEntries']],
  ['FileSystemFileEntry', ['file']],
] as const) {
  const constructor = (window as unknown as Record<string, { prototype: object } | undefined>)[global];
  for (const name of names) if (constructor) entryMethods[name] = uncurry(lookUp(constructor.prototype, name)!.fn as (...args: never[]) => unknown);
}

/** A file system entry's (or reader's) method, the browser's own; throws when the object has none. */
function entryMethod<A extends unknown[], R>(object: object, name: string): (self: unknown, ...args: A) => R {
  let method = entryMethods[name];
  if (!method) {
    const found = lookUp(getPrototypeOf(object) as object | null, name);
    const own = `function ${found?.getter ? 'get ' : ''}${name}() { [native code] }`;
    if (typeof found?.fn !== 'function' || sourceOf(found.fn) !== own) throw new NativeTypeError(`export-guard: the ${name} of a file system entry is not the browser's own`);
    method = entryMethods[name] = uncurry(found.fn as (...args: never[]) => unknown);
  }
  return method as unknown as (self: unknown, ...args: A) => R;
}

export const isDirectoryEntry = (entry: FileSystemEntry) => entryMethod<[], boolean>(entry, 'isDirectory')(entry);
export const createReader = (folder: FileSystemDirectoryEntry) => entryMethod<[], FileSystemDirectoryReader>(folder, 'createReader')(folder);
export const readEntries = (reader: FileSystemDirectoryReader, onBatch: (entries: FileSystemEntry[]) => void, onError: (error: DOMException) => void) =>
  entryMethod<[typeof onBatch, typeof onError], void>(reader, 'readEntries')(reader, onBatch, onError);
export const entryFile = (entry: FileSystemFileEntry, onFile: (file: File) => void, onError: (error: DOMException) => void) =>
  entryMethod<[typeof onFile, typeof onError], void>(entry, 'file')(entry, onFile, onError);

// Requests.
export const fetchNative = window.fetch.bind(window);
export const requestMethod = getterOf<string>(Request.prototype, 'method');
/** Missing in Firefox: there a Request is taken to have a body. */
const bodyGetter = Object.getOwnPropertyDescriptor(Request.prototype, 'body')?.get;
export const requestBody = bodyGetter ? (uncurry(bodyGetter) as (request: Request) => ReadableStream | null) : () => undefined;
export const requestHeaders = getterOf<Headers>(Request.prototype, 'headers');
export const cloneRequest = uncurry(Request.prototype.clone) as (request: Request) => Request;
export const requestFormData = uncurry(Request.prototype.formData) as (request: Request) => Promise<FormData>;
export const requestBlob = uncurry(Request.prototype.blob) as (request: Request) => Promise<Blob>;
export const headerOf = uncurry(Headers.prototype.get) as (headers: Headers, name: string) => string | null;
export const setHeader = uncurry(Headers.prototype.set) as (headers: Headers, name: string, value: string) => void;
export const xhrSetRequestHeader = uncurry(XMLHttpRequest.prototype.setRequestHeader) as (xhr: XMLHttpRequest, name: string, value: string) => void;
export const xhrSend = uncurry(XMLHttpRequest.prototype.send) as (xhr: XMLHttpRequest, body?: unknown) => void;
export const urlOrigin = getterOf<string>(URL.prototype, 'origin');
export const urlPathname = getterOf<string>(URL.prototype, 'pathname');
export const urlSearch = getterOf<string>(URL.prototype, 'search');

/** True when `read` accepts the value: the browser's own brand check (a Proxy or a forged prototype fails it). */
export function passes<T>(read: (value: T) => unknown, value: unknown): boolean {
  try {
    read(value as T);
    return true;
  } catch {
    return false;
  }
}
