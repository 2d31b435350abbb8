// What the proxy decided about each uploaded file, for whoever keeps the evidence (the audit log
// subscribes here). Names, sizes, hashes, codes and column headers only: never cell values.
import { EventEmitter } from 'node:events';
import type { PolicyException } from '../shared/policy/types.js';

export interface UploadEvent {
  requestId: string;
  /** The user id from the identify step, when the request carried a credential. */
  user?: string;
  method: string;
  /** Path of the upload request, without the query. */
  path: string;
  fileName: string;
  /** Where the file sat in the request: 'multipart:file', 'body', 'json:$.content'. */
  location: string;
  size: number;
  sha256: string;
  kind: string;
  reasonCodes: string[];
  /** Headers of the columns that triggered a block. */
  columns: string[];
  /** For a passed file that the detector would block: the exception that allowed it. */
  exception?: PolicyException;
}

export interface ProxyEventMap {
  'upload-blocked': [UploadEvent];
  'upload-passed': [UploadEvent];
}

export class ProxyEvents extends EventEmitter<ProxyEventMap> {}
