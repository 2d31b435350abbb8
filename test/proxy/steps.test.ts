// Each step of the proxy's pipeline alone, on a stub context around a real request and response
// (the answer is written to a buffer instead of a socket), and the order buildSteps puts them in.
import { describe, expect, it } from 'vitest';
import { Agent, createServer, IncomingMessage, request, ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { Socket, type AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import HttpProxy from 'http-proxy';
import { buildSteps, type RequestContext } from '../../proxy/pipeline.js';
import { normaliseTargetStep } from '../../proxy/steps/normalise-target.js';
import { identifyStep } from '../../proxy/steps/identify.js';
import { readBodyStep } from '../../proxy/steps/read-body.js';
import { BodyBudget } from '../../proxy/body/budget.js';
import { findFilesStep } from '../../proxy/steps/find-files.js';
import { scanFilesStep } from '../../proxy/steps/scan-files.js';
import { requireApprovalStep } from '../../proxy/steps/require-approval.js';
import { forwardStep } from '../../proxy/steps/forward.js';
import { releaseHeldChunksStep, uploadSessionsStep } from '../../proxy/steps/upload-sessions.js';
import { UploadSessions } from '../../proxy/uploads/sessions.js';
import { UserDirectory } from '../../proxy/identity/directory.js';
import { Approvals } from '../../proxy/approval/approvals.js';
import { BulkSends } from '../../proxy/approval/bulk-sends.js';
import { SqliteStore } from '../../proxy/store/sqlite.js';
import { ProxyEvents } from '../../proxy/events.js';
import { Registry } from '../../proxy/ops/metrics.js';
import { createLogger } from '../../proxy/log.js';
import { DEFAULT_APPROVAL_RULE } from '../../shared/approval/rule.js';
import { detect } from '../../shared/detector/index.js';
import { leak4Export } from '../../scripts/fixtures/catalogue.js';
import { startUpstream } from './upstream.js';

interface Stub {
  ctx: RequestContext;
  /** What the step answered, once it has: status line and body. */
  answer(): { status: number; body: string };
}

function stubContext({ method = 'POST', url = '/api/attachments', headers = {}, body }: { method?: string; url?: string; headers?: Record<string, string>; body?: Buffer }): Stub {
  const req = new IncomingMessage(new Socket());
  req.method = method;
  req.url = url;
  req.headers = { ...headers, ...(body ? { 'content-length': String(body.byteLength) } : {}) };
  if (body) req.push(body);
  req.push(null);
  const res = new ServerResponse(req);
  const written: Buffer[] = [];
  res.assignSocket(new Writable({ write: (chunk: Buffer, _encoding, done) => void (written.push(Buffer.from(chunk)), done()) }) as unknown as Socket);
  const ctx: RequestContext = { req, res, url: new URL(`http://proxy.invalid${url.startsWith('/') ? url : '/'}`), files: [], requestId: 'test' };
  return {
    ctx,
    answer: () => {
      const text = Buffer.concat(written).toString('latin1');
      return { status: Number(/^HTTP\/1\.1 (\d+)/.exec(text)?.[1] ?? 0), body: text.slice(text.indexOf('\r\n\r\n') + 4) };
    },
  };
}

const silent = createLogger('error', () => {});

describe('normalise target', () => {
  it('judges and forwards the path http-proxy sends for an absolute-form target', async () => {
    const { ctx } = stubContext({ url: 'http://portal.example/api/messages?draft=0' });
    expect(await normaliseTargetStep()(ctx)).toBe('continue');
    expect(ctx.req.url).toBe('/api/messages?draft=0');
    expect(ctx.url.pathname).toBe('/api/messages');
  });

  it('keeps a doubled slash a path, and turns backslashes into the slashes http-proxy sends', async () => {
    const { ctx } = stubContext({ url: '//api\\messages' });
    await normaliseTargetStep()(ctx);
    expect(ctx.req.url).toBe('//api/messages');
    expect(ctx.url.pathname).toBe('//api/messages');
  });

  it('refuses a target without a path', async () => {
    const stub = stubContext({ url: '*' });
    expect(await normaliseTargetStep()(stub.ctx)).toBe('handled');
    expect(stub.answer().status).toBe(400);
  });
});

describe('identify', () => {
  it('removes the proxy token, and an SSO header that did not come from the gateway', async () => {
    const directory = new UserDirectory({ ssoHeader: 'x-remote-user', ssoTrustedSources: ['10.1.2.3'] });
    const { ctx } = stubContext({ headers: { 'x-export-guard-token': 'secret', 'x-remote-user': 'carla' } });
    expect(await identifyStep(directory)(ctx)).toBe('continue');
    expect(ctx.user).toBeUndefined();
    expect(ctx.req.headers['x-export-guard-token']).toBeUndefined();
    expect(ctx.req.headers['x-remote-user']).toBeUndefined();
  });
});

describe('read body', () => {
  it('holds the body for the steps after it', async () => {
    const { ctx } = stubContext({ body: Buffer.from('hallo') });
    expect(await readBodyStep(1000, new BodyBudget(10_000))(ctx)).toBe('continue');
    expect(ctx.body?.toString()).toBe('hallo');
  });

  it('refuses a body over the limit with 413', async () => {
    const stub = stubContext({ body: Buffer.alloc(2000) });
    expect(await readBodyStep(1000, new BodyBudget(10_000))(stub.ctx)).toBe('handled');
    expect(stub.answer().status).toBe(413);
  });
});

describe('find files', () => {
  it('finds every part of a compressed multipart body, and keeps the decoded content', async () => {
    const multipart = Buffer.from('--B\r\nContent-Disposition: form-data; name="file"; filename="a.csv"\r\n\r\nx;y\r\n--B\r\nContent-Disposition: form-data; name="s"\r\n\r\n{"rows":[[1,2]]}\r\n--B--\r\n');
    const { ctx } = stubContext({ headers: { 'content-type': 'multipart/form-data; boundary=B', 'content-encoding': 'gzip' } });
    ctx.body = gzipSync(multipart);
    expect(await findFilesStep(1_000_000)(ctx)).toBe('continue');
    expect(ctx.content?.equals(multipart)).toBe(true);
    expect(ctx.files.map((f) => [f.location, f.bytes.toString()])).toEqual([
      ['multipart:file', 'x;y'],
      ['multipart:s', '{"rows":[[1,2]]}'],
    ]);
  });

  it('refuses a body the portal could read otherwise with 400 and the reason', async () => {
    const stub = stubContext({ headers: { 'content-type': 'multipart/form-data; xboundary=F; boundary=B' } });
    stub.ctx.body = Buffer.from('--B--\r\n');
    expect(await findFilesStep(1_000_000)(stub.ctx)).toBe('handled');
    expect(stub.answer()).toMatchObject({ status: 400, body: expect.stringContaining('boundary') });
  });
});

describe('scan files', () => {
  const deps = () => {
    const metrics = new Registry();
    return { scan: (bytes: Uint8Array) => detect(bytes), events: new ProxyEvents(), log: silent, metrics: { scanSeconds: metrics.histogram('s', 's', [1]), blocks: metrics.counter('b', 'b') } };
  };

  it('refuses the request with 422 when one file is an export', async () => {
    const stub = stubContext({});
    stub.ctx.files = [{ name: 'a.txt', location: 'body', bytes: Buffer.from('hallo') }, { name: 'export.csv', location: 'multipart:file', bytes: leak4Export(300, 'csv') }];
    expect(await scanFilesStep(deps())(stub.ctx)).toBe('handled');
    expect(stub.answer().status).toBe(422);
  });

  it('lets clean files continue', async () => {
    const { ctx } = stubContext({});
    ctx.files = [{ name: 'a.txt', location: 'body', bytes: Buffer.from('hallo') }];
    expect(await scanFilesStep(deps())(ctx)).toBe('continue');
  });
});

const bulkSends = (store: SqliteStore) => new BulkSends({ store, threshold: DEFAULT_APPROVAL_RULE.threshold, attachmentSha256: async () => undefined });

describe('upload sessions', () => {
  const chunk = (range: string, body: Buffer) => {
    const stub = stubContext({ method: 'PUT', url: '/api/attachments', headers: { 'content-range': range } });
    stub.ctx.body = stub.ctx.content = body;
    return stub;
  };

  it('holds a chunk (answering as the protocol expects) and hands the completed file, not the chunk, to the scan', async () => {
    const upstream = await startUpstream();
    const sessions = new UploadSessions({ maxFileBytes: 1000, maxBytes: 1000, memoryBytes: 1000, idleMs: 60_000, dir: tmpdir() }, new BodyBudget(10_000));
    const step = uploadSessionsStep({ sessions, portal: { target: new URL(upstream.url), agent: new Agent(), changeOrigin: false } });
    try {
      const first = chunk('bytes 0-4/10', Buffer.from('hallo'));
      expect(await step(first.ctx)).toBe('handled');
      expect(first.answer().status).toBe(200);
      const last = chunk('bytes 5-9/10', Buffer.from('daar!'));
      expect(await step(last.ctx)).toBe('continue');
      expect(last.ctx.files.map((file) => [file.location, Buffer.from(file.bytes).toString()])).toEqual([['upload-session:content-range', 'hallodaar!']]);
      expect(upstream.received).toHaveLength(0);
      expect(await releaseHeldChunksStep(silent)(last.ctx)).toBe('continue');
      expect(upstream.received.map((r) => [r.headers['content-range'], r.body.toString()])).toEqual([['bytes 0-4/10', 'hallo']]);
    } finally {
      await sessions.close();
      await upstream.close();
    }
  });

  it('refuses a piece of a file that names no upload it can follow (400)', async () => {
    const sessions = new UploadSessions({ maxFileBytes: 1000, maxBytes: 1000, memoryBytes: 1000, idleMs: 60_000, dir: tmpdir() }, new BodyBudget(10_000));
    const stub = chunk('bytes 0-99/200', Buffer.from('hallo'));
    expect(await uploadSessionsStep({ sessions, portal: { target: new URL('http://127.0.0.1:1'), agent: new Agent(), changeOrigin: false } })(stub.ctx)).toBe('handled');
    expect(stub.answer()).toMatchObject({ status: 400, body: expect.stringContaining('upload-fragment') });
    await sessions.close();
  });
});

describe('require approval', () => {
  it('matches a send whose method is overridden, and refuses it without approval (428)', async () => {
    const store = new SqliteStore(':memory:');
    const approvals = new Approvals({ store, rule: DEFAULT_APPROVAL_RULE, checkAttachment: async () => { throw new Error('not reached'); }, approversOf: () => [] });
    const step = requireApprovalStep({ approvals, rule: DEFAULT_APPROVAL_RULE, store, bulkSends: bulkSends(store), approversOf: () => [] });
    const send = Buffer.from(JSON.stringify({ recipientIds: ['a', 'b', 'c'], attachmentIds: ['up-1'] }));
    const overridden = stubContext({ method: 'PUT', url: '/api/messages', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    overridden.ctx.body = overridden.ctx.content = send;
    overridden.ctx.req.headers['x-http-method-override'] = 'post';
    expect(await step(overridden.ctx)).toBe('handled');
    expect(overridden.answer().status).toBe(428);
    const plain = stubContext({ method: 'PUT', url: '/api/messages' });
    plain.ctx.body = plain.ctx.content = send;
    expect(await step(plain.ctx)).toBe('continue');
    await store.close();
  });

  it('refuses a single-recipient send that takes the same attachment to the threshold (428), with who can approve', async () => {
    const store = new SqliteStore(':memory:');
    const approvals = new Approvals({ store, rule: DEFAULT_APPROVAL_RULE, checkAttachment: async () => { throw new Error('not reached'); }, approversOf: () => [] });
    const carla = { id: 'carla', name: 'Carla Bakker', team: 'A', roles: ['approver' as const] };
    const step = requireApprovalStep({ approvals, rule: DEFAULT_APPROVAL_RULE, store, bulkSends: bulkSends(store), approversOf: () => [carla] });
    const sendTo = async (recipient: string) => {
      const stub = stubContext({ method: 'POST', url: '/api/messages' });
      stub.ctx.user = { id: 'anna', name: 'Anna', team: 'A', roles: ['caseworker'] };
      stub.ctx.body = stub.ctx.content = Buffer.from(JSON.stringify({ recipientIds: [recipient], attachmentIds: ['up-1'] }));
      return { result: await step(stub.ctx), answer: stub.answer };
    };
    expect((await sendTo('a')).result).toBe('continue');
    const second = await sendTo('b');
    expect(second.result).toBe('handled');
    expect(second.answer()).toMatchObject({ status: 428 });
    expect(JSON.parse(second.answer().body)).toMatchObject({ approvers: ['Carla Bakker'], nl: expect.stringContaining('Carla Bakker') });
    await store.close();
  });
});

describe('forward', () => {
  it('replays the body it read to the upstream, exactly', async () => {
    const upstream = await startUpstream();
    const proxy = HttpProxy.createProxyServer({});
    try {
      const stub = stubContext({ url: '/api/attachments', body: Buffer.from('x') });
      stub.ctx.body = Buffer.from([0, 1, 2, 3, 255]);
      stub.ctx.req.headers['content-length'] = '5';
      const answered = new Promise<void>((resolve) => stub.ctx.res.on('finish', resolve));
      expect(await forwardStep({ proxy, target: new URL(upstream.url), log: silent, onUpstreamResponse: () => {} })(stub.ctx)).toBe('handled');
      await answered;
      expect(stub.answer().status).toBe(200);
      expect(upstream.received.at(-1)!.body).toEqual(Buffer.from([0, 1, 2, 3, 255]));
    } finally {
      proxy.close();
      await upstream.close();
    }
  });
  it('sends a GET once more when the upstream dropped its reused keep-alive connection unanswered, never a POST', async () => {
    // Answers the first request on each connection; a later one ends the connection unanswered, as
    // an upstream does when it closes an idle keep-alive connection just as the next request comes.
    const seen: string[] = [];
    const served = new WeakSet<Socket>();
    const upstream = createServer((req, res) => {
      seen.push(req.method ?? '');
      if (served.has(req.socket)) return void req.socket.destroy();
      served.add(req.socket);
      req.resume().on('end', () => res.end('ok'));
    });
    await new Promise<void>((done) => upstream.listen(0, '127.0.0.1', done));
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const proxy = HttpProxy.createProxyServer({ agent });
    const step = forwardStep({ proxy, target: new URL(`http://127.0.0.1:${(upstream.address() as AddressInfo).port}`), log: silent, onUpstreamResponse: () => {} });
    // The step behind a real server: a stub request that has no body never ends its pipe.
    const front = createServer(async (req, res) => {
      const chunks: Buffer[] = [];
      for await (const chunk of req as AsyncIterable<Buffer>) chunks.push(chunk);
      const body = Buffer.concat(chunks);
      await step({ req, res, url: new URL(req.url ?? '/', 'http://proxy.invalid'), files: [], requestId: 'test', ...(body.length ? { body } : {}) });
    });
    await new Promise<void>((done) => front.listen(0, '127.0.0.1', done));
    // A browser keeps its connection open, and http-proxy passes its Connection header on.
    const browser = new Agent({ keepAlive: true });
    const send = (method: string, body?: Buffer) => new Promise<number>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port: (front.address() as AddressInfo).port, method, path: '/api/caseworkers', agent: browser }, (res) => {
        res.resume().on('end', () => resolve(res.statusCode ?? 0));
      });
      req.on('error', reject).end(body);
    });
    try {
      expect(await send('GET')).toBe(200);
      expect(await send('GET')).toBe(200);
      expect(seen).toEqual(['GET', 'GET', 'GET']);
      expect(await send('POST', Buffer.from('{}'))).toBe(502);
      expect(seen).toEqual(['GET', 'GET', 'GET', 'POST']);
    } finally {
      proxy.close();
      agent.destroy();
      browser.destroy();
      await new Promise((done) => upstream.close(done));
      await new Promise((done) => front.close(done));
    }
  });
});

describe('the pipeline', () => {
  it('runs its steps in this order', () => {
    const noop = async () => 'continue' as const;
    const steps = buildSteps({
      identify: noop,
      requireApproval: noop,
      maxBodyBytes: 1,
      bodies: new BodyBudget(1),
      scan: { scan: detect, events: new ProxyEvents(), log: silent, metrics: { scanSeconds: new Registry().histogram('s', 's', [1]), blocks: new Registry().counter('b', 'b') } },
      uploadSessions: { sessions: new UploadSessions({ maxFileBytes: 1, maxBytes: 1, memoryBytes: 1, idleMs: 1000, dir: tmpdir() }, new BodyBudget(1)), portal: { target: new URL('http://127.0.0.1:1'), agent: new Agent(), changeOrigin: false } },
      forward: { proxy: HttpProxy.createProxyServer({}), target: new URL('http://127.0.0.1:1'), log: silent, onUpstreamResponse: () => {} },
    });
    expect(steps.map((s) => s.name)).toEqual(['normalise target', 'identify', 'read body', 'find files', 'upload sessions', 'scan files', 'require approval', 'release held chunks', 'forward']);
  });
});
