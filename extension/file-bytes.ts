// File bytes on their way from a content script to the background (shared/messages.ts FileBytes):
// as they are where messaging clones them, as base64 where Chromium still serialises to JSON.
// The native base64 codecs (Chromium 140+, Firefox 133+) are an order of magnitude faster than the
// fallback, which matters for a multi-megabyte export on its way to the scan.
import type { FileBytes } from '../shared/messages.js';

const CHUNK = 0x8000;
/** The first Chromium that clones messages when the manifest asks for structured_clone. */
const CHROMIUM_STRUCTURED_CLONE = 148;

type WithNativeBase64 = Uint8Array & { toBase64?: () => string };
const nativeFromBase64 = (Uint8Array as unknown as { fromBase64?: (base64: string) => Uint8Array }).fromBase64;

function bytesToBase64(bytes: Uint8Array): string {
  const native = (bytes as WithNativeBase64).toBase64;
  if (native) return native.call(bytes);
  let binary = '';
  // Chunked: spreading a megabyte into String.fromCharCode overflows the argument limit.
  for (let i = 0; i < bytes.length; i += CHUNK) binary += String.fromCharCode(...bytes.subarray(i, i + CHUNK));
  return btoa(binary);
}

function base64ToBytes(base64: string): Uint8Array {
  if (nativeFromBase64) return nativeFromBase64(base64);
  const binary = atob(base64);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/** Firefox always clones; Chromium (Chrome, Edge) from version 148. */
function messagingClones(): boolean {
  const chromium = /\bChrome\/(\d+)/.exec(navigator.userAgent);
  return !chromium || Number(chromium[1]) >= CHROMIUM_STRUCTURED_CLONE;
}

export function packFileBytes(bytes: Uint8Array): FileBytes {
  return messagingClones() ? { bytes } : { base64: bytesToBase64(bytes) };
}

export function unpackFileBytes(file: FileBytes): Uint8Array {
  if ('bytes' in file) {
    if (!(file.bytes instanceof Uint8Array)) throw new Error('file bytes arrived mangled: messaging did not clone them');
    return file.bytes;
  }
  return base64ToBytes(file.base64);
}
