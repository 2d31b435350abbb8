// Page world: the file picker, drag and drop and paste. Each listener runs in the capture phase
// and decides to hold the event before any await (an event stopped later has already reached the
// page). A held event never reaches the page's handlers; when every file in it is allowed an
// equivalent event is dispatched at the same target, so the page carries on as if nothing
// happened. A blocked file is simply gone.
import { answerAsOriginal, filesOf, readHeldItems, takeItems } from './dropped-entries.js';
import { decideAll } from './verdicts.js';

/** Events we dispatched ourselves on release: let through untouched. */
const released = new WeakSet<Event>();

/** File inputs whose selection is being checked, and the files they held. */
const heldInputs = new WeakMap<HTMLInputElement, File[]>();

function hold(event: Event): void {
  event.stopImmediatePropagation();
  event.preventDefault();
}

function release(target: EventTarget, event: Event): void {
  released.add(event);
  target.dispatchEvent(event);
}

function transferOf(files: readonly File[], from?: DataTransfer | null): DataTransfer {
  const transfer = new DataTransfer();
  for (const file of files) transfer.items.add(file);
  // Text that travelled with the files (a paste of an image and its caption) travels on.
  for (const type of from?.types ?? []) if (type !== 'Files') transfer.setData(type, from!.getData(type));
  return transfer;
}

function fileInputOf(event: Event): HTMLInputElement | undefined {
  const target = event.composedPath()[0];
  return target instanceof HTMLInputElement && target.type === 'file' ? target : undefined;
}

/** `input` and `change` of a file input (`input` first: both are held, both are replayed). */
function onFileInputEvent(event: Event): void {
  const input = fileInputOf(event);
  if (!input || released.has(event)) return;
  if (heldInputs.has(input)) return hold(event);
  const files = Array.from(input.files ?? []);
  if (files.length === 0) return;
  hold(event);
  heldInputs.set(input, files);
  // Emptied while we check, so a page that reads input.files or submits its form sees nothing yet.
  input.value = '';
  void decideAll(files, 'picker').then((decision) => {
    heldInputs.delete(input);
    if (decision === 'block') return;
    input.files = transferOf(files).files;
    release(input, new Event('input', { bubbles: true, composed: true }));
    release(input, new Event('change', { bubbles: true }));
  });
}

function hasFiles(transfer: DataTransfer | null): transfer is DataTransfer {
  return transfer !== null && transfer.types.includes('Files') && transfer.files.length > 0;
}

function onDrop(event: DragEvent): void {
  if (released.has(event) || !hasFiles(event.dataTransfer)) return;
  holdTransfer(event, event.dataTransfer, 'drop', (transfer) => new DragEvent('drop', { ...eventInit(event), ...pointerOf(event), dataTransfer: transfer }));
}

function onPaste(event: ClipboardEvent): void {
  if (released.has(event) || !hasFiles(event.clipboardData)) return;
  holdTransfer(event, event.clipboardData, 'paste', (transfer) => new ClipboardEvent('paste', { ...eventInit(event), clipboardData: transfer }));
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
  const transfer = transferOf(items.map((item) => item.file), original);
  const target = event.composedPath()[0] ?? window;
  void readHeldItems(items).then(
    async (dropped) => {
      if ((await decideAll(filesOf(dropped), via)) === 'block') return;
      answerAsOriginal(items, dropped);
      release(target, replay(transfer));
    },
    // A folder that cannot be read to the bottom cannot be checked: it stays out.
    (error: unknown) => console.warn('export-guard: the dropped folder could not be read, so it is blocked:', error),
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
  root.addEventListener('input', onFileInputEvent, true);
  root.addEventListener('change', onFileInputEvent, true);
  if (root === window) {
    window.addEventListener('drop', onDrop, true);
    window.addEventListener('paste', onPaste, true);
  }
}

