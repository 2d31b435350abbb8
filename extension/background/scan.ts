// The 'scan-file' handler: the shared detector with the proxy's policy, so the verdict equals the
// proxy's for the same bytes, the privacy officer's exceptions included. Verdicts are cached by
// SHA-256 (the picker, then the page's upload of the same file, are one scan); an exception is
// applied after the cache, since it expires. Every block is reported for the audit log.
import * as XLSX from '@e965/xlsx';
import xzDecompress from 'xz-decompress';
import type { BlockedUploadEvent } from '../../shared/api.js';
import { detect, sha256Hex } from '../../shared/detector/index.js';
import { provideModules } from '../../shared/detector/read/lazy-modules.js';
import type { Verdict } from '../../shared/detector/types.js';
import { applyExceptions, type DecidedVerdict } from '../../shared/policy/exceptions.js';
import type { Policy } from '../../shared/policy/types.js';
import type { PageMessage } from '../../shared/messages.js';
import { unpackFileBytes } from '../file-bytes.js';
import { enqueue } from './audit-queue.js';
import { policyInForce } from './policy.js';
import { onPageMessage } from './router.js';

// The detector loads SheetJS and xz-decompress with import() on first use, which an MV3 service
// worker may not do: here they are bundled with the worker and handed over.
provideModules({ sheetJs: XLSX, xz: xzDecompress });

const CACHE_SIZE = 100;
const cache = new Map<string, Verdict>();
let cachedFor: Policy | undefined;

/** A timestamp for `npm run bench extension`: one entry per name, replaced on the next scan. */
function mark(name: string): void {
  performance.clearMarks(name);
  performance.mark(name);
}

export async function verdictFor(bytes: Uint8Array): Promise<DecidedVerdict> {
  const { policy } = await policyInForce();
  return applyExceptions(await detected(bytes, policy), policy.exceptions, new Date());
}

async function detected(bytes: Uint8Array, policy: Policy): Promise<Verdict> {
  if (policy !== cachedFor) {
    cache.clear();
    cachedFor = policy;
  }
  const sha256 = await sha256Hex(bytes);
  mark('export-guard:hashed-in-worker');
  const cached = cache.get(sha256);
  if (cached) return cached;
  const verdict = await detect(bytes, { policy, sha256 });
  cache.set(sha256, verdict);
  if (cache.size > CACHE_SIZE) cache.delete(cache.keys().next().value!);
  return verdict;
}

/** Origin and path of the page where the file was attached; the query may hold personal data. */
function siteOf(url: string | undefined): string {
  if (!url) return '';
  const parsed = new URL(url);
  return parsed.origin + parsed.pathname;
}

function blockedUploadEvent(message: Extract<PageMessage, { type: 'scan-file' }>, verdict: Verdict, pageUrl: string | undefined): BlockedUploadEvent {
  return {
    source: 'extension',
    site: siteOf(pageUrl),
    via: message.via,
    fileName: message.name,
    size: verdict.size,
    sha256: verdict.sha256,
    kind: verdict.kind,
    reasonCodes: [...new Set(verdict.reasons.map((reason) => reason.code))],
    columns: [...new Set(verdict.findings.map((finding) => finding.header || finding.column))],
    at: new Date().toISOString(),
    eventId: crypto.randomUUID(),
  };
}

export function registerScanHandler(): void {
  onPageMessage('scan-file', async (message, sender) => {
    mark('export-guard:message-in-worker');
    const verdict = await verdictFor(unpackFileBytes(message));
    mark('export-guard:verdict-in-worker');
    if (verdict.verdict === 'block') {
      void enqueue(blockedUploadEvent(message, verdict, sender.url ?? sender.tab?.url)).catch((error) =>
        console.error('export-guard: could not queue the audit event:', error),
      );
    }
    return { verdict, privacyContact: (await policyInForce()).policy.privacyContact };
  });
}
