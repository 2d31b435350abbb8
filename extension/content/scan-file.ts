// Isolated world: gets the verdict on a file from the background (the shared detector, off the
// page's main thread) and shows the block dialog. Whatever goes wrong blocks the file.
import type { Replies } from '../../shared/messages.js';
import { askBackground } from '../ask-background.js';
import { packFileBytes } from '../file-bytes.js';
import { loadSettings } from '../settings-storage.js';
import { showBlockDialog } from '../ui/block-dialog.js';
import { resolveLanguage, translator } from '../ui/i18n.js';
import type { Decision, ScanRequest } from './bridge-protocol.js';

type Scanned = Replies['scan-file'];

/**
 * A timestamp for `npm run bench extension` (where the time goes). The page's timeline is shared
 * with the page, so only moments, never names or bytes; each name holds one entry, replaced on
 * the next scan, so a mark costs microseconds and keeps no memory.
 */
function mark(name: string): void {
  performance.clearMarks(name);
  performance.mark(name);
}

async function scanned(request: ScanRequest): Promise<Scanned | undefined> {
  try {
    mark('export-guard:bytes-in-content');
    const file = packFileBytes(new Uint8Array(request.bytes));
    const reply = await askBackground({ type: 'scan-file', name: request.name, via: request.via, ...file });
    mark('export-guard:verdict-in-content');
    return reply;
  } catch (error) {
    console.error('export-guard: the file could not be checked, so it is blocked:', error);
    return undefined;
  }
}

/** Sends the caseworker's "this is not an export" to the background: hash, kind and codes only. */
async function reportFalseBlock({ verdict }: Scanned): Promise<Replies['report-false-block']> {
  const reasonCodes = [...new Set(verdict.reasons.map((reason) => reason.code))];
  return askBackground({ type: 'report-false-block', sha256: verdict.sha256, kind: verdict.kind, reasonCodes, size: verdict.size });
}

// One dialog at a time: several exports chosen at once are explained one after the other.
let dialogs: Promise<void> = Promise.resolve();

function tellUser(name: string, result: Scanned | undefined): void {
  dialogs = dialogs.then(async () => {
    const { language } = (await loadSettings()).settings;
    const report = result?.verdict.sha256 ? () => reportFalseBlock(result) : undefined;
    await showBlockDialog({ name, verdict: result?.verdict, privacyContact: result?.privacyContact, report }, translator(language), resolveLanguage(language)).closed;
  }).catch((error) => console.error('export-guard:', error));
}

export async function scanFile(request: ScanRequest): Promise<Decision> {
  const result = await scanned(request);
  const decision = result?.verdict.verdict ?? 'block';
  if (decision === 'block') tellUser(request.name, result);
  return decision;
}
