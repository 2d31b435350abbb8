// Runs in the page's own world (MAIN, document_start) on protected sites. Every same-origin
// fetch or XHR with a text body is a possible bulk send: it is held until the content script has
// decided (no approval needed, approved, or refused), so the page cannot send around the
// four-eyes check. An approved send goes out unchanged plus the approval header, and the page
// gets the real response; a refused one gets a JSON error response, which the portal shows.
// The body is read once, and what was held is what is sent; the browser's functions are the ones
// taken at load (intrinsics.ts). The channel itself is window messages, which the page can read
// and write: the proxy, which checks the approval, is what enforces the rule.
import { HEADERS, type ApiError, type SendPayload } from '../../shared/api.js';
import { isSendHoldMessage, SEND_HOLD_CHANNEL, type SendHoldMessage } from '../../shared/send-hold-channel.js';
import {
  apply,
  headerOf,
  messageData,
  messageSource,
  NativeHeaders,
  NativePromise,
  NativeResponse,
  NativeURL,
  objectCreate,
  passes,
  requestMethod,
  setHeader,
  stringify,
  toLowerCase,
  toUpperCase,
  urlOrigin,
  urlPathname,
  urlSearch,
  withOwn,
  xhrSetRequestHeader,
} from './intrinsics.js';
import { later, type When } from './later.js';
import { privateWeakMap } from './private-map.js';
import { failXhr } from './uploads.js';

type Decision = Extract<SendHoldMessage, { type: 'release' | 'refuse' }>;

/** Installs the hook; called once by the page-world entry (extension/page/index.ts). */
export function installSendHook(): void {
  const pending = objectCreate(null) as Record<string, (decision: Decision) => void>;

  window.addEventListener('message', (event) => {
    const data = messageData(event);
    if (messageSource(event) !== window || !isSendHoldMessage(data) || data.type === 'hold') return;
    const decided = pending[data.id];
    delete pending[data.id];
    decided?.(data);
  });

  function holdUntilDecided(payload: SendPayload): When<Decision> {
    // Not crypto.randomUUID(): it is missing on plain-http intranet sites (not a secure context).
    const id = Math.random().toString(36).slice(2);
    const decision = later<Decision>();
    pending[id] = decision.settle;
    const hold: SendHoldMessage = { channel: SEND_HOLD_CHANNEL, type: 'hold', id, payload };
    window.postMessage(hold, '/');
    return decision.when;
  }

  /** The send as the proxy will see it, or undefined when this request cannot be a send. */
  function sendPayload(method: string, url: string | URL, contentType: string | null, body: unknown): SendPayload | undefined {
    const verb = toUpperCase(`${method}`);
    if (typeof body !== 'string' || verb === 'GET' || verb === 'HEAD') return undefined;
    const target = new NativeURL(url, window.location.href);
    if (urlOrigin(target) !== window.location.origin) return undefined;
    return {
      method: verb,
      path: urlPathname(target) + urlSearch(target),
      // A string body without a declared type is sent by the browser as text/plain.
      contentType: contentType ?? 'text/plain;charset=UTF-8',
      body,
    };
  }

  function refusalResponse(decision: Extract<Decision, { type: 'refuse' }>): Response {
    return new NativeResponse(stringify(decision.error satisfies ApiError), {
      status: decision.status,
      headers: { 'content-type': 'application/json; charset=utf-8' },
    });
  }

  const originalFetch = window.fetch;
  window.fetch = function fetchWithFourEyes(this: unknown, input: RequestInfo | URL, init?: RequestInit): Promise<Response> {
    // Requests built as Request objects are passed on: their body can only be read once.
    if (passes(requestMethod, input) || init == null) return apply(originalFetch, this, [input, init]);
    const body = init.body;
    const headers = new NativeHeaders(init.headers);
    const payload = sendPayload(init.method ?? 'GET', input as string | URL, headerOf(headers, 'content-type'), body);
    if (!payload) return apply(originalFetch, this, [input, init]);
    return new NativePromise<Response>((resolve) =>
      holdUntilDecided(payload)((decision) => {
        if (decision.type === 'refuse') return resolve(refusalResponse(decision));
        if (decision.approvalId) setHeader(headers, HEADERS.approval, decision.approvalId);
        resolve(apply(originalFetch, this, [input, withOwn(init, { body, headers })]));
      }),
    );
  };

  const xhrRequest = privateWeakMap<XMLHttpRequest, { method: string; url: string | URL; contentType: string | null }>();
  const { open, send } = XMLHttpRequest.prototype;

  XMLHttpRequest.prototype.open = function (this: XMLHttpRequest, ...args: unknown[]) {
    xhrRequest.set(this, { method: args[0] as string, url: args[1] as string | URL, contentType: null });
    return apply(open, this, args);
  } as XMLHttpRequest['open'];

  XMLHttpRequest.prototype.setRequestHeader = function (this: XMLHttpRequest, name: string, value: string) {
    const request = xhrRequest.get(this);
    if (request && toLowerCase(`${name}`) === 'content-type') request.contentType = value;
    xhrSetRequestHeader(this, name, value);
  };

  XMLHttpRequest.prototype.send = function (this: XMLHttpRequest, body?: Document | XMLHttpRequestBodyInit | null) {
    const request = xhrRequest.get(this);
    const payload = request && sendPayload(request.method, request.url, request.contentType, body);
    if (!payload) return apply(send, this, [body]);
    holdUntilDecided(payload)((decision) => {
      // An XHR cannot be given a made-up response: the page sees a failed request instead.
      if (decision.type === 'refuse') return failXhr(this);
      if (decision.approvalId) xhrSetRequestHeader(this, HEADERS.approval, decision.approvalId);
      apply(send, this, [body]);
    });
  };
}
