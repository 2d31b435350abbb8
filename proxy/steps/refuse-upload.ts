// The answer to an upload that carries a blocked file: 422 with the reasons, as JSON
// (UploadBlockedError) or as a page in Dutch and English for a browser navigation.
import type { UploadBlockedError } from '../../shared/api.js';
import type { FoundFile, RequestContext } from '../pipeline.js';
import { escapeHtml, isNavigation, sendHtml, sendJson } from '../respond.js';

const NL = 'Deze upload is tegengehouden: het bestand bevat gegevens over personen of kon niet worden gecontroleerd. Verstuur geen exports als bijlage.';
const EN = 'This upload was stopped: the file holds data about people or could not be checked. Do not send exports as attachments.';

export function refuseUpload(ctx: RequestContext, blocked: readonly FoundFile[]): void {
  const body: UploadBlockedError = {
    error: 'upload-blocked',
    message: EN,
    nl: NL,
    en: EN,
    files: blocked.map((file) => ({
      name: file.name,
      verdict: 'block',
      kind: file.verdict?.kind ?? 'unknown',
      reasons: (file.verdict?.reasons ?? []).map(({ code, nl, en }) => ({ code, nl, en })),
    })),
  };
  if (isNavigation(ctx.req)) sendHtml(ctx.res, 422, page(body));
  else sendJson(ctx.res, 422, body);
}

function page(body: UploadBlockedError): string {
  const files = body.files
    .map((file) => {
      const reasons = file.reasons.map((r) => `<li>${escapeHtml(r.nl)}<br><span lang="en">${escapeHtml(r.en)}</span></li>`).join('');
      return `<h2>${escapeHtml(file.name)}</h2><ul>${reasons}</ul>`;
    })
    .join('');
  return `<!doctype html>
<html lang="nl"><head><meta charset="utf-8"><title>Upload tegengehouden / Upload stopped</title>
<style>body{font-family:system-ui,sans-serif;max-width:44rem;margin:2rem auto;padding:0 1rem;line-height:1.5}h1{color:#a00}</style></head>
<body><h1>Upload tegengehouden</h1><p>${escapeHtml(NL)}</p><p lang="en"><strong>Upload stopped.</strong> ${escapeHtml(EN)}</p>
${files}<p><a href="javascript:history.back()">Terug / Back</a></p></body></html>`;
}
