// Archives the detector cannot open: by their signatures. What they hold is unknown, so they are
// blocked as uninspectable unless the policy allows them (archives.uninspectable).

const ascii = (text: string) => Array.from(text, (ch) => ch.charCodeAt(0));

const SIGNATURES: { name: string; at: number; bytes: readonly number[] }[] = [
  { name: '7z', at: 0, bytes: [0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c] },
  { name: 'rar', at: 0, bytes: [...ascii('Rar!'), 0x1a, 0x07] },
  { name: 'cab', at: 0, bytes: [...ascii('MSCF'), 0, 0, 0, 0] },
  { name: 'arj', at: 0, bytes: [0x60, 0xea] },
  { name: 'zstd', at: 0, bytes: [0x28, 0xb5, 0x2f, 0xfd] },
  { name: 'lz4', at: 0, bytes: [0x04, 0x22, 0x4d, 0x18] },
  { name: 'lzip', at: 0, bytes: ascii('LZIP') },
  { name: 'compress (.Z)', at: 0, bytes: [0x1f, 0x9d] },
  { name: 'ace', at: 7, bytes: ascii('**ACE**') },
  { name: 'zpaq', at: 0, bytes: ascii('7kSt') },
  { name: 'xar', at: 0, bytes: ascii('xar!') },
];

/** LHA/LZH: a method id such as '-lh5-' at offset 2. */
const LHA_METHOD = /^-(?:lh[0-7d]|lz[45s])-$/;

/** The name of the archive format the bytes start with, or undefined. */
export function uninspectableArchive(bytes: Uint8Array): string | undefined {
  const found = SIGNATURES.find(({ at, bytes: signature }) => signature.every((b, i) => bytes[at + i] === b));
  if (found) return found.name;
  if (LHA_METHOD.test(String.fromCharCode(...bytes.subarray(2, 7)))) return 'lzh';
  return undefined;
}
