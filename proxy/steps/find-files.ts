// Finds every file a request body carries and every text the portal's parser would read out of
// it (proxy/body/readings.ts), with any Content-Encoding undone. What cannot be read as the
// portal reads it is refused (400).
import type { IncomingMessage } from 'node:http';
import type { Step } from '../pipeline.js';
import { MalformedBody } from '../body/multipart.js';
import { safeDecodeUri } from '../body/embedded-file.js';
import { decodeContent } from '../body/content-encoding.js';
import { filesInBody } from '../body/readings.js';
import { refuse } from '../respond.js';

/** maxDecodedBytes bounds what a compressed body may inflate to. */
export const findFilesStep = (maxDecodedBytes: number): Step => async (ctx) => {
  if (!ctx.body || ctx.body.byteLength === 0) return 'continue';
  try {
    ctx.content = decodeContent(ctx.body, ctx.req.headers['content-encoding'], maxDecodedBytes);
    ctx.files = filesInBody(ctx.content, ctx.req.headers['content-type'] ?? '', bodyName(ctx.req, ctx.url));
  } catch (error) {
    if (!(error instanceof MalformedBody)) throw error;
    refuse(ctx.req, ctx.res, 400, {
      error: 'malformed-body',
      message: error.message,
      nl: 'De upload is onleesbaar en is niet doorgestuurd.',
      en: 'The upload could not be read and was not forwarded.',
    });
    return 'handled';
  }
  return 'continue';
};

/** The name a raw body goes by: the file name it declares, else the path's last segment. */
function bodyName(req: IncomingMessage, url: URL): string {
  const disposition = req.headers['content-disposition'] ?? '';
  const named = /filename\*?\s*=\s*(?:UTF-8'[^']*')?"?([^";]+)"?/i.exec(disposition)?.[1];
  return safeDecodeUri(named ?? (url.pathname.split('/').pop() || 'body'));
}
