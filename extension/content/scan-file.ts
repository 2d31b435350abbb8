// Isolated world: gets the verdict on a file from the background (the shared detector, off the
// page's main thread) and shows the block dialog. Whatever goes wrong blocks the file.
import type { Verdict } from '../../shared/detector/types.js';
import { askBackground } from '../ask-background.js';
import { packFileBytes } from '../file-bytes.js';
import { loadSettings } from '../background/settings.js';
import { showBlockDialog } from '../ui/block-dialog.js';
import { resolveLanguage, translator } from '../ui/i18n.js';
import type { Decision, ScanRequest } from './bridge-protocol.js';

async function verdictFor(request: ScanRequest): Promise<Verdict | undefined> {
  try {
    const file = packFileBytes(new Uint8Array(request.bytes));
    return (await askBackground({ type: 'scan-file', name: request.name, via: request.via, ...file })).verdict;
  } catch (error) {
    console.error('export-guard: the file could not be checked, so it is blocked:', error);
    return undefined;
  }
}

// One dialog at a time: several exports chosen at once are explained one after the other.
let dialogs: Promise<void> = Promise.resolve();

function tellUser(name: string, verdict: Verdict | undefined): void {
  dialogs = dialogs.then(async () => {
    const { language } = (await loadSettings()).settings;
    await showBlockDialog({ name, verdict }, translator(language), resolveLanguage(language)).closed;
  }).catch((error) => console.error('export-guard:', error));
}

export async function scanFile(request: ScanRequest): Promise<Decision> {
  const verdict = await verdictFor(request);
  const decision = verdict?.verdict ?? 'block';
  if (decision === 'block') tellUser(request.name, verdict);
  return decision;
}
