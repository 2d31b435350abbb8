// The contract between the file readers, the column analysis and everyone who asks for a verdict
// (the CLI, the proxy's scan workers, the extension's scan worker). Browser-safe: no Node APIs.
import type { Table } from './table.js';

/** What the bytes are, decided from their content, never from a file name or declared type. */
export type FileKind =
  | 'xlsx'
  | 'xlsm'
  | 'xlsb'
  | 'xls'
  | 'ods'
  | 'csv'
  | 'text'
  | 'sylk'
  | 'dif'
  | 'prn'
  | 'json'
  | 'xml'
  | 'zip'
  | 'gzip'
  | 'tar'
  | 'bzip2'
  | 'xz'
  /** An archive the detector cannot open (7z, rar, cab, ...). */
  | 'archive'
  | 'pdf'
  | 'docx'
  | 'image'
  | 'other'
  | 'encrypted-office'
  | 'unknown';

/** A cell as the analysis sees it: numbers stay numbers (a BSN stored as a number is still a BSN). */
export type CellValue = string | number | boolean | null;

export type SheetVisibility = 'visible' | 'hidden' | 'very-hidden';

/** One table read from a file: a worksheet, or the single table of a delimited text file. */
export interface Sheet {
  /** Sheet name as in the workbook; for delimited text the name of the file or archive entry. */
  name: string;
  visibility: SheetVisibility;
  /** The cells; rows may differ in length. The header row need not be the first row. */
  table: Table;
}

/** One spreadsheet-like document found in the input (an archive can hold several). */
export interface Document {
  kind: FileKind;
  /** Where it was found: '' for the input itself, 'exports.zip/march.xlsx' inside archives. */
  path: string;
  sheets: Sheet[];
}

/** Why a file could not be read. Every one of these blocks the file: fail closed. */
export type ReadFailureCode =
  | 'encrypted'
  | 'corrupt'
  | 'truncated'
  | 'too-large'
  | 'archive-too-deep'
  | 'archive-too-many-entries'
  | 'archive-too-large'
  | 'archive-ratio'
  /** An archive format the detector cannot open (7z, rar, cab, ...); the policy may allow it. */
  | 'archive-uninspectable'
  | 'timeout'
  | 'cancelled'
  | 'internal-error';

export interface ReadFailure {
  code: ReadFailureCode;
  /** Path inside an archive where it happened ('' for the input itself). */
  path: string;
  /** Technical detail for logs; never contains cell values. */
  detail: string;
}

/** Stable reason codes; messages live next to them in shared/detector/analyse/reasons.ts. */
export type ReasonCode = string;

export interface Reason {
  code: ReasonCode;
  /** Dutch message a caseworker understands: "Kolom 'BSN' op blad 'Export': 135 geldige burgerservicenummers". */
  nl: string;
  en: string;
  /** Where the finding is; never the personal values themselves. */
  path?: string;
  sheet?: string;
  column?: string;
  count?: number;
  entity?: string;
}

/** What was found in a column, without any of its values. */
export interface ColumnFinding {
  path: string;
  sheet: string;
  /** Header text as written in the file ('' when the column has no header). */
  header: string;
  /** Column letter (A, B, ..., AA) as a spreadsheet user would see it. */
  column: string;
  entity: string;
  category: string;
  /** Values that matched the recognizer, and non-empty values examined. */
  matches: number;
  values: number;
}

export interface Verdict {
  verdict: 'block' | 'allow';
  kind: FileKind;
  reasons: Reason[];
  findings: ColumnFinding[];
  size: number;
  /** Hex SHA-256 of the input bytes, for the audit log. */
  sha256: string;
  /** Rows of tabular data examined (all sheets, all documents). */
  rows: number;
  elapsedMs: number;
}
