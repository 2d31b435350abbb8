// The scanner frame: an extension page the isolated content script puts into the protected page
// (content/scanner-frame.ts). It gets the page's File by handle, reads it here, off the page's main
// thread and without a copy through extension messaging, and runs the shared detector with the
// policy in force, which it asks of the background (a sender only this page can be). SheetJS and
// xz-decompress are loaded with import() when a file first needs them, as an extension page may.
// Whoever hands over a port gets answers on that port only: a page that connects to a scanner of
// its own learns the verdict on its own files, nothing else.
import { detect } from '../../shared/detector/index.js';
import { inflateByStream, useAheadInflater } from '../../shared/detector/read/inflate.js';
import { applyExceptions } from '../../shared/policy/exceptions.js';
import { askBackground } from '../ask-background.js';
import { isScannerConnect, type ScannerReply, type ScannerRequest } from './protocol.js';

/** A timestamp for `npm run bench extension`: one entry per name, replaced on the next scan. */
function mark(name: string): void {
  performance.clearMarks(name);
  performance.mark(name);
}

async function answer({ id, file }: ScannerRequest): Promise<ScannerReply> {
  try {
    mark('export-guard:file-in-scanner');
    if (!(file instanceof Blob)) throw new Error('the request holds no file');
    // The policy may wake the background; the file is read meanwhile.
    const [buffer, { policy }] = await Promise.all([file.arrayBuffer(), askBackground({ type: 'scan-policy' })]);
    mark('export-guard:bytes-in-scanner');
    const verdict = applyExceptions(await detect(new Uint8Array(buffer), { policy }), policy.exceptions, new Date());
    mark('export-guard:verdict-in-scanner');
    return { type: 'verdict', id, verdict, privacyContact: policy.privacyContact };
  } catch (error) {
    return { type: 'failed', id, message: error instanceof Error ? error.message : String(error) };
  }
}

// The browser's own inflater, ahead of the readers (it is asynchronous only): faster than fflate on
// sheet XML, within the same bounds.
useAheadInflater(inflateByStream);

window.addEventListener('message', (event) => {
  const port = event.ports[0];
  if (!isScannerConnect(event.data) || !port) return;
  port.onmessage = (request: MessageEvent<ScannerRequest>) => void answer(request.data).then((reply) => port.postMessage(reply));
  port.postMessage({ type: 'ready' } satisfies ScannerReply);
});
