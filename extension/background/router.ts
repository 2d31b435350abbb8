// The one message router of the background. Three tables: what a content script on a protected
// site may ask, what only the scanner frame may ask (the policy), and what only the extension's own
// pages (popup, options) may ask. A web page can reach the first table at most (through our content
// script), never the others: approving a request or changing settings needs a sender that is an
// extension page, and the scanner frame is one only the browser can name as sender.
import browser, { type Runtime } from 'webextension-polyfill';
import type { ExtensionPageMessage, Message, PageMessage, Replies, ScannerMessage } from '../../shared/messages.js';
import { SCANNER_PAGE } from '../scanner/protocol.js';
import { ProxyError } from './proxy-client.js';

type Handler<M extends Message> = (message: M, sender: Runtime.MessageSender) => Promise<Replies[M['type']]>;

type HandlerTable<M extends Message> = { [K in M['type']]?: Handler<Extract<M, { type: K }>> };

const pageHandlers: HandlerTable<PageMessage> = {};
const extensionPageHandlers: HandlerTable<ExtensionPageMessage> = {};
const scannerHandlers: HandlerTable<ScannerMessage> = {};

export function onPageMessage<K extends PageMessage['type']>(type: K, handler: Handler<Extract<PageMessage, { type: K }>>): void {
  pageHandlers[type] = handler as HandlerTable<PageMessage>[K];
}

export function onExtensionPageMessage<K extends ExtensionPageMessage['type']>(
  type: K,
  handler: Handler<Extract<ExtensionPageMessage, { type: K }>>,
): void {
  extensionPageHandlers[type] = handler as HandlerTable<ExtensionPageMessage>[K];
}

export function onScannerMessage<K extends ScannerMessage['type']>(type: K, handler: Handler<Extract<ScannerMessage, { type: K }>>): void {
  scannerHandlers[type] = handler as HandlerTable<ScannerMessage>[K];
}

function isExtensionPage(sender: Runtime.MessageSender): boolean {
  const origin = browser.runtime.getURL('');
  const fromOwnUrl = (url: string | undefined) => url !== undefined && url.startsWith(origin);
  // An options page opened in a tab has a tab, but that tab shows our own page.
  return sender.id === browser.runtime.id && fromOwnUrl(sender.url) && (!sender.tab || fromOwnUrl(sender.tab.url));
}

/** Our scanner page, in whatever tab it was put: the browser, not the page, says what sent it. */
function isScanner(sender: Runtime.MessageSender): boolean {
  return sender.id === browser.runtime.id && sender.url !== undefined && sender.url.split(/[?#]/)[0] === browser.runtime.getURL(SCANNER_PAGE);
}

function isContentScript(sender: Runtime.MessageSender): boolean {
  return sender.id === browser.runtime.id && sender.tab !== undefined && !isExtensionPage(sender) && !isScanner(sender);
}

function handlerFor(message: Message, sender: Runtime.MessageSender): Handler<Message> | undefined {
  const type = message.type;
  if (isExtensionPage(sender) && type in extensionPageHandlers) {
    return extensionPageHandlers[type as ExtensionPageMessage['type']] as Handler<Message> | undefined;
  }
  if (isScanner(sender) && type in scannerHandlers) {
    return scannerHandlers[type as ScannerMessage['type']] as Handler<Message> | undefined;
  }
  if (isContentScript(sender) && type in pageHandlers) {
    return pageHandlers[type as PageMessage['type']] as Handler<Message> | undefined;
  }
  return undefined;
}

async function route(message: Message, sender: Runtime.MessageSender): Promise<unknown> {
  const handler = handlerFor(message, sender);
  if (!handler) return { error: 'not-allowed', message: `message '${String(message?.type)}' is not accepted from this sender` };
  try {
    return await handler(message, sender);
  } catch (error) {
    // The proxy's own code ('unauthenticated', ...) travels on, so the page can say what to do about it.
    return { error: error instanceof ProxyError ? error.body.error : 'failed', message: error instanceof Error ? error.message : String(error) };
  }
}

export function startRouter(): void {
  browser.runtime.onMessage.addListener((message: unknown, sender: Runtime.MessageSender) => {
    if (typeof message !== 'object' || message === null || typeof (message as Message).type !== 'string') return undefined;
    return route(message as Message, sender);
  });
}
