// The one way content scripts and extension pages talk to the background router: typed by
// shared/messages.ts, and an error reply becomes a thrown Error carrying the router's message.
import browser from 'webextension-polyfill';
import type { Message, Replies, Reply } from '../shared/messages.js';

/** The background's error reply: `code` is the router's or the proxy's ('unauthenticated', 'not-allowed', ...). */
export class BackgroundError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export async function askBackground<M extends Message>(message: M): Promise<Replies[M['type']]> {
  const reply = (await browser.runtime.sendMessage(message)) as Reply<M> | undefined;
  if (reply === undefined) throw new Error(`No answer from the extension's background for "${message.type}"`);
  if ('error' in reply) throw new BackgroundError(reply.error, reply.message);
  return reply;
}
