// What the readers promise the rest of the detector.
import type { Limits } from '../../policy/types.js';
import type { Document, FileKind, ReadFailure } from '../types.js';

export interface ReadContext {
  limits: Limits;
  /** Epoch milliseconds after which reading stops with a 'timeout' failure. */
  deadline: number;
  signal?: AbortSignal;
  /** The policy's archives.uninspectable: what to do with a 7z, rar, cab, ... (default 'block'). */
  uninspectableArchives?: 'block' | 'allow';
}

export interface ReadOutcome {
  /** Kind of the input itself (an archive stays 'zip' even when it holds spreadsheets). */
  kind: FileKind;
  /** Every spreadsheet-like document found, archives opened recursively. Empty for pdf, images... */
  documents: Document[];
  /** Set when anything could not be read: the whole input is then blocked. */
  failure?: ReadFailure;
}
