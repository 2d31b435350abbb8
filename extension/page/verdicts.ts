// Page world: asks the isolated content script for the verdict on a file, once per File object.
// The same File that passed the picker is later uploaded by the page's fetch: it is not scanned
// twice. A slice of a judged file, or a Blob wrapping one, has that file's verdict
// (blob-provenance.ts): the chunks of a clean file go out without a dialog, the chunks of a blocked
// one never.
import type { AttachVia } from '../../shared/api.js';
import { BRIDGE_CONNECT, type BridgeReply, type Decision, type ScanRequest } from '../content/bridge-protocol.js';
import { sourceOf } from './blob-provenance.js';
import { privateWeakMap } from './private-map.js';

/** Without the content script nothing can be checked: after this long every file is blocked. */
const CONNECT_TIMEOUT_MS = 10_000;

const waiting = new Map<number, (decision: Decision) => void>();
const decisions = privateWeakMap<Blob, Promise<Decision>>();
/**
 * Taken at document_start, before a page script could replace it. Cloning a Blob copies its handle
 * to the bytes the browser holds, whatever a page's Blob subclass would answer to arrayBuffer().
 */
const post = Function.prototype.call.bind(MessagePort.prototype.postMessage) as (port: MessagePort, message: ScanRequest) => void;
let nextId = 1;
let port: Promise<MessagePort | undefined> | undefined;

function connect(): Promise<MessagePort | undefined> {
  const channel = new MessageChannel();
  const ready = new Promise<MessagePort | undefined>((resolve) => {
    const timer = setTimeout(() => resolve(undefined), CONNECT_TIMEOUT_MS);
    channel.port1.onmessage = (event: MessageEvent<BridgeReply>) => {
      const reply = event.data;
      if (reply.type === 'ready') {
        clearTimeout(timer);
        resolve(channel.port1);
      } else {
        waiting.get(reply.id)?.(reply.decision);
        waiting.delete(reply.id);
      }
    };
  });
  window.postMessage({ channel: BRIDGE_CONNECT }, '*', [channel.port2]);
  return ready;
}

/** Opens the line now, at document_start, before any page script could listen in. */
export function connectToContentScript(): void {
  port ??= connect();
}

async function ask(file: Blob, name: string, via: AttachVia): Promise<Decision> {
  const line = await (port ??= connect());
  if (!line) return 'block';
  const id = nextId++;
  return new Promise((resolve) => {
    waiting.set(id, resolve);
    try {
      post(line, { id, name, via, file });
    } catch {
      // Not a Blob the browser can clone (a Proxy, say): what cannot be checked does not go out.
      waiting.delete(id);
      resolve('block');
    }
  });
}

export function decide(file: Blob, via: AttachVia): Promise<Decision> {
  let decision = decisions.get(file);
  if (!decision) {
    decision = inherited(file) ?? ask(file, file instanceof File ? file.name : 'upload', via);
    decisions.set(file, decision);
  }
  return decision;
}

/** The verdict of the nearest Blob this one was cut or wrapped from, if that one was judged. */
function inherited(blob: Blob): Promise<Decision> | undefined {
  for (let source = sourceOf(blob); source; source = sourceOf(source)) {
    const decision = decisions.get(source);
    if (decision) return decision;
  }
  return undefined;
}

/** 'allow' only when every file is allowed. */
export async function decideAll(files: readonly Blob[], via: AttachVia): Promise<Decision> {
  const all = await Promise.all(files.map((file) => decide(file, via)));
  return all.every((d) => d === 'allow') ? 'allow' : 'block';
}
