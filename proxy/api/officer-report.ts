// The privacy officer's page: the report `export-guard audit report --format html` writes, served
// by the proxy to officers and admins, so the "Check" step is a bookmark away instead of a terminal.
// Anyone else gets 403 with the reason; the page is under the API prefix, so it is never forwarded
// to the portal, and it is answered after the API's own origin and token checks (proxy/api/index.ts).
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Role, UserInfo } from '../../shared/api.js';
import { buildReport } from '../audit/report.js';
import { renderHtmlReport, type ReportLanguage } from '../audit/report-html.js';
import { failingAs, FieldError, isoTime, knownKeys, oneOf } from '../config-fields.js';
import { refuse } from '../respond.js';
import type { Store } from '../store/types.js';

/** The roles that may read the report. */
export const REPORT_ROLES: readonly Role[] = ['officer', 'admin'];

interface ReportQuery {
  since?: Date;
  until?: Date;
  lang: ReportLanguage;
}

export async function answerOfficerReport(req: IncomingMessage, res: ServerResponse, url: URL, user: UserInfo, store: Store): Promise<void> {
  req.resume();
  if (!user.roles.some((role) => REPORT_ROLES.includes(role))) {
    return refuse(req, res, 403, {
      error: 'not-an-officer',
      message: "the privacy officer's report is only for users with the officer or admin role",
      nl: 'De rapportage voor de functionaris gegevensbescherming is alleen voor gebruikers met de rol officer of admin. Vraag IT om die rol als u de rapportage nodig hebt.',
      en: "The privacy officer's report is only for users with the officer or admin role. Ask IT for that role if you need the report.",
    });
  }
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    return refuse(req, res, 405, { error: 'method-not-allowed', message: 'the report is read with GET', nl: 'De rapportage wordt alleen opgevraagd (GET).', en: 'The report is only read (GET).' }, { headers: { allow: 'GET, HEAD' } });
  }
  let query: ReportQuery;
  try {
    query = readQuery(url.searchParams, req.headers['accept-language']);
  } catch (error) {
    if (!(error instanceof FieldError)) throw error;
    return refuse(req, res, 400, { error: 'malformed-request', message: error.message, nl: `Deze rapportage kan zo niet worden gemaakt: ${error.message}. Gebruik bijvoorbeeld ?since=2026-01-01&until=2026-04-01&lang=nl.`, en: `This report cannot be made so: ${error.message}. Use, for example, ?since=2026-01-01&until=2026-04-01&lang=en.` });
  }
  const report = buildReport(await store.auditEntries(), query.since, { until: query.until });
  const html = renderHtmlReport(report, { lang: query.lang });
  res.writeHead(200, {
    'content-type': 'text/html; charset=utf-8',
    'content-length': Buffer.byteLength(html),
    'content-language': query.lang,
    // Figures about the office's people: not for a shared cache, a referrer or another site's frame.
    'cache-control': 'no-store',
    'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; form-action 'none'; base-uri 'none'",
    'x-frame-options': 'DENY',
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    vary: 'accept-language',
  });
  res.end(req.method === 'HEAD' ? undefined : html);
}

/** since/until as `audit report` takes them (a date or an ISO time), lang or else Accept-Language, checked by field. */
function readQuery(params: URLSearchParams, acceptLanguage: string | undefined): ReportQuery {
  return failingAs((message) => new FieldError(message), () => {
    const fields = Object.fromEntries(params);
    knownKeys(fields, ['since', 'until', 'lang'], 'query');
    const date = (name: 'since' | 'until') => (fields[name] === undefined ? undefined : new Date(isoTime(fields[name], `query.${name}`)));
    return {
      since: date('since'),
      until: date('until'),
      lang: fields.lang === undefined ? preferredLanguage(acceptLanguage) : oneOf(fields.lang, 'query.lang', ['nl', 'en'] as const),
    };
  });
}

/** English only when the browser prefers it to Dutch (by q, then by order); Dutch otherwise, and by default. */
export function preferredLanguage(header: string | undefined): ReportLanguage {
  let best: { lang: ReportLanguage; q: number } = { lang: 'nl', q: 0 };
  for (const part of (header ?? '').split(',')) {
    const [tag = '', ...params] = part.trim().toLowerCase().split(';');
    const lang = tag.split('-')[0];
    if (lang !== 'nl' && lang !== 'en') continue;
    const q = Number(/^\s*q=([\d.]+)\s*$/.exec(params.find((p) => p.trim().startsWith('q=')) ?? '')?.[1] ?? 1);
    if (q > best.q) best = { lang, q };
  }
  return best.lang;
}
