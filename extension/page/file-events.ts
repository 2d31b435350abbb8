// Page world: the file picker, drag and drop and paste. Each listener runs in the capture phase
// and decides to hold the event before any await (an event stopped later has already reached the
// page). A held event never reaches the page's handlers; when every file in it is allowed an
// equivalent event is dispatched at the same target, so the page carries on as if nothing
// happened. A blocked file is simply gone. Everything here reads the events, inputs and transfers
// with the browser's own functions as taken at load (intrinsics.ts).
import { answerAsOriginal, filesOf, readHeldItems, takeItems, type HeldItem } from './dropped-entries.js';
import {
  addItem,
  addListener,
  append,
  clipboardDataOf,
  composedPath,
  dataTransferOf,
  dispatch,
  fileAt,
  fileListLength,
  fileName,
  getData,
  inputFiles,
  inputType,
  NativeClipboardEvent,
  NativeDataTransfer,
  NativeDragEvent,
  NativeEvent,
  preventDefault,
  setData,
  setInputFiles,
  setInputValue,
  stopImmediatePropagation,
  transferFiles,
  transferItems,
  transferTypes,
} from './intrinsics.js';
import { privateWeakMap } from './private-map.js';
import { decideAll, reportUnreadable } from './verdicts.js';

/** Events we dispatched ourselves on release: let through untouched. */
const released = privateWeakMap<Event, true>();

/** File inputs whose selection is being checked, and the files they held. */
const heldInputs = privateWeakMap<HTMLInputElement, File[]>();

function hold(event: Event): void {
  stopImmediatePropagation(event);
  preventDefault(event);
}

function release(target: EventTarget, event: Event): void {
  released.set(event, true);
  dispatch(target, event);
}

function transferOf(files: readonly File[], from?: DataTransfer | null): DataTransfer {
  const transfer = new NativeDataTransfer();
  const items = transferItems(transfer);
  for (let i = 0; i < files.length; i++) addItem(items, files[i]!);
  // Text that travelled with the files (a paste of an image and its caption) travels on.
  const types = from ? transferTypes(from) : [];
  for (let i = 0; i < types.length; i++) if (types[i] !== 'Files') setData(transfer, types[i]!, getData(from!, types[i]!));
  return transfer;
}

/** The file input the event was fired at, by the browser's own brand check. */
function fileInputOf(event: Event): HTMLInputElement | undefined {
  const target = composedPath(event)[0];
  try {
    return inputType(target) === 'file' ? (target as HTMLInputElement) : undefined;
  } catch {
    return undefined;
  }
}

function filesIn(list: FileList | null): File[] {
  const files: File[] = [];
  for (let i = 0, count = list ? fileListLength(list) : 0; i < count; i++) append(files, fileAt(list!, i)!);
  return files;
}

/** `input` and `change` of a file input (`input` first: both are held, both are replayed). */
function onFileInputEvent(event: Event): void {
  const input = fileInputOf(event);
  if (!input || released.get(event)) return;
  if (heldInputs.get(input)) return hold(event);
  const files = filesIn(inputFiles(input));
  if (files.length === 0) return;
  hold(event);
  heldInputs.set(input, files);
  // Emptied while we check, so a page that reads input.files or submits its form sees nothing yet.
  setInputValue(input, '');
  decideAll(files, 'picker', (decision) => {
    heldInputs.delete(input);
    if (decision !== 'allow') return;
    setInputFiles(input, transferFiles(transferOf(files)));
    release(input, new NativeEvent('input', { bubbles: true, composed: true }));
    release(input, new NativeEvent('change', { bubbles: true }));
  });
}

function hasFiles(transfer: DataTransfer | null): transfer is DataTransfer {
  if (transfer === null) return false;
  const types = transferTypes(transfer);
  for (let i = 0; i < types.length; i++) if (types[i] === 'Files') return fileListLength(transferFiles(transfer)) > 0;
  return false;
}

function onDrop(event: DragEvent): void {
  const data = dataTransferOf(event);
  if (released.get(event) || !hasFiles(data)) return;
  holdTransfer(event, data, 'drop', (transfer) => new NativeDragEvent('drop', { ...eventInit(event), ...pointerOf(event), dataTransfer: transfer }));
}

function onPaste(event: ClipboardEvent): void {
  const data = clipboardDataOf(event);
  if (released.get(event) || !hasFiles(data)) return;
  holdTransfer(event, data, 'paste', (transfer) => new NativeClipboardEvent('paste', { ...eventInit(event), clipboardData: transfer }));
}

function filesOfItems(items: readonly HeldItem[]): File[] {
  const files: File[] = [];
  for (let i = 0; i < items.length; i++) append(files, items[i]!.file);
  return files;
}

/**
 * Holds a drop or paste until its files are judged, every file of a dropped folder included; one
 * blocked file keeps the whole drop out, as it does for several files dropped at once. A clean one
 * is replayed with a copy of its data whose items answer as the original's did (dropped-entries.ts).
 */
function holdTransfer(event: Event, original: DataTransfer, via: 'drop' | 'paste', replay: (transfer: DataTransfer) => Event): void {
  hold(event);
  // The data store is readable only during dispatch: take everything now.
  const items = takeItems(original);
  const transfer = transferOf(filesOfItems(items), original);
  const target = composedPath(event)[0] ?? window;
  readHeldItems(
    items,
    (dropped) =>
      decideAll(filesOf(dropped), via, (decision) => {
        if (decision !== 'allow') return;
        answerAsOriginal(items, dropped);
        release(target, replay(transfer));
      }),
    // A folder that cannot be read to the bottom cannot be checked: it stays out, and the dialog says so.
    (error: unknown) => {
      console.warn('export-guard: the dropped folder could not be read, so it is blocked:', error);
      // Only a held item can fail to be read, so there is one to name.
      reportUnreadable(fileName(items[0]!.file), via);
    },
  );
}

function eventInit(event: Event): EventInit {
  return { bubbles: event.bubbles, cancelable: event.cancelable, composed: event.composed };
}

function pointerOf(event: DragEvent): MouseEventInit {
  const { clientX, clientY, screenX, screenY, ctrlKey, shiftKey, altKey, metaKey, button, buttons } = event;
  return { clientX, clientY, screenX, screenY, ctrlKey, shiftKey, altKey, metaKey, button, buttons };
}

/**
 * Guards a window or a shadow root. `change` is not composed, so an input inside a shadow root is
 * seen only by listeners on that root; drop and paste are composed and reach the window.
 */
export function guardFileEvents(root: Window | ShadowRoot): void {
  addListener(root, 'input', onFileInputEvent, true);
  addListener(root, 'change', onFileInputEvent, true);
  if (root === window) {
    addListener(window, 'drop', onDrop, true);
    addListener(window, 'paste', onPaste, true);
  }
}
