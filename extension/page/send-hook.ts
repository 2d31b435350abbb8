// Runs in the page's own world (MAIN, document_start) on protected sites. Every same-origin
// fetch or XHR with a text body is a possible bulk send: it is held until the content script has
// decided (no approval needed, approved, or refused), so the page cannot send around the
// four-eyes check. An approved send goes out unchanged plus the approval header, and the page
// gets the real response; a refused one gets a JSON error response, which the portal shows.
import { HEADERS, type ApiError, type SendPayload } from '../../shared/api.js';
import { isSendHoldMessage, SEND_HOLD_CHANNEL, type SendHoldMessage } from '../../shared/send-hold-channel.js';

type Decision = Extract<SendHoldMessage, { type: 'release' | 'refuse' }>;

/** Installs the hook; called once by the page-world entry (extension/page/index.ts). */
export function installSendHook(): void {
  const pending = new Map<string, (decision: Decision) => void>();

  window.addEventListener('message', (event) => {
    if (event.source !== window || !isSendHoldMessage(event.data) || event.data.type === 'hold') return;
    const decision = event.data;
    pending.get(decision.id)?.(decision);
    pending.delete(decision.id);
  });

  function holdUntilDecided(payload: SendPayload): Promise<Decision> {
    // Not crypto.randomUUID(): it is missing on plain-http intranet sites (not a secure context).
    const id = Math.random().toString(36).slice(2);
    return new Promise((resolve) => {
      pending.set(id, resolve);
      const hold: SendHoldMessage = { channel: SEND_HOLD_CHANNEL, type: 'hold', id, payload };
      window.postMessage(hold, '/');
    });
  }

  /** The send as the proxy will see it, or undefined when this request cannot be a send. */
  function sendPayload(method: string, url: string | URL, contentType: string | null, body: unknown): SendPayload | undefined {
    if (typeof body !== 'string' || method.toUpperCase() === 'GET' || method.toUpperCase() === 'HEAD') return undefined;
    const target = new URL(url, window.location.href);
    if (target.origin !== window.location.origin) return undefined;
    return {
      method: method.toUpperCase(),
      path: target.pathname + target.search,
      // A string body without a declared type is sent by the browser as text/plain.
      contentType: contentType ?? 'text/plain;charset=UTF-8',
      body,
    };
  }

  function refusalResponse(decision: Extract<Decision, { type: 'refuse' }>): Response {
    return new Response(JSON.stringify(decision.error satisfies ApiError), {
      status: decision.status,
      headers: { 'content-type': 'application/json; charset=utf-8' },
    });
  }

  const originalFetch = window.fetch;
  window.fetch = async function fetchWithFourEyes(input: RequestInfo | URL, init?: RequestInit): Promise<Response> {
    // Requests built as Request objects are passed on: their body can only be read once.
    if (input instanceof Request) return originalFetch.call(this, input, init);
    const headers = new Headers(init?.headers);
    const payload = sendPayload(init?.method ?? 'GET', input, headers.get('content-type'), init?.body);
    if (!payload) return originalFetch.call(this, input, init);
    const decision = await holdUntilDecided(payload);
    if (decision.type === 'refuse') return refusalResponse(decision);
    if (decision.approvalId) headers.set(HEADERS.approval, decision.approvalId);
    return originalFetch.call(this, input, { ...init, headers });
  };

  const xhrRequest = new WeakMap<XMLHttpRequest, { method: string; url: string | URL; contentType: string | null }>();
  const { open, setRequestHeader, send } = XMLHttpRequest.prototype;

  XMLHttpRequest.prototype.open = function (this: XMLHttpRequest, method: string, url: string | URL, ...rest: unknown[]) {
    xhrRequest.set(this, { method, url, contentType: null });
    return (open as (...args: unknown[]) => void).call(this, method, url, ...rest);
  } as XMLHttpRequest['open'];

  XMLHttpRequest.prototype.setRequestHeader = function (this: XMLHttpRequest, name: string, value: string) {
    const request = xhrRequest.get(this);
    if (request && name.toLowerCase() === 'content-type') request.contentType = value;
    setRequestHeader.call(this, name, value);
  };

  XMLHttpRequest.prototype.send = function (this: XMLHttpRequest, body?: Document | XMLHttpRequestBodyInit | null) {
    const request = xhrRequest.get(this);
    const payload = request && sendPayload(request.method, request.url, request.contentType, body);
    if (!payload) return send.call(this, body);
    void holdUntilDecided(payload).then((decision) => {
      if (decision.type === 'refuse') {
        // An XHR cannot be given a made-up response: the page sees a failed request instead.
        this.dispatchEvent(new ProgressEvent('error'));
        this.dispatchEvent(new ProgressEvent('loadend'));
        return;
      }
      if (decision.approvalId) setRequestHeader.call(this, HEADERS.approval, decision.approvalId);
      send.call(this, body);
    });
  };
}
