// The answer to an upload that carries a blocked file: 422 with the reasons, as JSON
// (UploadBlockedError) or as a page in Dutch and English for a browser navigation. Each file comes
// with a link where the user can report the block as wrong (proxy/report-link.ts).
import type { UploadBlockedError } from '../../shared/api.js';
import type { FoundFile, RequestContext } from '../pipeline.js';
import { reportLink } from '../report-link.js';
import { escapeHtml, refuse } from '../respond.js';

const NL = 'Deze upload is tegengehouden: het bestand bevat gegevens over personen of kon niet worden gecontroleerd. Verstuur geen exports als bijlage.';
const EN = 'This upload was stopped: the file holds data about people or could not be checked. Do not send exports as attachments.';

export function refuseUpload(ctx: RequestContext, blocked: readonly FoundFile[]): void {
  const blockedAt = new Date().toISOString();
  const body: UploadBlockedError & { nl: string; en: string } = {
    error: 'upload-blocked',
    message: EN,
    nl: NL,
    en: EN,
    files: blocked.map((file) => {
      const reasons = (file.verdict?.reasons ?? []).map(({ code, nl, en }) => ({ code, nl, en }));
      const kind = file.verdict?.kind ?? 'unknown';
      return {
        name: file.name,
        verdict: 'block',
        kind,
        reasons,
        report: reportLink({
          sha256: file.verdict?.sha256 ?? '',
          kind,
          reasonCodes: [...new Set(reasons.map((r) => r.code))],
          size: file.bytes.byteLength,
          user: ctx.user?.id ?? '',
          blockedAt,
        }),
      };
    }),
  };
  const detailsHtml = body.files
    .map((file) => {
      const reasons = file.reasons.map((r) => `<li>${escapeHtml(r.nl)}<br><span lang="en">${escapeHtml(r.en)}</span></li>`).join('');
      const report = `<p><a href="${escapeHtml(file.report)}">Is dit bestand geen export van personen? Meld het</a> / <a href="${escapeHtml(file.report)}" lang="en">Not an export of people? Report it</a></p>`;
      return `<h2>${escapeHtml(file.name)}</h2><ul>${reasons}</ul>${report}`;
    })
    .join('');
  refuse(ctx.req, ctx.res, 422, body, { detailsHtml });
}
