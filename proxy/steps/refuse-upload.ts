// The answer to an upload that carries a blocked file: 422 with the reasons, as JSON
// (UploadBlockedError) or as a page in Dutch and English for a browser navigation.
import type { UploadBlockedError } from '../../shared/api.js';
import type { FoundFile, RequestContext } from '../pipeline.js';
import { escapeHtml, refuse } from '../respond.js';

const NL = 'Deze upload is tegengehouden: het bestand bevat gegevens over personen of kon niet worden gecontroleerd. Verstuur geen exports als bijlage.';
const EN = 'This upload was stopped: the file holds data about people or could not be checked. Do not send exports as attachments.';

export function refuseUpload(ctx: RequestContext, blocked: readonly FoundFile[]): void {
  const body: UploadBlockedError & { nl: string; en: string } = {
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
  const detailsHtml = body.files
    .map((file) => {
      const reasons = file.reasons.map((r) => `<li>${escapeHtml(r.nl)}<br><span lang="en">${escapeHtml(r.en)}</span></li>`).join('');
      return `<h2>${escapeHtml(file.name)}</h2><ul>${reasons}</ul>`;
    })
    .join('');
  refuse(ctx.req, ctx.res, 422, body, { detailsHtml });
}
