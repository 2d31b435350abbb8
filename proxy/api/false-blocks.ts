// "This is not an export": a caseworker reports a block as wrong, for the privacy officer to check
// (and, if right, to allow that file by its SHA-256 in the policy's exceptions). From the
// extension's block dialog as an API call; from the proxy's refusal page through a page of its own
// for browsers without the extension. Either way the audit log gets the file's hash, kind and
// reason codes, never its content or name.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { EventResponse, FalseBlockReport, UserInfo } from '../../shared/api.js';
import type { Policy } from '../../shared/policy/types.js';
import type { AuditEvent } from '../audit/entry.js';
import { readReportLink, type ReportedBlock } from '../report-link.js';
import { escapeHtml, sendPage } from '../respond.js';
import type { Store } from '../store/types.js';
import type { Answer } from './approvals.js';
import { FieldError, integer, isoTime, matching, oneOf, sha256Hex, string, strings } from '../config-fields.js';
import { parseBody } from './json.js';

/** POST ROUTES.falseBlocks from the extension; its queue may deliver a report twice, the eventId counts it once. */
export async function recordFalseBlock(store: Store, user: UserInfo, input: unknown): Promise<Answer> {
  const report = parseReport(input);
  const recorded = await store.appendReportedEvent(report.eventId, reportEvent(report, { user: user.id, team: user.team, source: 'extension' }));
  return { status: recorded ? 201 : 200, body: { recorded } satisfies EventResponse };
}

/** ROUTES.falseBlockPage: GET shows what will be reported, POST records it (once per link). */
export async function answerFalseBlockPage(req: IncomingMessage, res: ServerResponse, url: URL, store: Store, policy: Policy): Promise<void> {
  req.resume();
  const link = readReportLink(url.searchParams.get('r'), new Date());
  const contact = policy.privacyContact;
  if (!link) {
    return sendPage(res, 400, 'Link verlopen / Link expired', `<h1>Deze link werkt niet meer</h1>
<p>Een melding kan alleen op de dag van de blokkade worden gedaan, via de link op de pagina die de blokkade meldde. Probeer het bestand opnieuw te uploaden en meld het dan, of neem contact op met ${escapeHtml(contact.nl)}.</p>
<p lang="en">This link no longer works: a block is reported on the day it happens, through the link on the page that reported it. Upload the file again and report it then, or contact ${escapeHtml(contact.en)}.</p>`);
  }
  const { block, signature } = link;
  if (req.method === 'POST') {
    const report: FalseBlockReport = { type: 'false-block', ...block, at: new Date().toISOString(), eventId: `page:${signature}` };
    await store.appendReportedEvent(report.eventId, reportEvent(report, { user: block.user, source: 'proxy' }));
    return sendPage(res, 200, 'Gemeld / Reported', `<h1>Uw melding is vastgelegd</h1>
<p>De melding gaat naar ${escapeHtml(contact.nl)}. Tot die het bestand toestaat, blijft het tegengehouden: verstuur het bericht zo nodig zonder deze bijlage.</p>
<p lang="en">Your report was recorded and goes to ${escapeHtml(contact.en)}. Until they allow the file it stays blocked: if need be, send the message without this attachment.</p>
<p><a href="javascript:history.go(-2)">Terug / Back</a></p>`);
  }
  if (req.method !== 'GET') return sendPage(res, 405, 'Niet toegestaan / Not allowed', '<h1>405</h1>', { allow: 'GET, POST' });
  return sendPage(res, 200, 'Melden: geen export / Report: not an export', `<h1>Melden: dit bestand is geen export</h1>
<p>U meldt aan ${escapeHtml(contact.nl)} dat het tegengehouden bestand geen gegevens over personen bevat. Vastgelegd worden alleen de controlecode van het bestand, het soort bestand en de redenen van de blokkade; niet de inhoud en niet de naam.</p>
<p lang="en">You report to ${escapeHtml(contact.en)} that the blocked file holds no data about people. Only the file's fingerprint, its kind and the reasons for the block are recorded; not its content, not its name.</p>
${summaryHtml(block)}
<form method="post" action="${escapeHtml(url.pathname + url.search)}"><button type="submit">Melden / Report</button></form>
<p><a href="javascript:history.back()">Terug / Back</a></p>`);
}

function summaryHtml(block: ReportedBlock): string {
  return `<ul><li>SHA-256: <code>${escapeHtml(block.sha256)}</code></li><li>Soort / kind: ${escapeHtml(block.kind)}</li>
<li>Redenen / reasons: ${block.reasonCodes.map((code) => `<code>${escapeHtml(code)}</code>`).join(', ')}</li></ul>`;
}

function reportEvent(report: FalseBlockReport, who: { user: string; team?: string; source: 'extension' | 'proxy' }): AuditEvent {
  return {
    type: 'false-block-reported',
    at: report.at,
    facts: { ...who, sha256: [report.sha256], fileKind: report.kind, reasonCodes: report.reasonCodes, size: report.size },
  };
}

// Only these fields reach the log: a client cannot smuggle a file name or cell values into it.
function parseReport(input: unknown): FalseBlockReport {
  return parseBody(input, 'malformed-report', (r) => {
    const reasonCodes = strings(r.reasonCodes, 'reasonCodes', (code, field) => matching(code, field, /^[a-z0-9-]{1,80}$/, 'a reason code'));
    if (reasonCodes.length > 50) throw new FieldError(`reasonCodes: expected at most 50, got ${reasonCodes.length}`);
    return {
      type: oneOf(r.type, 'type', ['false-block'] as const),
      sha256: sha256Hex(r.sha256, 'sha256'),
      kind: matching(r.kind, 'kind', /^[a-z0-9-]{1,40}$/, "a file kind such as 'xlsx'"),
      reasonCodes,
      size: integer(r.size, 'size', 0, Number.MAX_SAFE_INTEGER),
      at: isoTime(r.at, 'at'),
      eventId: string(r.eventId, 'eventId', { maxLength: 200 }),
    };
  });
}
