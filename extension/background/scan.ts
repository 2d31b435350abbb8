// What the background does for a scan, now that the scanner frame (extension/scanner/) judges the
// file: it gives the frame the policy in force (the proxy's, so the verdict equals the proxy's for
// the same bytes, the privacy officer's exceptions included) and records every block for the
// audit log. The file itself never comes here: the worker loads neither the detector nor SheetJS.
import type { BlockedUploadEvent } from '../../shared/api.js';
import type { PageMessage } from '../../shared/messages.js';
import { enqueue } from './audit-queue.js';
import { matchPatternToRegex } from '../../shared/match-pattern.js';
import { policyInForce } from './policy.js';
import { grantedSites } from './protected-sites.js';
import { onPageMessage, onScannerMessage } from './router.js';

/** A timestamp for `npm run bench extension`: one entry per name, replaced on the next scan. */
function mark(name: string): void {
  performance.clearMarks(name);
  performance.mark(name);
}

/** Whether a tab's page is on a protected site the browser has granted (its URL is hidden from us elsewhere). */
async function onGrantedSite(url: string | undefined): Promise<boolean> {
  if (url === undefined) return false;
  return (await grantedSites()).some((pattern) => new RegExp(matchPatternToRegex(pattern)).test(url));
}

/** Origin and path of the page where the file was attached; the query may hold personal data. */
function siteOf(url: string | undefined): string {
  if (!url) return '';
  const parsed = new URL(url);
  return parsed.origin + parsed.pathname;
}

function blockedUploadEvent(message: Extract<PageMessage, { type: 'record-block' }>, pageUrl: string | undefined): BlockedUploadEvent {
  return {
    source: 'extension',
    site: siteOf(pageUrl),
    via: message.via,
    fileName: message.name,
    size: message.size,
    sha256: message.sha256,
    kind: message.kind,
    reasonCodes: message.reasonCodes,
    columns: message.columns,
    at: new Date().toISOString(),
    eventId: crypto.randomUUID(),
  };
}

export function registerScanHandlers(): void {
  onScannerMessage('scan-policy', async (_message, sender) => {
    mark('export-guard:policy-asked-in-worker');
    // Any web page may load the scanner frame (manifest.ts): only ours, on a protected site, scans.
    if (!(await onGrantedSite(sender.tab?.url))) throw new Error('the scanner is not on a protected site');
    return { policy: (await policyInForce()).policy };
  });
  onPageMessage('record-block', async (message, sender) => {
    await enqueue(blockedUploadEvent(message, sender.url ?? sender.tab?.url));
    return { queued: true };
  });
}
