// Chunked and resumable uploads (proxy/uploads/protocols.ts): a chunk is never scanned, nor
// forwarded, on its own. Each is held in its upload's session (proxy/uploads/sessions.ts) and
// answered as the widget's protocol expects, until the request that completes the file: that one
// carries the whole file to the scan step instead of its own bytes. Only when the file scanned
// clean does the second step here send the held chunk requests on to the portal, in file order
// and as they came, before the completing request itself is forwarded. So the portal receives
// the same requests it would have without the proxy, and nothing of a blocked file.
// Replaying rather than streaming each chunk on after a verdict: there is no verdict before the
// last chunk, and widgets send chunks one after the other, so holding requests open would stall.
import type { IncomingHttpHeaders } from 'node:http';
import type { Logger } from '../log.js';
import type { FoundFile, RequestContext, Step, StepResult } from '../pipeline.js';
import { refuse, sendJson, type Refusal } from '../respond.js';
import { recognise, tusFileName, type Chunk, type Probe, type Protocol } from '../uploads/protocols.js';
import type { UploadSession, UploadSessions } from '../uploads/sessions.js';
import { askPortal, type PortalDeps } from '../uploads/upstream.js';
import { refuseUpload } from './refuse-upload.js';

export interface UploadSessionsDeps {
  sessions: UploadSessions;
  portal: PortalDeps;
}

export function uploadSessionsStep(deps: UploadSessionsDeps): Step {
  return async (ctx) => {
    const found = recognise(ctx.req.method ?? '', ctx.url, ctx.req.headers, ctx.content);
    if (!found) return 'continue';
    if ('fragment' in found) return refuseFragment(ctx, found.fragment);
    // A user's sessions are their own: another's chunk never completes, or conflicts with, them.
    const id = (protocol: Protocol, key: string) => `${ctx.user?.id ?? ''}\n${protocol}\n${key}`;
    if ('terminate' in found) {
      const session = await settled(deps.sessions, id(found.terminate.protocol, found.terminate.key));
      if (session) await deps.sessions.drop(session);
      return 'continue';
    }
    if ('probe' in found) return answerProbe(ctx, await settled(deps.sessions, id(found.probe.protocol, found.probe.key)), found.probe);
    if ('create' in found) return createWithPart(deps, ctx, found.create, (key) => id('tus', key));
    if ('concat' in found) return concatenate(deps, ctx, await Promise.all(found.concat.map((key) => settled(deps.sessions, id('tus', key)))));
    return gather(deps, ctx, found.chunk, id(found.chunk.protocol, found.chunk.key));
  };
}

/** Sends the held chunks of the file this request completed on to the portal, now that it scanned clean. */
export function releaseHeldChunksStep(log: Logger): Step {
  return async (ctx) => {
    if (!ctx.releaseHeldChunks) return 'continue';
    try {
      await ctx.releaseHeldChunks();
      return 'continue';
    } catch (error) {
      log.warn('upload-session-release-failed', { requestId: ctx.requestId, message: (error as Error).message });
      return portalFailed(ctx, `the portal did not take the upload's earlier chunks: ${(error as Error).message}`);
    }
  };
}

/** The session once no check of it is running: a request waits for the verdict on its file. */
async function settled(sessions: UploadSessions, id: string): Promise<UploadSession | undefined> {
  let session = sessions.get(id);
  while (session?.checked) {
    await session.checked;
    session = sessions.get(id);
  }
  return session;
}

async function gather(deps: UploadSessionsDeps, ctx: RequestContext, chunk: Chunk, id: string): Promise<StepResult> {
  const { sessions } = deps;
  let session = await settled(sessions, id);
  if (chunk.data.byteLength === 0) return session ? answerHeld(ctx, session) : 'continue';
  if (session?.state === 'blocked') {
    if (session.repeats(chunk)) return refuseBlocked(ctx, session);
    await sessions.drop(session);
    session = undefined;
  }
  if (!session) {
    const facts = chunk.protocol === 'tus' ? await tusFacts(deps.portal, ctx).catch((error: Error) => error) : { total: chunk.total, partial: false, name: chunk.name };
    if (facts instanceof Error) return portalFailed(ctx, `the portal could not be asked about this tus upload: ${facts.message}`);
    if ('fragment' in facts) return refuseFragment(ctx, facts.fragment);
    // A whole file in one request is an upload like any other: the scan step reads it.
    if (!facts.partial && chunk.start === 0 && chunk.data.byteLength === facts.total) return 'continue';
    session = sessions.open(id, chunk.protocol, facts.name, facts.total);
    session.partial = facts.partial;
  }
  const request = { method: ctx.req.method ?? 'POST', url: ctx.req.url ?? '/', headers: { ...ctx.req.headers } };
  let added = await sessions.add(session, chunk, ctx.body!, request);
  if (typeof added === 'object' && chunk.start === 0 && chunk.protocol !== 'tus') {
    // A new first chunk is a new file under the same name (resumable.js names a file by its size and
    // name): the old one is given up. Any later chunk that differs is refused.
    await sessions.drop(session);
    session = sessions.open(id, chunk.protocol, chunk.name, chunk.total);
    added = await sessions.add(session, chunk, ctx.body!, request);
  }
  if (added === 'busy') return busy(ctx);
  if (added === 'too-large') return tooLarge(ctx, sessions.limits.maxFileBytes);
  if (typeof added === 'object') {
    return refuseWith(ctx, 409, { error: 'upload-chunk-conflict', message: added.conflict, nl: 'Een deel van dit bestand kwam twee keer met verschillende inhoud. De upload is gestopt.', en: 'Part of this file arrived twice with different content. The upload was stopped.' });
  }
  if (session.partial || !session.complete()) return answerHeld(ctx, session);
  return check(deps, ctx, [session], chunk.start);
}

/**
 * tus creation with upload, carrying only the file's first bytes: the portal creates the upload
 * without them, and they are held as the PATCH at offset 0 they would otherwise have been.
 */
async function createWithPart(deps: UploadSessionsDeps, ctx: RequestContext, chunk: Chunk, id: (key: string) => string): Promise<StepResult> {
  const headers = { ...ctx.req.headers };
  for (const name of ['content-type', 'content-encoding']) delete headers[name];
  const created = await askPortal(deps.portal, 'POST', ctx.req.url ?? '/', headers, Buffer.alloc(0)).catch((error: Error) => error);
  if (created instanceof Error) return portalFailed(ctx, `the portal could not create the tus upload: ${created.message}`);
  const location = created.headers.location;
  if (created.status !== 201 || !location) {
    ctx.res.writeHead(created.status, { 'tus-resumable': '1.0.0', 'cache-control': 'no-store' }).end();
    return 'handled';
  }
  const key = new URL(location, ctx.url).pathname;
  const session = deps.sessions.open(id(key), 'tus', chunk.name, chunk.total);
  session.partial = String(ctx.req.headers['upload-concat'] ?? '').startsWith('partial');
  const patch: IncomingHttpHeaders = { ...ctx.req.headers, 'upload-offset': '0' };
  for (const name of ['upload-length', 'upload-metadata', 'upload-concat', 'upload-defer-length']) delete patch[name];
  const added = await deps.sessions.add(session, chunk, ctx.body!, { method: 'PATCH', url: key, headers: patch });
  if (added !== 'held') {
    await deps.sessions.drop(session);
    return added === 'too-large' ? tooLarge(ctx, deps.sessions.limits.maxFileBytes) : busy(ctx);
  }
  ctx.res.writeHead(201, { location, 'tus-resumable': '1.0.0', 'upload-offset': String(session.heldEnd()), 'cache-control': 'no-store' }).end();
  return 'handled';
}

/** tus: the portal knows the upload's size (from its creation); a partial upload is one piece of a final one. */
async function tusFacts(portal: PortalDeps, ctx: RequestContext): Promise<{ total?: number; partial: boolean; name: string } | { fragment: string }> {
  const headers = { ...ctx.req.headers };
  for (const name of ['content-type', 'content-encoding', 'upload-offset', 'x-http-method-override']) delete headers[name];
  const answer = await askPortal(portal, 'HEAD', ctx.req.url ?? '/', headers);
  if (answer.status < 200 || answer.status > 299) return { fragment: `the portal does not know this tus upload (HEAD answered ${answer.status})` };
  if (Number(answer.headers['upload-offset'] ?? 0) !== 0) return { fragment: 'the portal already holds part of this tus upload, which the proxy has not seen' };
  const length = answer.headers['upload-length'];
  const total = length === undefined ? undefined : Number(length);
  if (total !== undefined && !Number.isSafeInteger(total)) return { fragment: `the portal gave this tus upload no valid Upload-Length ('${String(length)}')` };
  return { total, partial: String(answer.headers['upload-concat'] ?? '').startsWith('partial'), name: tusFileName(answer.headers['upload-metadata']) };
}

/** A tus final upload: its partial uploads, held whole, are the file. */
async function concatenate(deps: UploadSessionsDeps, ctx: RequestContext, partials: Array<UploadSession | undefined>): Promise<StepResult> {
  const blocked = partials.find((session) => session?.state === 'blocked');
  if (blocked) return refuseBlocked(ctx, blocked);
  if (partials.every((session) => session === undefined)) return 'continue';
  if (!partials.every((session) => session?.partial && session.complete())) return refuseFragment(ctx, 'a tus final upload whose partial uploads the proxy does not hold whole');
  return check(deps, ctx, partials as UploadSession[]);
}

/**
 * The request completing the file goes on to the scan step with the whole file (and the chunk
 * requests' other form fields) instead of its own bytes; its sessions wait for the verdict.
 */
async function check(deps: UploadSessionsDeps, ctx: RequestContext, sessions: UploadSession[], current?: number): Promise<StepResult> {
  let settle!: () => void;
  const checked = new Promise<void>((resolve) => (settle = resolve));
  for (const session of sessions) session.checked = checked;
  const bytes = await deps.sessions.assemble(sessions);
  const done = () => {
    for (const session of sessions) session.checked = undefined;
    settle();
  };
  if (!bytes) {
    done();
    return busy(ctx);
  }
  const [first] = sessions;
  const file: FoundFile = { name: first!.name || 'upload', location: `upload-session:${first!.protocol}`, bytes };
  const fields = sessions.flatMap((session) => session.fields());
  ctx.files = [file, ...(fields.length > 0 ? [{ name: file.name, location: 'upload-session:fields', bytes: Buffer.from(fields.join('\n'), 'utf8'), text: true }] : [])];
  let sent = false;
  ctx.releaseHeldChunks = async () => {
    sent = true;
    for (const session of sessions) {
      for await (const { request, body } of deps.sessions.requests(session, session === first ? current : undefined)) {
        const answer = await askPortal(deps.portal, request.method, request.url, request.headers, body);
        if (answer.status < 200 || answer.status > 299) throw new Error(`${request.method} ${request.url} answered ${answer.status}`);
      }
    }
  };
  ctx.res.once('close', () => {
    deps.sessions.release(bytes);
    const outcome = file.verdict?.verdict === 'block' ? sessions.map((session) => deps.sessions.block(session, file)) : sent ? sessions.map((session) => deps.sessions.drop(session)) : [];
    void Promise.all(outcome).finally(done);
  });
  return 'continue';
}

/** What the widget expects to hear for a chunk that was received. */
function answerHeld(ctx: RequestContext, session: UploadSession): 'handled' {
  const end = session.heldEnd();
  const headers = { 'cache-control': 'no-store' };
  if (session.protocol === 'tus' || session.protocol === 'upload-offset') {
    ctx.res.writeHead(204, { ...headers, 'upload-offset': String(end), ...(session.protocol === 'tus' ? { 'tus-resumable': '1.0.0' } : {}) });
    ctx.res.end();
  } else {
    // jQuery File Upload resumes from the Range header's last byte; the others read the status only.
    sendJson(ctx.res, 200, { received: end }, session.protocol === 'content-range' && end > 0 ? { ...headers, range: `bytes=0-${end - 1}` } : headers);
  }
  return 'handled';
}

function answerProbe(ctx: RequestContext, session: UploadSession | undefined, probe: Probe): StepResult {
  if (probe.chunk) {
    // resumable.js and flow.js skip a chunk the answer says is there: only the proxy knows.
    if (session?.state === 'collecting' && session.holds(probe.chunk.start, probe.chunk.length)) sendJson(ctx.res, 200, { received: true });
    else ctx.res.writeHead(204, { 'cache-control': 'no-store' }).end();
    return 'handled';
  }
  if (!session) return 'continue';
  if (session.state === 'blocked') return refuseBlocked(ctx, session);
  ctx.res.writeHead(200, {
    'cache-control': 'no-store',
    'upload-offset': String(session.heldEnd()),
    ...(session.total !== undefined ? { 'upload-length': String(session.total) } : {}),
    ...(session.protocol === 'tus' ? { 'tus-resumable': '1.0.0' } : {}),
  });
  ctx.res.end();
  return 'handled';
}

/** The portal failed a request the proxy made for an upload session: the widget may try again. */
function portalFailed(ctx: RequestContext, message: string): 'handled' {
  sendJson(ctx.res, 502, { error: 'bad-gateway', message, nl: 'Het portaal nam het bestand niet aan. Probeer het opnieuw.', en: 'The portal did not accept the file. Please try again.' });
  return 'handled';
}

function refuseBlocked(ctx: RequestContext, session: UploadSession): 'handled' {
  refuseUpload(ctx, [session.blocked!]);
  return 'handled';
}

function refuseFragment(ctx: RequestContext, why: string): 'handled' {
  return refuseWith(ctx, 400, {
    error: 'upload-fragment',
    message: `part of a file that belongs to no upload the proxy can follow: ${why}`,
    nl: 'Dit is een deel van een bestand dat niet als geheel kon worden gecontroleerd. Het is niet doorgestuurd.',
    en: 'This is part of a file that could not be checked as a whole. It was not forwarded.',
  });
}

function tooLarge(ctx: RequestContext, maxBytes: number): 'handled' {
  const mb = Math.floor(maxBytes / 1024 / 1024);
  return refuseWith(ctx, 413, { error: 'too-large', message: `file over the limit of ${maxBytes} bytes`, nl: `Dit bestand is groter dan de toegestane ${mb} MB.`, en: `This file is larger than the allowed ${mb} MB.` });
}

function busy(ctx: RequestContext): 'handled' {
  return refuseWith(
    ctx,
    503,
    { error: 'busy', message: 'too many uploads are being checked at once; try again shortly', nl: 'Er worden nu te veel bestanden tegelijk gecontroleerd. Probeer het zo opnieuw.', en: 'Too many files are being checked right now. Please try again shortly.' },
    { 'retry-after': '5' },
  );
}

function refuseWith(ctx: RequestContext, status: number, body: Refusal, headers: Record<string, string> = {}): 'handled' {
  refuse(ctx.req, ctx.res, status, body, { headers });
  return 'handled';
}
