// Page world: asks the isolated content script for the verdict on a file, once per File object.
// The same File that passed the picker is later uploaded by the page's fetch: it is not scanned
// twice. A slice of a judged file, or a Blob wrapping one, has that file's verdict
// (blob-provenance.ts): the chunks of a clean file go out without a dialog, the chunks of a blocked
// one never. Verdicts travel to callbacks (later.ts), never through a Promise a page script could
// make lie, and everything here uses the browser's functions as taken at load (intrinsics.ts).
import type { AttachVia } from '../../shared/api.js';
import { BRIDGE_CONNECT, type BridgeReply, type Decision, type ScanRequest } from '../content/bridge-protocol.js';
import { sourceOf } from './blob-provenance.js';
import { clearTimer, fileName, messageData, objectCreate, passes, postToPort } from './intrinsics.js';
import { gather, later, type Later, type When } from './later.js';
import { privateWeakMap } from './private-map.js';

/** Without the content script nothing can be checked: after this long every file is blocked. */
const CONNECT_TIMEOUT_MS = 10_000;

/** Asked, by id; a record without a prototype, so no page-made Map method sees a resolver. */
const waiting = objectCreate(null) as Record<number, Later<Decision>>;
const decisions = privateWeakMap<Blob, When<Decision>>();
let nextId = 1;
const line = later<MessagePort | undefined>();

/** Opens the line now, at document_start, before any page script could listen in. */
export function connectToContentScript(): void {
  const channel = new MessageChannel();
  const timer = setTimeout(() => line.settle(undefined), CONNECT_TIMEOUT_MS);
  channel.port1.onmessage = (event: MessageEvent<BridgeReply>) => {
    const reply = messageData(event) as BridgeReply;
    if (reply.type === 'ready') {
      clearTimer(timer);
      line.settle(channel.port1);
      return;
    }
    const asked = waiting[reply.id];
    delete waiting[reply.id];
    // Anything but a plain 'allow' from our own content script blocks.
    asked?.settle(reply.decision === 'allow' ? 'allow' : 'block');
  };
  window.postMessage({ channel: BRIDGE_CONNECT }, '*', [channel.port2]);
}

function ask(file: Blob, name: string, via: AttachVia): When<Decision> {
  const answer = later<Decision>();
  line.when((port) => {
    if (!port) return answer.settle('block');
    const id = nextId++;
    waiting[id] = answer;
    try {
      postToPort(port, { id, name, via, file } satisfies ScanRequest);
    } catch {
      // Not a Blob the browser can clone (a Proxy, say): what cannot be checked does not go out.
      delete waiting[id];
      answer.settle('block');
    }
  });
  return answer.when;
}

/**
 * Tells the content script that what was attached could not be read here (a dropped folder), so
 * that the caseworker sees the dialog; it stays out whatever the answer.
 */
export function reportUnreadable(name: string, via: AttachVia): void {
  line.when((port) => {
    if (!port) return;
    postToPort(port, { id: nextId++, name, via, file: null } satisfies ScanRequest);
  });
}

export function decide(file: Blob, via: AttachVia): When<Decision> {
  let decision = decisions.get(file);
  if (!decision) {
    decision = inherited(file) ?? ask(file, passes(fileName, file) ? fileName(file) : 'upload', via);
    decisions.set(file, decision);
  }
  return decision;
}

/** The verdict of the nearest Blob this one was cut or wrapped from, if that one was judged. */
function inherited(blob: Blob): When<Decision> | undefined {
  for (let source = sourceOf(blob); source; source = sourceOf(source)) {
    const decision = decisions.get(source);
    if (decision) return decision;
  }
  return undefined;
}

/** 'allow' only when every file is allowed; anything that goes wrong on the way is a 'block'. */
export function decideAll(files: readonly Blob[], via: AttachVia, onDecided: (decision: Decision) => void): void {
  gather<Decision>(
    files.length,
    (index, give) => decide(files[index]!, via)(give),
    (all) => {
      for (let i = 0; i < all.length; i++) if (all[i] !== 'allow') return onDecided('block');
      onDecided('allow');
    },
    () => onDecided('block'),
  );
}
