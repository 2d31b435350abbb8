// WebSocket messages to the protected site are scanned: an export closes the connection with 1008
// before the portal receives it, and clean messages pass both ways byte for byte.
import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { leak4Export } from '../../scripts/fixtures/catalogue.js';
import type { UploadEvent } from '../../proxy/events.js';
import { patternBytes, sha256 } from './upstream.js';
import { proxyBeforeAll, startTestProxy } from './start.js';

const blocked: UploadEvent[] = [];
const stack = proxyBeforeAll((proxy) => proxy.events.on('upload-blocked', (event) => blocked.push(event)));

async function connect(): Promise<{ socket: WebSocket; replies: Buffer[]; closed: Promise<number> }> {
  const socket = new WebSocket(`${stack.proxy.url.replace('http', 'ws')}/ws`);
  const replies: Buffer[] = [];
  socket.on('message', (data: Buffer) => replies.push(data));
  const closed = new Promise<number>((resolve) => socket.once('close', (code) => resolve(code)));
  await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
  return { socket, replies, closed };
}

const until = async (check: () => boolean) => {
  for (let i = 0; i < 600 && !check(); i += 1) await new Promise((resolve) => setTimeout(resolve, 50));
};

describe('WebSocket messages', () => {
  it('pass clean, both ways, byte for byte and in order', async () => {
    const { socket, replies } = await connect();
    const binary = patternBytes(70_000);
    socket.send('hallo');
    socket.send(binary);
    socket.send(JSON.stringify({ type: 'typing', text: 'Beste werkzoekende' }));
    await until(() => replies.length === 3);
    socket.close();
    expect(replies).toHaveLength(3);
    expect(replies[0]!.toString()).toBe('hallo');
    expect(sha256(replies[1]!)).toBe(sha256(binary));
    expect(JSON.parse(replies[2]!.toString())).toEqual({ type: 'typing', text: 'Beste werkzoekende' });
  }, 60_000);

  for (const [shape, message] of [
    ['a csv as text', () => Buffer.from(leak4Export(300, 'csv')).toString('utf8')],
    ['an xlsx as binary', () => Buffer.from(leak4Export(300, 'xlsx'))],
    ['an xlsx as base64 in JSON', () => JSON.stringify({ type: 'attach', data: Buffer.from(leak4Export(300, 'xlsx')).toString('base64') })],
  ] as const) {
    it(`holding an export (${shape}) close the connection with 1008 before the portal sees it`, async () => {
      const before = blocked.length;
      const { socket, replies, closed } = await connect();
      socket.send(message());
      socket.send('after');
      expect(await closed).toBe(1008);
      // The upstream echoes what it receives: nothing came back, so nothing reached it.
      expect(replies).toEqual([]);
      expect(blocked.length).toBeGreaterThan(before);
      expect(blocked.at(-1)).toMatchObject({ location: 'websocket', method: 'WEBSOCKET' });
    }, 60_000);
  }

  it('take the proxy token and an SSO header from an untrusted address off the handshake', async () => {
    // The gateway is elsewhere: a page on this machine naming a user in the SSO header is forging it.
    const guarded = await startTestProxy(stack.upstream.url, { identity: { ssoHeader: 'X-Remote-User', ssoTrustedSources: ['10.9.9.9'] } });
    try {
      const socket = new WebSocket(`${guarded.url.replace('http', 'ws')}/ws`, { headers: { 'x-remote-user': 'chantal', 'x-export-guard-token': 'secret', 'x-kept': 'ja' } });
      await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
      socket.close();
      const handshake = stack.upstream.handshakes.at(-1)!;
      expect(handshake['x-kept']).toBe('ja');
      expect(handshake['x-remote-user']).toBeUndefined();
      expect(handshake['x-export-guard-token']).toBeUndefined();
    } finally {
      await guarded.close();
    }
  }, 60_000);
});
