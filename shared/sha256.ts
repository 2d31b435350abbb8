// The SHA-256 (hex) by which every part names a file: the detector's verdict, the audit log, the
// privacy officer's exceptions. WebCrypto, so it is the same in Node, the service worker and a page.
export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  // Inputs come from files, sockets and messages, never from a SharedArrayBuffer.
  const digest = await globalThis.crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}
