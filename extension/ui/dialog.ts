// A modal dialog the page cannot style: a native <dialog> in the top layer, inside a closed
// shadow root on a host element of our own. Focus moves in, Tab stays inside, and Escape or the
// close button closes it and gives focus back to where it was; so does its removal by the page.
// Used for the block dialog and for any other message the extension must put in front of the
// user on a protected site.
import { h } from './element.js';

export interface DialogContent {
  /** Language of the text, for screen readers. */
  lang: string;
  role: 'dialog' | 'alertdialog';
  title: string;
  /** The sentence(s) a screen reader reads right after the title. */
  description: (Node | string)[];
  body: Node[];
  /** Buttons beside the close button, e.g. the block dialog's report. */
  actions?: HTMLButtonElement[];
  closeLabel: string;
}

export interface OpenDialog {
  close(): void;
  /** Resolves when the dialog has closed and focus went back. */
  closed: Promise<void>;
}

const STYLE = `
:host { all: initial !important; display: block !important; }
dialog { box-sizing: border-box; width: min(40rem, calc(100vw - 2rem)); max-height: calc(100vh - 2rem); padding: 0;
  border: 0; border-top: 0.4rem solid #b3261e; border-radius: 0.5rem; background: #fff; color: #1c1b1f;
  font: 15px/1.5 system-ui, sans-serif; box-shadow: 0 0.5rem 2rem rgb(0 0 0 / 35%); }
dialog[open] { display: flex; flex-direction: column; }
dialog::backdrop { background: rgb(0 0 0 / 45%); }
header { padding: 1.25rem 1.5rem 0.5rem; }
.content { padding: 0 1.5rem; overflow: auto; }
h2 { margin: 0 0 0.5rem; font-size: 1.25rem; line-height: 1.3; overflow-wrap: anywhere; }
h3 { margin: 0.75rem 0 0.25rem; font-size: 1rem; }
p, ul { margin: 0.25rem 0; }
ul { padding-left: 1.25rem; }
details { margin: 0.75rem 0 0.25rem; }
summary { cursor: pointer; font-weight: 600; }
summary:focus-visible { outline: 3px solid #0b57d0; outline-offset: 2px; }
.actions { display: flex; flex-wrap: wrap; gap: 0.5rem; justify-content: flex-end; padding: 1rem 1.5rem 1.25rem; }
button { font: inherit; padding: 0.5rem 1.25rem; border-radius: 0.25rem; border: 0; background: #1c1b1f; color: #fff; cursor: pointer; }
button.secondary { background: #fff; color: #1c1b1f; box-shadow: inset 0 0 0 1px #79747e; }
button[aria-disabled='true'] { cursor: default; opacity: 0.6; }
button:focus-visible { outline: 3px solid #0b57d0; outline-offset: 2px; }
`;

const FOCUSABLE = 'button, summary, a[href], input, select, textarea, [tabindex]:not([tabindex="-1"])';

/** The top page's document when this frame may reach it, so a small iframe does not hide the dialog. */
function pageDocument(): Document {
  try {
    return window.top?.document ?? document;
  } catch {
    return document;
  }
}

/** The element that has focus, looking inside shadow roots (a portal built of web components). */
function focusedElement(doc: Document): HTMLElement | undefined {
  let active = doc.activeElement;
  while (active?.shadowRoot?.activeElement) active = active.shadowRoot.activeElement;
  // Not instanceof: the top page's elements belong to another window's HTMLElement.
  return active && 'focus' in active ? (active as HTMLElement) : undefined;
}

function trapTab(root: ShadowRoot, dialog: HTMLDialogElement, event: KeyboardEvent): void {
  if (event.key !== 'Tab') return;
  const focusable = [...dialog.querySelectorAll<HTMLElement>(FOCUSABLE)];
  const first = focusable[0];
  const last = focusable[focusable.length - 1];
  const active = root.activeElement;
  if (event.shiftKey && active === first) {
    event.preventDefault();
    last?.focus();
  } else if (!event.shiftKey && active === last) {
    event.preventDefault();
    first?.focus();
  }
}

export function openDialog(content: DialogContent): OpenDialog {
  const doc = pageDocument();
  const returnFocusTo = focusedElement(doc);
  const host = doc.createElement('export-guard-dialog');
  const root = host.attachShadow({ mode: 'closed' });
  const closeButton = h('button', { type: 'button' }, content.closeLabel);
  const dialog = h(
    'dialog',
    { role: content.role, 'aria-modal': 'true', 'aria-labelledby': 'title', 'aria-describedby': 'description', lang: content.lang },
    // Title and why stay in view; what was found scrolls when long; the button is always visible.
    h('header', {}, h('h2', { id: 'title' }, content.title), h('p', { id: 'description' }, ...content.description)),
    h('div', { class: 'content' }, ...content.body),
    h('div', { class: 'actions' }, ...(content.actions ?? []), closeButton),
  );
  root.append(h('style', {}, STYLE), dialog);

  const closed = new Promise<void>((resolve) => {
    const finish = (): void => {
      removal.disconnect();
      host.remove();
      returnFocusTo?.focus();
      resolve();
    };
    dialog.addEventListener('close', finish);
    // A page that re-renders may take our host out with its own nodes; a removed <dialog> fires
    // no 'close', and the dialogs queued after this one would wait for it forever.
    const removal = new MutationObserver(() => host.isConnected || finish());
    removal.observe(doc.documentElement, { childList: true });
  });
  closeButton.addEventListener('click', () => dialog.close());
  dialog.addEventListener('keydown', (event) => trapTab(root, dialog, event));

  doc.documentElement.append(host);
  dialog.showModal();
  closeButton.focus();
  return { close: () => dialog.close(), closed };
}
