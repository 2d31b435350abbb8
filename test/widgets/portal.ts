// A test portal for the upload widgets: a page per widget and mode (its browser bundle straight
// from node_modules, Uppy bundled by esbuild in memory at start), the server side each widget
// expects (test/widgets/receivers.ts) and a tus upstream (@tus/server with a file store in a temp
// dir). It tells the test what reached it: the files assembled whole with their SHA-256, and the
// bytes of file content received, chunks and tus data included.
import { createHash } from 'node:crypto';
import { createServer, type Server as HttpServer } from 'node:http';
import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { extname, join, resolve } from 'node:path';
import { build } from 'esbuild';
import { Server as TusServer } from '@tus/server';
import { FileStore } from '@tus/file-store';
import { Receivers, type StoredFile } from './receivers.js';
import { SMALL_CHUNK, WIDGETS, type Mode, type Widget } from './widgets.js';

const ROOT = resolve(import.meta.dirname, '../..');
const TYPES: Record<string, string> = { '.js': 'text/javascript', '.css': 'text/css' };

export interface WidgetPortal {
  url: string;
  /** Files that reached the portal whole (assembled, for chunked uploads) since the last reset. */
  stored(): StoredFile[];
  /** Bytes of file content that reached the portal since the last reset (tus data on disk included). */
  fileBytes(): Promise<number>;
  reset(): Promise<void>;
  close(): Promise<void>;
}

export function pagePath(widget: Widget, mode: Mode): string {
  return `/widget/${widget.name}/${mode}`;
}

async function bundleUppy(): Promise<string> {
  const result = await build({
    stdin: {
      contents: "import Uppy from '@uppy/core'; import Dashboard from '@uppy/dashboard'; import XHRUpload from '@uppy/xhr-upload'; import Tus from '@uppy/tus';\nwindow.UppyKit = { Uppy, Dashboard, XHRUpload, Tus };",
      resolveDir: ROOT,
    },
    bundle: true,
    format: 'iife',
    minify: true,
    write: false,
    logLevel: 'error',
  });
  return result.outputFiles[0]!.text;
}

function page(widget: Widget, mode: Mode): string {
  const chunk = mode === 'chunked' ? SMALL_CHUNK : null;
  return `<!doctype html>
<html lang="nl"><head><meta charset="utf-8"><title>${widget.name} (${mode})</title>
${widget.styles.map((style) => `<link rel="stylesheet" href="/lib/${style}">`).join('\n')}
</head><body>
<h1>Bericht aan de groep: bijlage toevoegen</h1>
${widget.html}
${widget.scripts.map((script) => `<script src="/lib/${script}"></script>`).join('\n')}
<script>
window.__eg = { outcomes: [] };
function done(outcome, detail) { window.__eg.outcomes.push({ outcome, detail: String(detail ?? '') }); }
const CHUNK = ${JSON.stringify(chunk)};
const MODE = ${JSON.stringify(mode)};
${widget.init}
</script>
</body></html>`;
}

/** Bytes of upload data in the tus store (its .json files are metadata). */
async function storedTusBytes(directory: string): Promise<number> {
  let total = 0;
  for (const entry of await readdir(directory)) {
    if (!entry.endsWith('.json')) total += (await stat(join(directory, entry))).size;
  }
  return total;
}

export async function startWidgetPortal(): Promise<WidgetPortal> {
  const tusDirectory = await mkdtemp(join(tmpdir(), 'export-guard-widgets-tus-'));
  const receivers = new Receivers();
  const uppy = await bundleUppy();
  const libraries = new Set(WIDGETS.flatMap((widget) => [...widget.scripts, ...widget.styles]));
  const tus = new TusServer({
    path: '/files',
    datastore: new FileStore({ directory: tusDirectory }),
    // Relative, so the client sends its PATCHes where it sent the POST: through the proxy.
    relativeLocation: true,
    async onUploadFinish(_req, upload) {
      const bytes = await readFile(join(tusDirectory, upload.id));
      receivers.store('tus', upload.metadata?.filename ?? upload.id, bytes);
      return {};
    },
  });

  const server: HttpServer = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://portal');
    void (async () => {
      if (url.pathname === '/files' || url.pathname.startsWith('/files/')) return tus.handle(req, res);
      if (await receivers.handle(req, res, url)) return;
      const [, kind, name, mode] = url.pathname.split('/');
      const widget = WIDGETS.find((w) => w.name === name);
      if (kind === 'widget' && widget && widget.modes.includes(mode as Mode)) {
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
        return res.end(page(widget, mode as Mode));
      }
      const library = url.pathname.slice('/lib/'.length);
      if (url.pathname.startsWith('/lib/') && libraries.has(library)) {
        const body = library === 'uppy.js' ? uppy : await readFile(join(ROOT, 'node_modules', library));
        res.writeHead(200, { 'content-type': TYPES[extname(library)] ?? 'application/octet-stream' });
        return res.end(body);
      }
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end('not found');
    })().catch((error: unknown) => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
      res.end(`portal error: ${String(error)}`);
    });
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    stored: () => [...receivers.reception.stored],
    fileBytes: async () => receivers.reception.fileBytes + (await storedTusBytes(tusDirectory)),
    async reset() {
      receivers.reset();
      for (const entry of await readdir(tusDirectory)) await rm(join(tusDirectory, entry), { force: true });
    },
    async close() {
      server.closeAllConnections();
      await new Promise((done) => server.close(done));
      await rm(tusDirectory, { recursive: true, force: true });
    },
  };
}

export function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}
