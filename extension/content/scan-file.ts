// Isolated world: gets the verdict on a file from the scanner frame (the shared detector, off the
// page's main thread), has the background record a block for the audit log, and shows the block
// dialog. Whatever goes wrong blocks the file.
import type { Replies } from '../../shared/messages.js';
import type { DecidedVerdict } from '../../shared/policy/exceptions.js';
import type { ResolvedSettings } from '../../shared/settings.js';
import { sha256Hex } from '../../shared/sha256.js';
import { askBackground } from '../ask-background.js';
import type { ScannerVerdict } from '../scanner/protocol.js';
import { loadSettings } from '../settings-storage.js';
import { showBlockDialog } from '../ui/block-dialog.js';
import { resolveLanguage, translator } from '../ui/i18n.js';
import type { Decision, ScanRequest } from './bridge-protocol.js';
import { scanInFrame } from './scanner-frame.js';

/**
 * A timestamp for `npm run bench extension` (where the time goes). The page's timeline is shared
 * with the page, so only moments, never names or bytes; each name holds one entry, replaced on
 * the next scan, so a mark costs microseconds and keeps no memory.
 */
function mark(name: string): void {
  performance.clearMarks(name);
  performance.mark(name);
}

async function scanned(request: ScanRequest & { file: Blob }): Promise<ScannerVerdict | undefined> {
  try {
    mark('export-guard:file-in-content');
    const reply = await scanInFrame(request.file);
    mark('export-guard:verdict-in-content');
    if (reply.verdict.verdict === 'block') recordBlock(request, reply);
    return reply;
  } catch (error) {
    console.error('export-guard: the file could not be checked, so it is blocked:', error);
    recordUncheckedBlock(request);
    return undefined;
  }
}

/** What identifies a judged file and why it was blocked: never its bytes or cell values. */
function identified(verdict: DecidedVerdict) {
  return { sha256: verdict.sha256, kind: verdict.kind, size: verdict.size, reasonCodes: [...new Set(verdict.reasons.map((reason) => reason.code))] };
}

/** For the audit log, through the background's queue: the file, where it came from, the columns that blocked it. */
function recordBlock({ name, via }: ScanRequest, { verdict }: ScannerVerdict): void {
  const columns = [...new Set(verdict.findings.map((finding) => finding.header || finding.column))];
  askBackground({ type: 'record-block', name, via, columns, ...identified(verdict) }).catch((error) =>
    console.error('export-guard: could not queue the audit event:', error),
  );
}

/**
 * The detector's code for a scan that went wrong (shared/detector/analyse/reasons.ts, which this
 * script does not bundle: it would bring every recognizer into every page).
 */
const UNCHECKED_REASON = 'scan-error';

/**
 * A file blocked because no scanner judged it (the page took the frame away, or it failed) is
 * recorded too, hashed here: for the privacy officer a missing check is itself evidence, and a
 * page that keeps removing the scanner shows up in the log. A file nothing can read goes
 * unrecorded: without its bytes there is no hash to name it by, and no upload to fear.
 */
function recordUncheckedBlock({ name, via, file }: ScanRequest & { file: Blob }): void {
  file
    .arrayBuffer()
    .then((bytes) => sha256Hex(new Uint8Array(bytes)))
    .then((sha256) => askBackground({ type: 'record-block', name, via, columns: [], sha256, kind: 'unknown', size: file.size, reasonCodes: [UNCHECKED_REASON] }))
    .catch((error) => console.error('export-guard: could not record the unchecked file for the audit log:', error));
}

/** Sends the caseworker's "this is not an export" to the background: hash, kind and codes only. */
async function reportFalseBlock({ verdict }: ScannerVerdict): Promise<Replies['report-false-block']> {
  return askBackground({ type: 'report-false-block', ...identified(verdict) });
}

// One dialog at a time: several exports chosen at once are explained one after the other.
let dialogs: Promise<void> = Promise.resolve();

function tellUser(name: string, result: ScannerVerdict | undefined, settings: Promise<ResolvedSettings | undefined>): void {
  dialogs = dialogs.then(async () => {
    const language = (await settings)?.settings.language ?? 'auto';
    const report = result?.verdict.sha256 ? () => reportFalseBlock(result) : undefined;
    await showBlockDialog({ name, verdict: result?.verdict, privacyContact: result?.privacyContact, report }, translator(language), resolveLanguage(language)).closed;
  }).catch((error) => console.error('export-guard:', error));
}

export async function scanFile(request: ScanRequest): Promise<Decision> {
  // Read while the file is scanned, so a block's dialog need not wait for storage afterwards;
  // unreadable settings leave the dialog in the browser's language, never without a dialog.
  const settings = loadSettings().catch(() => undefined);
  // What the page could not read (a dropped folder) was never going to be sent: only said.
  const result = request.file ? await scanned({ ...request, file: request.file }) : undefined;
  const decision = result?.verdict.verdict ?? 'block';
  if (decision === 'block') tellUser(request.name, result, settings);
  return decision;
}
