// File bytes cross runtime messaging as base64: Chromium's extension messaging is JSON. The
// native codecs (Chromium 140+, Firefox 133+) are an order of magnitude faster than the fallback,
// which matters for a multi-megabyte export on its way to the scan.
const CHUNK = 0x8000;

type WithNativeBase64 = Uint8Array & { toBase64?: () => string };
const nativeFromBase64 = (Uint8Array as unknown as { fromBase64?: (base64: string) => Uint8Array }).fromBase64;

export function bytesToBase64(bytes: Uint8Array): string {
  const native = (bytes as WithNativeBase64).toBase64;
  if (native) return native.call(bytes);
  let binary = '';
  // Chunked: spreading a megabyte into String.fromCharCode overflows the argument limit.
  for (let i = 0; i < bytes.length; i += CHUNK) binary += String.fromCharCode(...bytes.subarray(i, i + CHUNK));
  return btoa(binary);
}

export function base64ToBytes(base64: string): Uint8Array {
  if (nativeFromBase64) return nativeFromBase64(base64);
  const binary = atob(base64);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}
