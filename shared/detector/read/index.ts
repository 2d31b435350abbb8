// readDocuments: bytes in, tables out, for the column analysis.
//
// What the analysis can rely on:
// - Every sheet of every workbook, hidden and very hidden ones included (`visibility` says which).
// - Cells: numbers are JS numbers, text is a string, booleans are booleans, and empty cells and
//   error values (#N/A) are null. Date cells become ISO strings: 'YYYY-MM-DD', or
//   'YYYY-MM-DDTHH:MM:SS' when they have a time of day. Formulas give their cached value.
// - In a workbook, table.cell(r, c) is row r+1, column c of the sheet (positions are kept: empty
//   rows have no cells and gaps are null); trailing empty cells and rows are dropped.
// - Text is read in text-formats.ts as the format its first characters show (csv and other
//   delimited text, SYLK, DIF, fixed-width PRN, JSON or XML records, plain lines); one text may
//   give several sheets (a delimiter that two programs would pick differently is read both
//   ways). Delimited fields stay strings exactly as written (no number or date guessing:
//   '012345678' keeps its zero), except what a spreadsheet shows of them ('="0123"' is 0123);
//   a row of more than 16,384 fields (wider than any spreadsheet) is 'too-large'.
// - pdf, Word documents, images and unrecognised binary data ('other') are no documents, but the
//   text inside them (and around a zip's parts) is read as text: a table hidden there is found.
//   What looks like a spreadsheet container but cannot be read is a failure: fail closed.
// - Archives: zip, gzip, tar, bzip2 and xz are opened, within the same caps; an archive format
//   that cannot be opened (7z, rar, cab, ...) is 'archive-uninspectable' unless the policy allows it.
// - Documents embedded in Office packages (xl/, word/, ppt/embeddings/) and the file an OLE object
//   carries are read as files, one archive level deeper; what cannot be read blocks.
// - Deadline and cancellation are cooperative: checked every 1000-2000 rows, every inflate step,
//   per sheet and per archive entry (the event loop runs between entries, so an abort message can
//   arrive). One SheetJS parse (xls, xlsb, ods) cannot be interrupted: checked before and after.
// It never throws: everything that goes wrong is a ReadFailure.
import type { Document, FileKind, Sheet } from '../types.js';
import type { ReadContext, ReadOutcome } from './contract.js';
import { kindFromNames, zipKind } from './container-kind.js';
import { decodeText } from './encoding.js';
import { bunzip2Bounded } from './bzip2.js';
import { gunzipBounded, gzipName } from './gzip.js';
import { markupComplete } from './markup.js';
import { readOds, readOdsXml } from './ods-fast.js';
import { biffValueRecords } from './cell-records.js';
import { isGraphDataSheet, readGraphDataSheet } from './msgraph.js';
import { classifyOle2 } from './ole2.js';
import { ReadSession, ReadStop, stop } from './session.js';
import { readWithSheetJs } from './sheetjs.js';
import { sniff } from './sniff.js';
import { readTextDocument } from './text-formats.js';
import { readTar } from './tar.js';
import { textRuns } from './text-runs.js';
import { readXlsFast } from './xls-fast.js';
import { inflateXlsbParts, readXlsbFast } from './xlsb-fast.js';
import { unxzBounded } from './xz.js';
import { readXlsx } from './xlsx-fast.js';
import { join, localHeaderNames, openZip, partKey, type ZipContainer } from './zip.js';

export type { ReadContext, ReadOutcome } from './contract.js';

/** Where OOXML packages keep embedded objects and packages (ECMA-376 part 1, 15.2.11-15.2.12). */
const EMBEDDINGS = /^(?:xl|word|ppt)\/embeddings\/[^/]+$/i;

export interface ReadOptions {
  /** 'sheetjs' reads xlsx, ods and xls with SheetJS instead of the fast paths: the reference for the cross-check. */
  reader?: 'fast' | 'sheetjs';
}

export async function readDocuments(bytes: Uint8Array, ctx: ReadContext, options: ReadOptions = {}): Promise<ReadOutcome> {
  const reader = new Reader(new ReadSession(ctx), options);
  try {
    await reader.read(bytes, '', 0);
    return { kind: reader.kind, documents: reader.documents };
  } catch (error) {
    const failure = error instanceof ReadStop ? error.failure : { code: 'internal-error' as const, path: '', detail: String(error) };
    return { kind: reader.kind, documents: [], failure };
  }
}

/** Zip-based spreadsheets, and the parts of them that hold their cells and strings. */
const OFFICE_KINDS = new Set<FileKind>(['xlsx', 'xlsm', 'xlsb', 'ods']);
const OFFICE_PART = /\.(?:xml|bin)$/i;

class Reader {
  kind: FileKind = 'unknown';
  readonly documents: Document[] = [];

  constructor(
    private readonly session: ReadSession,
    private readonly options: ReadOptions,
  ) {}

  /** `depth` is the number of archives around these bytes. */
  async read(bytes: Uint8Array, path: string, depth: number): Promise<void> {
    this.session.checkpoint(path);
    const sniffed = sniff(bytes);
    switch (sniffed.format) {
      case 'zip':
        return this.readZip(bytes, path, depth);
      case 'gzip': {
        this.found(path, 'gzip');
        this.enterArchive(path, depth);
        const inner = gunzipBounded(bytes, path, this.session);
        return this.read(inner, join(path, gzipName(bytes) || 'content'), depth + 1);
      }
      case 'bzip2':
        this.found(path, 'bzip2');
        this.enterArchive(path, depth);
        return this.read(bunzip2Bounded(bytes, path, this.session), join(path, 'content'), depth + 1);
      case 'xz':
        this.found(path, 'xz');
        this.enterArchive(path, depth);
        return this.read(await unxzBounded(bytes, path, this.session), join(path, 'content'), depth + 1);
      case 'tar':
        this.found(path, 'tar');
        this.enterArchive(path, depth);
        for (const entry of readTar(bytes, path, this.session)) {
          await this.read(entry.data, join(path, entry.name), depth + 1);
          await this.session.breathe(path);
        }
        return;
      case 'uninspectable':
        this.found(path, 'archive');
        if (!this.session.allowsUninspectableArchives) stop('archive-uninspectable', path, `a ${sniffed.name} archive cannot be opened`);
        // Allowed unread; what it stores uncompressed is still read as text.
        return this.readTextInside(bytes, path);
      case 'ole2': {
        const { kind, workbook, objects, appended } = await classifyOle2(bytes, path, this.options.reader === 'sheetjs' ? 'sheetjs' : 'fast');
        this.found(path, kind);
        if (kind === 'encrypted-office') stop('encrypted', path, 'password-protected Office file');
        if (workbook) this.add(kind, path, isGraphDataSheet(workbook) ? readGraphDataSheet(workbook, path) : await this.readXls(bytes, workbook, path));
        if (objects.length > 0) this.enterArchive(path, depth);
        for (const object of objects) {
          await this.read(object.bytes, join(path, object.name), depth + 1);
          await this.session.breathe(path);
        }
        if (appended) this.readTextInside(appended, path);
        return;
      }
      case 'biff':
        this.found(path, 'xls');
        return this.add('xls', path, await readWithSheetJs(bytes, path, this.session, biffValueRecords(bytes)));
      case 'markup-spreadsheet': {
        this.found(path, sniffed.kind);
        if (!markupComplete(bytes, sniffed.encoding)) stop('truncated', path, 'the markup ends before its closing tag');
        const flatOds = sniffed.kind === 'ods' && this.options.reader !== 'sheetjs';
        return this.add(sniffed.kind, path, flatOds ? readOdsXml(decodeText(bytes, sniffed.encoding), path, this.session) : await readWithSheetJs(bytes, path, this.session));
      }
      case 'text': {
        // The kind is known before the table is read: a table too large to read still says what it was.
        const { kind, sheets } = readTextDocument(decodeText(bytes, sniffed.encoding), path, this.session, (textKind) => this.found(path, textKind));
        return this.add(kind, path, sheets);
      }
      case 'pdf':
      case 'image':
      case 'other':
        this.found(path, sniffed.format);
        return this.readTextInside(bytes, path);
    }
  }

  /** A BIFF8 workbook by the fast reader when it covers it (xls-fast.ts), by SheetJS otherwise. */
  private async readXls(bytes: Uint8Array, workbook: Uint8Array, path: string): Promise<Sheet[]> {
    const fast = this.options.reader === 'sheetjs' ? undefined : readXlsFast(workbook, path, this.session);
    return fast ?? readWithSheetJs(bytes, path, this.session, biffValueRecords(workbook));
  }

  private async readZip(bytes: Uint8Array, path: string, depth: number): Promise<void> {
    this.found(path, 'zip');
    let zip: ZipContainer;
    try {
      zip = openZip(bytes, path, this.session);
    } catch (error) {
      // A cut-off zip has no directory; its local headers still tell what it was.
      this.found(path, kindFromNames(localHeaderNames(bytes), () => ''));
      throw error;
    }
    const kind = zipKind(zip);
    this.found(path, kind);
    // Text before, between or after the zip's parts opens as a table in a text editor or spreadsheet.
    for (const run of zip.foreign) this.readTextInside(run, path);
    // The browser's inflater is asynchronous: the parts the fast readers read are inflated first.
    if (OFFICE_KINDS.has(kind) && this.options.reader !== 'sheetjs') await zip.inflateAhead((name) => OFFICE_PART.test(name));
    switch (kind) {
      case 'xlsx':
      case 'xlsm':
        this.add(kind, path, this.options.reader === 'sheetjs' ? await readWithSheetJs(bytes, path, this.session) : readXlsx(zip, this.session));
        break;
      case 'ods':
        this.add(kind, path, this.options.reader === 'sheetjs' ? await readWithSheetJs(bytes, path, this.session) : readOds(zip, this.session));
        return;
      case 'xlsb': {
        // SheetJS inflates without our caps: every part is inflated once within them first.
        const { parts, valueRecords } = inflateXlsbParts(zip);
        // Bytes outside the zip's parts may be read otherwise by SheetJS's own zip reader.
        const fast = this.options.reader === 'sheetjs' || zip.foreign.length > 0 ? undefined : readXlsbFast(parts, path, this.session, valueRecords);
        this.add(kind, path, fast ?? (await readWithSheetJs(bytes, path, this.session, valueRecords)));
        break;
      }
      case 'zip':
        this.enterArchive(path, depth);
        for (const name of zip.entries.keys()) {
          await this.read(zip.read(name), join(path, name), depth + 1);
          await this.session.breathe(path);
        }
        return;
      default:
        break;
    }
    await this.readEmbedded(zip, path, depth);
  }

  /**
   * Documents embedded in an Office package (an xlsx in a docx, an xls object in an xlsx, a
   * packaged csv) are files of their own, read as any file, one level deeper.
   */
  private async readEmbedded(zip: ZipContainer, path: string, depth: number): Promise<void> {
    const embedded = [...zip.entries.keys()].filter((name) => EMBEDDINGS.test(partKey(name)));
    if (embedded.length === 0) return;
    this.enterArchive(path, depth);
    for (const name of embedded) {
      await this.read(zip.read(name), join(path, name), depth + 1);
      await this.session.breathe(path);
    }
  }

  /** Reads the text found inside bytes that are no text file (text-runs.ts) as any text is read. */
  private readTextInside(bytes: Uint8Array, path: string): void {
    for (const text of textRuns(bytes)) {
      const { kind, sheets } = readTextDocument(text, path, this.session);
      this.add(kind, path, sheets);
    }
  }

  /** Records the kind of the input itself; kinds of archive entries only show in their documents. */
  private found(path: string, kind: FileKind): void {
    if (path === '') this.kind = kind;
  }

  private enterArchive(path: string, depth: number): void {
    const max = this.session.limits.archive.maxDepth;
    if (depth + 1 > max) stop('archive-too-deep', path, `archives nested more than ${max} deep`);
  }

  private add(kind: FileKind, path: string, sheets: Sheet[]): void {
    this.documents.push({ kind, path, sheets });
  }
}
