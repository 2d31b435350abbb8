// The demo portal: a stand-in for the agency's group-message workflow (BACKGROUND.md). A caseworker
// logs in, selects job seekers, writes a message, attaches files and sends it into their inboxes.
// Plain node:http and static pages, so that what the proxy and the extension see is what a
// portal without any framework magic sends.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AddressInfo } from 'node:net';
import { exportCsv, makeJobSeekers, type JobSeeker } from './job-seekers.js';
import { InvalidSend, Mailbox } from './mailbox.js';

export const CASEWORKERS = ['Anna de Vries', 'Bram Jansen', 'Chantal Bakker', 'Daan Visser', 'Esra Yilmaz'];

const MAX_UPLOAD_BYTES = 50 * 1024 * 1024;
const SESSION_COOKIE = 'portal_session';

// tsc does not copy the pages into build/, so the compiled server reads them from the source tree.
const PUBLIC_DIR = fileURLToPath(
  new URL(import.meta.url.includes('/build/demo-portal/') ? '../../demo-portal/public/' : './public/', import.meta.url),
);

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
};

export interface PortalOptions {
  host?: string;
  port?: number;
  jobSeekers?: number;
  /** Serve HTTPS with this key and certificate (PEM), as the real portal does on the internet. */
  tls?: { key: string | Buffer; cert: string | Buffer };
}

export interface Portal {
  url: string;
  mailbox: Mailbox;
  jobSeekers: readonly JobSeeker[];
  close(): Promise<void>;
}

class HttpError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

export async function startPortal(options: PortalOptions = {}): Promise<Portal> {
  const jobSeekers = makeJobSeekers(options.jobSeekers);
  const byId = new Map(jobSeekers.map((person) => [person.id, person]));
  const mailbox = new Mailbox((id) => byId.has(id));
  const sessions = new Map<string, string>();

  const onRequest = (req: IncomingMessage, res: ServerResponse) => {
    handle(req, res).catch((error: unknown) => {
      const status = error instanceof HttpError ? error.status : 500;
      const message = error instanceof Error ? error.message : String(error);
      if (!res.headersSent) json(res, status, { error: status === 500 ? 'internal-error' : 'bad-request', message });
      else res.destroy();
    });
  };
  const server = options.tls ? createHttpsServer({ key: options.tls.key, cert: options.tls.cert }, onRequest) : createServer(onRequest);

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://portal.invalid');
    const route = `${req.method} ${url.pathname}`;
    const user = sessions.get(cookie(req, SESSION_COOKIE) ?? '');

    if (route === 'GET /') return redirect(res, user ? '/compose' : '/login');
    if (route === 'GET /login') return page(res, 'login.html');
    if (route === 'POST /login') {
      const name = new URLSearchParams((await readBody(req)).toString('utf8')).get('name') ?? '';
      if (!CASEWORKERS.includes(name)) throw new HttpError(400, `unknown caseworker '${name}'`);
      const session = randomUUID();
      sessions.set(session, name);
      res.setHeader('set-cookie', `${SESSION_COOKIE}=${session}; Path=/; HttpOnly; SameSite=Lax`);
      return redirect(res, '/compose');
    }
    if (route === 'POST /logout') {
      sessions.delete(cookie(req, SESSION_COOKIE) ?? '');
      res.setHeader('set-cookie', `${SESSION_COOKIE}=; Path=/; Max-Age=0`);
      return redirect(res, '/login');
    }
    if (route === 'GET /compose') return user ? page(res, 'compose.html') : redirect(res, '/login');
    if (req.method === 'GET' && url.pathname.startsWith('/inbox/')) return page(res, 'inbox.html');
    if (req.method === 'GET' && url.pathname.startsWith('/static/')) return page(res, url.pathname.slice('/static/'.length));

    if (route === 'GET /api/caseworkers') return json(res, 200, CASEWORKERS);
    if (req.method === 'GET' && url.pathname.startsWith('/api/inbox/')) {
      const person = byId.get(decodeURIComponent(url.pathname.slice('/api/inbox/'.length)));
      if (!person) throw new HttpError(404, 'no such job seeker');
      return json(res, 200, { jobSeeker: { id: person.id, name: displayName(person) }, messages: inboxView(person.id) });
    }
    if (req.method === 'GET' && url.pathname.startsWith('/api/attachments/')) {
      const attachment = mailbox.attachment(decodeURIComponent(url.pathname.slice('/api/attachments/'.length)));
      if (!attachment) throw new HttpError(404, 'no such attachment');
      res.writeHead(200, {
        'content-type': attachment.type || 'application/octet-stream',
        'content-length': attachment.bytes.byteLength,
        'content-disposition': `attachment; filename*=UTF-8''${encodeURIComponent(attachment.name)}`,
      });
      res.end(attachment.bytes);
      return;
    }

    if (!user) throw new HttpError(401, 'log in first');
    if (route === 'GET /api/me') return json(res, 200, { name: user });
    if (route === 'GET /api/jobseekers') {
      return json(res, 200, jobSeekers.map((p) => ({ id: p.id, name: displayName(p), place: p.place, sector: p.sector })));
    }
    if (route === 'GET /api/export.csv') {
      const place = url.searchParams.get('place');
      const sector = url.searchParams.get('sector');
      const selected = jobSeekers.filter((p) => (!place || p.place === place) && (!sector || p.sector === sector));
      res.writeHead(200, {
        'content-type': 'text/csv; charset=utf-8',
        'content-disposition': `attachment; filename="export-${place ?? 'alle'}.csv"`,
      });
      res.end(exportCsv(selected));
      return;
    }
    if (route === 'POST /api/attachments') {
      const file = await uploadedFile(req);
      const attachment = mailbox.addAttachment(file.name, file.type, Buffer.from(await file.arrayBuffer()), user);
      return json(res, 200, { id: attachment.id, name: attachment.name, size: attachment.bytes.byteLength });
    }
    if (route === 'POST /api/messages') {
      if (!String(req.headers['content-type']).startsWith('application/json')) throw new HttpError(415, 'send JSON');
      let request: unknown;
      try {
        request = JSON.parse((await readBody(req)).toString('utf8'));
      } catch {
        throw new HttpError(400, 'body is not valid JSON');
      }
      try {
        const message = mailbox.send(user, request);
        return json(res, 200, { id: message.id, recipients: message.recipientIds.length });
      } catch (error) {
        if (error instanceof InvalidSend) throw new HttpError(400, error.message);
        throw error;
      }
    }
    throw new HttpError(404, `no route for ${route}`);
  }

  function inboxView(jobSeekerId: string) {
    return mailbox.inbox(jobSeekerId).map((message) => ({
      id: message.id,
      from: message.from,
      subject: message.subject,
      body: message.body,
      sentAt: message.sentAt,
      attachments: message.attachmentIds.map((id) => {
        const attachment = mailbox.attachment(id);
        return { id, name: attachment?.name ?? '', size: attachment?.bytes.byteLength ?? 0, url: `/api/attachments/${id}` };
      }),
    }));
  }

  server.listen(options.port ?? 0, options.host ?? '127.0.0.1');
  await new Promise<void>((resolve, reject) => server.once('listening', resolve).once('error', reject));
  const { address, port } = server.address() as AddressInfo;
  const host = address.includes(':') ? `[${address}]` : address;
  return {
    url: `${options.tls ? 'https' : 'http'}://${host}:${port}`,
    mailbox,
    jobSeekers,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function displayName(person: JobSeeker): string {
  return `${person.initials} ${person.surname}`;
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.byteLength;
    if (size > MAX_UPLOAD_BYTES) throw new HttpError(413, `body over ${MAX_UPLOAD_BYTES} bytes`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

/** Multipart is parsed by the platform's own FormData parser, independent of the proxy's parser. */
async function uploadedFile(req: IncomingMessage): Promise<File> {
  const contentType = req.headers['content-type'] ?? '';
  if (!contentType.startsWith('multipart/form-data')) throw new HttpError(415, 'upload as multipart/form-data');
  const body = await readBody(req);
  let form: FormData;
  try {
    form = await new Request('http://portal.invalid/', { method: 'POST', headers: { 'content-type': contentType }, body: new Uint8Array(body) }).formData();
  } catch (error) {
    throw new HttpError(400, `malformed multipart body: ${(error as Error).message}`);
  }
  const file = form.get('file');
  if (!(file instanceof File)) throw new HttpError(400, "no file in field 'file'");
  return file;
}

function cookie(req: IncomingMessage, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [key, ...value] = part.trim().split('=');
    if (key === name) return value.join('=');
  }
  return undefined;
}

function json(res: ServerResponse, status: number, value: unknown): void {
  const body = JSON.stringify(value);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

function redirect(res: ServerResponse, location: string): void {
  res.writeHead(303, { location });
  res.end();
}

async function page(res: ServerResponse, file: string): Promise<void> {
  if (!/^[a-z-]+\.(html|css|js)$/.test(file)) throw new HttpError(404, 'no such page');
  const body = await readFile(join(PUBLIC_DIR, file)).catch(() => {
    throw new HttpError(404, 'no such page');
  });
  res.writeHead(200, { 'content-type': CONTENT_TYPES[extname(file)] ?? 'application/octet-stream', 'content-length': body.byteLength });
  res.end(body);
}
