// Page world: asks the isolated content script for the verdict on a file, once per File object.
// The same File that passed the picker is later uploaded by the page's fetch: it is not scanned
// twice (the background also caches by SHA-256, for copies of the same bytes).
import type { AttachVia } from '../../shared/api.js';
import { BRIDGE_CONNECT, type BridgeReply, type Decision, type ScanRequest } from '../content/bridge-protocol.js';

/** Without the content script nothing can be checked: after this long every file is blocked. */
const CONNECT_TIMEOUT_MS = 10_000;

const waiting = new Map<number, (decision: Decision) => void>();
const decisions = new WeakMap<Blob, Promise<Decision>>();
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
  let bytes: ArrayBuffer;
  try {
    bytes = await file.arrayBuffer();
  } catch {
    // Gone from disk or unreadable: what cannot be checked does not go out.
    return 'block';
  }
  const id = nextId++;
  return new Promise((resolve) => {
    waiting.set(id, resolve);
    line.postMessage({ id, name, via, bytes } satisfies ScanRequest, [bytes]);
  });
}

export function decide(file: Blob, via: AttachVia): Promise<Decision> {
  let decision = decisions.get(file);
  if (!decision) {
    decision = ask(file, file instanceof File ? file.name : 'upload', via);
    decisions.set(file, decision);
  }
  return decision;
}

/** 'allow' only when every file is allowed. */
export async function decideAll(files: readonly Blob[], via: AttachVia): Promise<Decision> {
  const all = await Promise.all(files.map((file) => decide(file, via)));
  return all.every((d) => d === 'allow') ? 'allow' : 'block';
}
