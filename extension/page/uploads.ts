// Page world: uploads made by page scripts. A file can reach the network without ever passing the
// picker (built in script, fetched from elsewhere, read from the clipboard API), so every request
// body that carries file content (a File or Blob, FormData with files, raw bytes) is scanned
// before the request is made. A blocked upload fails as a network error would.
import { blobsIn } from './blob-provenance.js';
import { decideAll } from './verdicts.js';

const BLOCKED_MESSAGE = 'export-guard: the upload contains an export of personal data and was blocked';

/** File content in a body the page handed to fetch, XHR or sendBeacon. Text bodies are left to the proxy. */
function filesIn(body: unknown): Blob[] {
  if (body instanceof Blob) return [body];
  if (body instanceof FormData) return blobsIn(body);
  if (body instanceof ArrayBuffer) return [new Blob([body])];
  if (ArrayBuffer.isView(body)) return [new Blob([body as ArrayBufferView<ArrayBuffer>])];
  return [];
}

/** A Request built by the page carries its body inside; read a copy, the page's stays unread. */
async function filesInRequest(request: Request): Promise<Blob[]> {
  if (request.body === null) return [];
  const type = request.headers.get('content-type') ?? '';
  if (type.startsWith('multipart/form-data')) return filesIn(await request.clone().formData());
  if (type.startsWith('application/x-www-form-urlencoded') || type.startsWith('text/')) return [];
  return [await request.clone().blob()];
}

function guardFetch(): void {
  const fetch = window.fetch;
  window.fetch = async function fetchChecked(input: RequestInfo | URL, init?: RequestInit): Promise<Response> {
    const files = init?.body != null ? filesIn(init.body) : input instanceof Request ? await filesInRequest(input) : [];
    if (files.length > 0 && (await decideAll(files, 'script')) === 'block') throw new TypeError(BLOCKED_MESSAGE);
    return fetch.call(this, input, init);
  };
}

function guardXhr(): void {
  const send = XMLHttpRequest.prototype.send;
  XMLHttpRequest.prototype.send = function sendChecked(this: XMLHttpRequest, body?: Document | XMLHttpRequestBodyInit | null): void {
    const files = filesIn(body);
    if (files.length === 0) return send.call(this, body);
    void decideAll(files, 'script').then((decision) => {
      if (decision === 'allow') return send.call(this, body);
      // As a network failure looks to the page: no response, error then loadend.
      console.warn(BLOCKED_MESSAGE);
      this.dispatchEvent(new ProgressEvent('error'));
      this.dispatchEvent(new ProgressEvent('loadend'));
    });
  };
}

function guardBeacon(): void {
  const sendBeacon = navigator.sendBeacon;
  navigator.sendBeacon = function sendBeaconChecked(url: string | URL, data?: BodyInit | null): boolean {
    const files = filesIn(data);
    if (files.length === 0) return sendBeacon.call(navigator, url, data);
    // A beacon only promises to be queued: it goes once the check allows it.
    void decideAll(files, 'script').then((decision) => decision === 'allow' && sendBeacon.call(navigator, url, data));
    return true;
  };
}

export function guardScriptUploads(): void {
  guardFetch();
  guardXhr();
  guardBeacon();
}
