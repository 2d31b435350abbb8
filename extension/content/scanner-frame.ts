// Isolated world: the scanner frame (extension/scanner/) that judges this page's files, made on
// the first file and kept for the next. It lives in the page's DOM, where the page can remove it
// or navigate it away; either ends it: every file it held is blocked, the next file gets a new
// scanner. The port is posted with the extension's origin as target, so a frame navigated to
// another page never receives it.
import browser from 'webextension-polyfill';
import { SCANNER_CONNECT, SCANNER_PAGE, type ScannerReply, type ScannerRequest, type ScannerVerdict } from '../scanner/protocol.js';

/** A scanner that has not answered its port by then will not: its files are blocked. */
const CONNECT_TIMEOUT_MS = 10_000;
/** How often the scanner is checked to be still in the page. */
const WATCH_MS = 200;

interface Scanner {
  /** Undefined when the scanner was already gone (removed or navigated while idle): no file was lost. */
  scan(file: Blob): Promise<ScannerVerdict> | undefined;
}

let current: Promise<Scanner> | undefined;

/** The verdict on a file; rejects whenever the scanner fails, so the caller blocks the file. */
export async function scanInFrame(file: Blob): Promise<ScannerVerdict> {
  // A page that rebuilt its DOM since the last file took the scanner with it: a new one takes over.
  for (let attempt = 0; attempt < 2; attempt++) {
    const scanning = (await (current ??= openScanner(() => (current = undefined)))).scan(file);
    if (scanning) return scanning;
  }
  throw new Error('the scanner frame was removed again at once');
}

/** Hidden, and in a closed shadow root: page scripts do not find it by querying the DOM. */
function insertFrame(): { host: HTMLElement; frame: HTMLIFrameElement } {
  const host = document.createElement('export-guard-scanner');
  host.style.cssText = 'position:fixed!important;width:0!important;height:0!important;overflow:hidden!important;border:0!important';
  const frame = document.createElement('iframe');
  frame.src = browser.runtime.getURL(SCANNER_PAGE);
  frame.setAttribute('aria-hidden', 'true');
  frame.tabIndex = -1;
  frame.style.cssText = 'width:0;height:0;border:0';
  host.attachShadow({ mode: 'closed' }).append(frame);
  document.documentElement.append(host);
  return { host, frame };
}

/** `ended` is called once, when the scanner is gone: the next file gets a new one. */
function openScanner(ended: () => void): Promise<Scanner> {
  const { host, frame } = insertFrame();
  const origin = new URL(browser.runtime.getURL('')).origin;
  const channel = new MessageChannel();
  const waiting = new Map<number, { resolve: (verdict: ScannerVerdict) => void; reject: (error: Error) => void }>();
  let nextId = 1;
  let loads = 0;
  let ready = false;
  let broken: Error | undefined;

  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => fail(new Error('the scanner frame did not answer')), CONNECT_TIMEOUT_MS);
    // Checked while it connects or holds files: removed from the page, it will never answer.
    let watch: ReturnType<typeof setInterval> | undefined;
    const watchWhileBusy = () => {
      watch ??= setInterval(() => {
        if (!frame.isConnected) fail(new Error('the scanner frame was removed'));
        else if (ready && waiting.size === 0) {
          clearInterval(watch);
          watch = undefined;
        }
      }, WATCH_MS);
    };
    watchWhileBusy();

    function fail(error: Error): void {
      if (broken) return;
      broken = error;
      clearTimeout(timer);
      clearInterval(watch);
      reject(error);
      for (const asked of waiting.values()) asked.reject(error);
      waiting.clear();
      host.remove();
      ended();
    }

    channel.port1.onmessage = (event: MessageEvent<ScannerReply>) => {
      const reply = event.data;
      if (reply.type === 'ready') {
        clearTimeout(timer);
        ready = true;
        resolve({ scan });
      } else {
        const asked = waiting.get(reply.id);
        waiting.delete(reply.id);
        if (reply.type === 'verdict') asked?.resolve({ verdict: reply.verdict, privacyContact: reply.privacyContact });
        else asked?.reject(new Error(reply.message));
      }
    };

    // The first load is our page; any later one is a navigation, by the page or by the frame.
    frame.addEventListener('load', () => {
      if (++loads > 1) return fail(new Error('the scanner frame was navigated away'));
      frame.contentWindow?.postMessage({ channel: SCANNER_CONNECT }, origin, [channel.port2]);
    });

    function scan(file: Blob): Promise<ScannerVerdict> | undefined {
      if (!frame.isConnected) fail(new Error('the scanner frame was removed'));
      if (broken) return undefined;
      const id = nextId++;
      return new Promise((resolveScan, rejectScan) => {
        waiting.set(id, { resolve: resolveScan, reject: rejectScan });
        watchWhileBusy();
        channel.port1.postMessage({ id, file } satisfies ScannerRequest);
      });
    }
  });
}
