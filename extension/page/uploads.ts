// Page world: uploads made by page scripts. A file can reach the network without ever passing the
// picker (built in script, fetched from elsewhere, read from the clipboard API), so every request
// body that carries file content (a File or Blob, FormData with files, raw bytes) is scanned
// before the request is made. A blocked upload fails as a network error would. What goes out is
// what was scanned: raw bytes as the Blob copied from them, a FormData as the copy of its entries
// read, so a page that changes them during the scan changes nothing that is sent.
import type { Decision } from '../content/bridge-protocol.js';
import { isBlob, only, readForm } from './blob-provenance.js';
import {
  apply,
  byteLength,
  cloneRequest,
  construct,
  dispatch,
  fetchNative,
  formEntries,
  headerOf,
  isView,
  NativeBlob,
  NativePromise,
  NativeProgressEvent,
  NativeTypeError,
  passes,
  requestBlob,
  requestBody,
  requestFormData,
  requestHeaders,
  requestMethod,
  startsWith,
  then,
  withOwn,
  xhrSend,
} from './intrinsics.js';
import { decideAll } from './verdicts.js';

const BLOCKED_MESSAGE = 'export-guard: the upload contains an export of personal data and was blocked';

/** A body as it will be sent, and the file content in it. */
interface Checked {
  files: Blob[];
  body: unknown;
}

/** File content in a body the page handed to fetch, XHR or sendBeacon. Text bodies are left to the proxy. */
function checked(body: unknown): Checked {
  if (isBlob(body)) return { files: [body], body };
  if (passes(formEntries, body)) {
    const form = readForm(body as FormData);
    return { files: form.blobs, body: form.copy };
  }
  if (isView(body) || passes(byteLength, body)) {
    const copy = construct(NativeBlob, [only(body)]) as Blob;
    return { files: [copy], body: copy };
  }
  return { files: [], body };
}

/** A Request built by the page carries its body inside: a copy is read, the page's stays unread. */
function filesInRequest(request: Request, onFiles: (files: Blob[]) => void, onError: (error: unknown) => void): void {
  if (requestBody(request) === null) return onFiles([]);
  const type = headerOf(requestHeaders(request), 'content-type') ?? '';
  if (startsWith(type, 'multipart/form-data')) return then(requestFormData(cloneRequest(request)), (form) => onFiles(readForm(form).blobs), onError);
  if (startsWith(type, 'application/x-www-form-urlencoded') || startsWith(type, 'text/')) return onFiles([]);
  then(requestBlob(cloneRequest(request)), (blob) => onFiles([blob]), onError);
}

/** Calls `onAllowed` once the files are allowed; otherwise `onBlocked`, as for anything that went wrong. */
function whenAllowed(files: Blob[], onAllowed: () => void, onBlocked: () => void): void {
  decideAll(files, 'script', (decision: Decision) => (decision === 'allow' ? onAllowed() : onBlocked()));
}

function guardFetch(): void {
  window.fetch = function fetchChecked(this: unknown, input: RequestInfo | URL, init?: RequestInit): Promise<Response> {
    return new NativePromise<Response>((resolve, reject) => {
      const blocked = () => reject(new NativeTypeError(BLOCKED_MESSAGE));
      const body = init == null ? undefined : init.body;
      if (body != null) {
        const sent = checked(body);
        if (sent.files.length === 0) return resolve(fetchNative(input, init));
        // The init the page gave, but with the body that was scanned, read from it once.
        const scannedInit = withOwn(init as RequestInit, { body: sent.body });
        return whenAllowed(sent.files, () => resolve(fetchNative(input, scannedInit)), blocked);
      }
      if (!passes(requestMethod, input)) return resolve(fetchNative(input, init));
      filesInRequest(
        input as Request,
        (files) => (files.length === 0 ? resolve(fetchNative(input, init)) : whenAllowed(files, () => resolve(fetchNative(input, init)), blocked)),
        blocked,
      );
    });
  };
}

/** As a network failure looks to the page: no response, error then loadend. */
export function failXhr(xhr: XMLHttpRequest): void {
  dispatch(xhr, new NativeProgressEvent('error'));
  dispatch(xhr, new NativeProgressEvent('loadend'));
}

function guardXhr(): void {
  XMLHttpRequest.prototype.send = function sendChecked(this: XMLHttpRequest, body?: Document | XMLHttpRequestBodyInit | null): void {
    const sent = checked(body);
    if (sent.files.length === 0) return xhrSend(this, body);
    whenAllowed(
      sent.files,
      () => xhrSend(this, sent.body),
      () => {
        console.warn(BLOCKED_MESSAGE);
        failXhr(this);
      },
    );
  };
}

function guardBeacon(): void {
  const sendBeacon = navigator.sendBeacon;
  navigator.sendBeacon = function sendBeaconChecked(url: string | URL, data?: BodyInit | null): boolean {
    const sent = checked(data);
    if (sent.files.length === 0) return apply(sendBeacon, navigator, [url, data]);
    // A beacon only promises to be queued: it goes once the check allows it.
    whenAllowed(sent.files, () => apply(sendBeacon, navigator, [url, sent.body]), () => console.warn(BLOCKED_MESSAGE));
    return true;
  };
}

export function guardScriptUploads(): void {
  guardFetch();
  guardXhr();
  guardBeacon();
}
