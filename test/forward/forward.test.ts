// `export-guard proxy --mode forward` over real sockets: clients that speak to it as a browser
// does (CONNECT, TLS trusting only the office CA, absolute-form http://), the demo portal over
// HTTPS behind it, the real pipeline, scan workers and four-eyes store.
import { randomBytes, X509Certificate } from 'node:crypto';
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import { connect, createServer as createNetServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { connect as tlsConnect, createServer as createTlsServer, type PeerCertificate } from 'node:tls';
import { runInNewContext } from 'node:vm';
import { request as httpRequest } from 'node:http';
import { fetch, FormData, ProxyAgent } from 'undici';
import { WebSocket, WebSocketServer, type RawData } from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXTENSION_ORIGIN } from '../../extension/extension-id.js';
import { HEADERS, ROUTES } from '../../shared/api.js';
import { fixtureBytes } from '../helpers/fixtures.js';
import { CASEWORKER } from '../helpers/four-eyes-stack.js';
import { createTestCa, type TestCa } from '../helpers/squid.js';
import { patternBytes, sha256, startUpstream, type Upstream } from '../proxy/upstream.js';
import { startForwardStack, type ForwardStack } from './stack.js';

let stack: ForwardStack;
let proxyPort: number;
let agent: ProxyAgent;
/** Unprotected hosts: a TCP echo server and an HTTPS server with the internet CA's certificate. */
let echo: Server;
let elsewhere: HttpsServer;
let elsewhereCert: { pem: string; key: string };
/** Plain-HTTP upstreams: plain.test is protected, other.test is not. */
let plain: Upstream;
let other: Upstream;
/** A protected host whose certificate no CA the proxy trusts signed. */
let rogueCa: TestCa;
let rogue: HttpsServer;
let rogueHits = 0;
/** A protected HTTPS host with a WebSocket echo, and what it received. */
let wsHost: HttpsServer;
const wsReceived: string[] = [];
let cookie: string;

const port = (server: { address(): unknown }) => (server.address() as AddressInfo).port;

beforeAll(async () => {
  stack = await startForwardStack({ protectedHosts: ['plain.test', 'rogue.test', 'ws.test'] });
  proxyPort = Number(new URL(stack.proxy.url).port);
  agent = new ProxyAgent({ uri: stack.proxy.url, requestTls: { ca: stack.office.certPem } });
  echo = createNetServer((socket) => socket.pipe(socket));
  await new Promise<void>((resolve) => echo.listen(0, '127.0.0.1', resolve));
  elsewhereCert = await stack.internet.issue('elsewhere.test').then(({ key, cert }) => ({ key, pem: cert }));
  elsewhere = createHttpsServer({ key: elsewhereCert.key, cert: elsewhereCert.pem }, (_req, res) => res.end('elsewhere'));
  await new Promise<void>((resolve) => elsewhere.listen(0, '127.0.0.1', resolve));
  plain = await startUpstream();
  other = await startUpstream();
  rogueCa = await createTestCa();
  rogue = createHttpsServer(await rogueCa.issue('rogue.test'), (_req, res) => {
    rogueHits += 1;
    res.end('rogue');
  });
  await new Promise<void>((resolve) => rogue.listen(0, '127.0.0.1', resolve));
  wsHost = createHttpsServer(await stack.internet.issue('ws.test'));
  new WebSocketServer({ server: wsHost }).on('connection', (socket) => socket.on('message', (data: RawData) => {
    wsReceived.push(data.toString());
    socket.send(data);
  }));
  await new Promise<void>((resolve) => wsHost.listen(0, '127.0.0.1', resolve));
  cookie = await logIn();
}, 90_000);

afterAll(async () => {
  await agent?.close();
  await stack?.close();
  for (const server of [echo, elsewhere, rogue, wsHost]) await new Promise((resolve) => server?.close(resolve) ?? resolve(undefined));
  await plain?.close();
  await other?.close();
  await rogueCa?.close();
});

/** Opens a CONNECT tunnel through the proxy; resolves with its status and the socket after the proxy's answer. */
function tunnel(authority: string): Promise<{ status: number; socket: Socket }> {
  return new Promise((resolve, reject) => {
    const socket = connect(proxyPort, '127.0.0.1');
    let head = Buffer.alloc(0);
    const onData = (data: Buffer) => {
      head = Buffer.concat([head, data]);
      const end = head.indexOf('\r\n\r\n');
      if (end < 0) return;
      socket.off('data', onData);
      socket.pause();
      if (end + 4 < head.length) socket.unshift(head.subarray(end + 4));
      resolve({ status: Number(/^HTTP\/1\.1 (\d{3})/.exec(head.toString('latin1'))?.[1]), socket });
    };
    socket.on('data', onData);
    socket.once('error', reject);
    socket.write(`CONNECT ${authority} HTTP/1.1\r\nHost: ${authority}\r\n\r\n`);
  });
}

/** The certificate a TLS client sees for `host` through a tunnel, trusting only `ca`. */
async function certificateThrough(host: string, hostPort: number, ca: string): Promise<PeerCertificate> {
  const { status, socket } = await tunnel(`${host}:${hostPort}`);
  expect(status).toBe(200);
  const tls = tlsConnect({ socket, servername: host, ca });
  await new Promise<void>((resolve, reject) => tls.once('secureConnect', resolve).once('error', reject));
  const cert = tls.getPeerCertificate();
  tls.destroy();
  return cert;
}

async function logIn(): Promise<string> {
  const response = await fetch(`${stack.site}/login`, { method: 'POST', dispatcher: agent, body: new URLSearchParams({ name: CASEWORKER.name }), redirect: 'manual' });
  const value = response.headers.get('set-cookie')?.split(';')[0];
  if (response.status !== 303 || !value) throw new Error(`login through the forward proxy: ${response.status}`);
  return value;
}

async function upload(name: string, bytes: Uint8Array): Promise<{ status: number; json: Record<string, any> }> {
  const form = new FormData();
  form.append('file', new Blob([new Uint8Array(bytes)]), name);
  const response = await fetch(`${stack.site}/api/attachments`, { method: 'POST', dispatcher: agent, headers: { cookie, [HEADERS.token]: stack.tokens.caseworker }, body: form });
  return { status: response.status, json: (await response.json()) as Record<string, any> };
}

const metric = (pattern: RegExp) => Number(pattern.exec(stack.proxy.metrics.render())?.[1] ?? 0);

describe('forward proxy: what it serves itself', () => {
  it('serves a PAC file that sends the protected hosts to the proxy and everything else DIRECT', async () => {
    const response = await fetch(`${stack.proxy.url}/proxy.pac`);
    expect(response.headers.get('content-type')).toBe('application/x-ns-proxy-autoconfig');
    const pac = await response.text();
    const find = (url: string, host: string) => runInNewContext(`${pac}\nFindProxyForURL(${JSON.stringify(url)}, ${JSON.stringify(host)})`, {}) as string;
    const proxy = `PROXY 127.0.0.1:${proxyPort}`;
    expect(find('https://portal.test/compose', 'portal.test')).toBe(proxy);
    expect(find('https://PORTAL.test./', 'PORTAL.test.')).toBe(proxy);
    expect(find('http://plain.test/', 'plain.test')).toBe(proxy);
    expect(find('https://www.portal.test/', 'www.portal.test')).toBe('DIRECT');
    expect(find('https://example.org/', 'example.org')).toBe('DIRECT');
  });

  it('answers /healthz and /metrics on its own port, and names itself for any other path there', async () => {
    expect((await fetch(`${stack.proxy.url}/healthz`)).status).toBe(200);
    expect(await (await fetch(`${stack.proxy.url}/metrics`)).text()).toContain('export_guard_forward_connects_total');
    const other = await fetch(`${stack.proxy.url}/compose`);
    expect(other.status).toBe(404);
    expect(await other.json()).toMatchObject({ error: 'forward-proxy' });
  });
});

describe('forward proxy: hosts it does not protect', () => {
  it('tunnels any other host byte for byte (4 MB of random bytes echoed back unchanged)', async () => {
    const { status, socket } = await tunnel(`elsewhere.test:${port(echo)}`);
    expect(status).toBe(200);
    const sent = randomBytes(4 * 1024 * 1024);
    const back: Buffer[] = [];
    let length = 0;
    const done = new Promise<void>((resolve) => socket.on('data', (data: Buffer) => {
      back.push(data);
      length += data.length;
      if (length >= sent.length) resolve();
    }));
    socket.resume();
    socket.write(sent);
    await done;
    socket.destroy();
    expect(Buffer.concat(back).equals(sent)).toBe(true);
  });

  it('never decrypts another host: its client sees that host\'s own certificate', async () => {
    const seen = await certificateThrough('elsewhere.test', port(elsewhere), stack.internet.certPem);
    expect(seen.fingerprint256).toBe(new X509Certificate(elsewhereCert.pem).fingerprint256);
    expect(metric(/^export_guard_forward_connects_total\{outcome="tunnelled"\} (\d+)$/m)).toBeGreaterThanOrEqual(2);
  });

  it('answers a CONNECT without host and port with 400, and one to a host that does not answer with 502', async () => {
    expect((await tunnel('elsewhere.test')).status).toBe(400);
    expect((await tunnel('user@elsewhere.test:443')).status).toBe(400);
    const closed = createNetServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const gone = port(closed);
    await new Promise((resolve) => closed.close(resolve));
    expect((await tunnel(`elsewhere.test:${gone}`)).status).toBe(502);
    expect(metric(/^export_guard_forward_connects_total\{outcome="failed"\} (\d+)$/m)).toBeGreaterThanOrEqual(3);
  });

  it('passes plain http:// to any other host on untouched, an export included (it is not the portal)', async () => {
    const csv = await fixtureBytes('leak-7.csv');
    const answer = await absolute('POST', `http://other.test:${new URL(other.url).port}/upload?x=1`, csv);
    expect(answer.status).toBe(200);
    const got = other.received.at(-1)!;
    expect(got).toMatchObject({ method: 'POST', url: '/upload?x=1' });
    expect(got.headers.host).toBe(`other.test:${new URL(other.url).port}`);
    expect(got.headers['proxy-connection']).toBeUndefined();
    expect(sha256(got.body)).toBe(sha256(csv));
  });
});

/** An absolute-form request to the proxy, as a browser sends plain http:// through it. */
function absolute(method: string, url: string, body?: Uint8Array): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port: proxyPort, method, path: url, headers: { host: new URL(url).host, 'proxy-connection': 'keep-alive', 'content-type': 'text/csv' } }, (res) => {
      const parts: Buffer[] = [];
      res.on('data', (part: Buffer) => parts.push(part));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(parts).toString() }));
    });
    req.once('error', reject);
    req.end(body);
  });
}

describe('forward proxy: the protected hosts', () => {
  it('intercepts with a leaf from the office CA: SAN the host, valid a day, minted once per host', async () => {
    const first = await certificateThrough('portal.test', Number(new URL(stack.portal.url).port), stack.office.certPem);
    const second = await certificateThrough('portal.test', Number(new URL(stack.portal.url).port), stack.office.certPem);
    expect(first.subjectaltname).toBe('DNS:portal.test');
    expect(first.issuer.CN).toBe('export-guard test office CA');
    const hours = (Date.parse(first.valid_to) - Date.parse(first.valid_from)) / 3_600_000;
    expect(hours).toBeGreaterThan(24);
    expect(hours).toBeLessThanOrEqual(25);
    expect(second.serialNumber).toBe(first.serialNumber);
    // One leaf so far: portal.test's, minted for the log-in before these two connections.
    expect(metric(/^export_guard_forward_leaf_certificates_total (\d+)$/m)).toBe(1);
  });

  it('sends a request inside the portal\'s connection to the portal, whatever Host it names', async () => {
    const { socket } = await tunnel(`portal.test:${new URL(stack.portal.url).port}`);
    const tls = tlsConnect({ socket, servername: 'portal.test', ca: stack.office.certPem });
    await new Promise((resolve, reject) => tls.once('secureConnect', resolve).once('error', reject));
    const parts: Buffer[] = [];
    tls.on('data', (part: Buffer) => parts.push(part));
    const ended = new Promise((resolve) => tls.once('end', resolve));
    tls.write(`GET /api/caseworkers HTTP/1.1\r\nHost: elsewhere.test:${port(elsewhere)}\r\nConnection: close\r\n\r\n`);
    await ended;
    const answer = Buffer.concat(parts).toString();
    expect(answer).toMatch(/^HTTP\/1\.1 200 /);
    expect(answer).toContain(CASEWORKER.name);
  });

  it('refuses a leak-4 export uploaded over intercepted HTTPS; the portal gets nothing', async () => {
    const before = stack.portal.mailbox.attachmentCount;
    const answer = await upload('clienten.xlsx', await fixtureBytes('leak-4.xlsx'));
    expect(answer.status).toBe(422);
    expect(answer.json).toMatchObject({ error: 'upload-blocked', files: [expect.objectContaining({ kind: 'xlsx' })] });
    expect(stack.portal.mailbox.attachmentCount).toBe(before);
  }, 60_000);

  it('lets a clean 9 MB file through, arriving at the portal with the same SHA-256', async () => {
    const bytes = patternBytes(9 * 1024 * 1024 + 17);
    const answer = await upload('metingen.bin', bytes);
    expect(answer.status, JSON.stringify(answer.json)).toBe(200);
    const stored = stack.portal.mailbox.attachment(String(answer.json.id));
    expect(sha256(stored!.bytes)).toBe(sha256(bytes));
  }, 60_000);

  it('holds a bulk send for approval (428), then lets it out once after a colleague approved', async () => {
    const attachment = await upload('uitnodiging.txt', Buffer.from('Uitnodiging voor de banenmarkt op dinsdag.\n'));
    expect(attachment.status).toBe(200);
    const recipients = stack.portal.jobSeekers.slice(0, 3).map((person) => person.id);
    const body = JSON.stringify({ recipientIds: recipients, subject: 'Banenmarkt', body: 'Graag tot dinsdag.', attachmentIds: [attachment.json.id] });
    const send = (approval?: string) => fetch(`${stack.site}/api/messages`, {
      method: 'POST',
      dispatcher: agent,
      headers: { cookie, 'content-type': 'application/json', [HEADERS.token]: stack.tokens.caseworker, ...(approval ? { [HEADERS.approval]: approval } : {}) },
      body,
    });
    const sentBefore = stack.portal.mailbox.sent().length;
    const held = await send();
    expect(held.status).toBe(428);
    expect(await held.json()).toMatchObject({ error: 'approval-required' });
    expect(stack.portal.mailbox.sent().length).toBe(sentBefore);

    // The extension files the request on the portal's own name (intercepted, as the page's API calls are)...
    const filed = await fetch(`${stack.site}${ROUTES.approvals}`, {
      method: 'POST',
      dispatcher: agent,
      headers: { origin: EXTENSION_ORIGIN, [HEADERS.token]: stack.tokens.caseworker, 'content-type': 'application/json' },
      body: JSON.stringify({ payload: { method: 'POST', path: '/api/messages', contentType: 'application/json', body } }),
    });
    expect(filed.status).toBe(201);
    const { approval } = (await filed.json()) as { approval: { id: string } };
    // ...and the approver's extension, configured with the proxy's own URL, decides there.
    const decided = await fetch(`${stack.proxy.url}${ROUTES.decision(approval.id)}`, {
      method: 'POST',
      headers: { origin: EXTENSION_ORIGIN, [HEADERS.token]: stack.tokens.approver, 'content-type': 'application/json' },
      body: JSON.stringify({ decision: 'approve' }),
    });
    expect(decided.status).toBe(200);

    expect((await send(approval.id)).status).toBe(200);
    expect((await send(approval.id)).status).toBe(428);
    expect(stack.portal.mailbox.sent().length).toBe(sentBefore + 1);
    for (const id of recipients) expect(stack.portal.mailbox.inbox(id).filter((message) => message.subject === 'Banenmarkt')).toHaveLength(1);
  }, 60_000);

  it('checks plain http:// to a protected host too: the export is refused, the upstream gets nothing', async () => {
    const before = plain.received.length;
    const answer = await absolute('POST', `http://plain.test:${new URL(plain.url).port}/upload`, await fixtureBytes('leak-7.csv'));
    expect(answer.status).toBe(422);
    expect(plain.received.length).toBe(before);
    const clean = await absolute('POST', `http://plain.test:${new URL(plain.url).port}/upload`, Buffer.from('a harmless note\n'));
    expect(clean.status).toBe(200);
    expect(plain.received.at(-1)?.headers['x-export-guard-upstream']).toBeUndefined();
  }, 60_000);

  it('verifies the protected host\'s own certificate: one no trusted CA signed gets 502, the host nothing', async () => {
    const response = await fetch(`https://rogue.test:${port(rogue)}/`, { dispatcher: agent });
    expect(response.status).toBe(502);
    expect(rogueHits).toBe(0);
  });

  it('a client that does not trust the office CA gets no connection to the portal', async () => {
    await expect(certificateThrough('portal.test', Number(new URL(stack.portal.url).port), stack.internet.certPem)).rejects.toThrow();
  });
});

describe('forward proxy: WebSockets to a protected host', () => {
  /** A wss:// connection through the proxy, its TLS trusting only the office CA. */
  async function openWebSocket(): Promise<WebSocket> {
    const authority = `ws.test:${port(wsHost)}`;
    const { socket } = await tunnel(authority);
    const tls = tlsConnect({ socket, servername: 'ws.test', ca: stack.office.certPem });
    const ws = new WebSocket(`wss://${authority}/chat`, { createConnection: () => tls });
    await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
    return ws;
  }
  const next = (ws: WebSocket) => new Promise<string>((resolve) => ws.once('message', (data: RawData) => resolve(data.toString())));

  it('relays messages that scan clean, and closes with 1008 on one that holds an export; the host never gets it', async () => {
    const ws = await openWebSocket();
    const echoed = next(ws);
    ws.send('hallo portaal');
    expect(await echoed).toBe('hallo portaal');
    const closed = new Promise<number>((resolve) => ws.once('close', resolve));
    ws.send(Buffer.from(await fixtureBytes('leak-7.csv')).toString('utf8'));
    expect(await closed).toBe(1008);
    expect(wsReceived).toEqual(['hallo portaal']);
  }, 60_000);
});

describe('forward proxy: shutdown', () => {
  it('ends open tunnels and intercepted connections within shutdownGraceMs', async () => {
    const own = await startForwardStack({ config: { shutdownGraceMs: 500 } });
    try {
      const proxyAt = Number(new URL(own.proxy.url).port);
      const open = connect(proxyAt, '127.0.0.1');
      open.write(`CONNECT elsewhere.test:${port(echo)} HTTP/1.1\r\n\r\n`);
      await new Promise((resolve) => open.once('data', resolve));
      const idle = new ProxyAgent({ uri: own.proxy.url, requestTls: { ca: own.office.certPem } });
      expect((await fetch(`${own.site}/login`, { dispatcher: idle })).status).toBe(200);
      const tunnelClosed = new Promise((resolve) => open.once('close', resolve));
      const started = Date.now();
      await own.proxy.close();
      await tunnelClosed;
      expect(Date.now() - started).toBeLessThan(5_000);
      await idle.close();
    } finally {
      await own.close();
    }
  }, 60_000);
});
