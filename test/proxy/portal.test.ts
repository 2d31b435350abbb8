// The demo portal behind the proxy, as a caseworker uses it: the portal's own export is refused
// when attached and never reaches the portal; a harmless attachment goes out to the inbox.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPortal, type Portal } from '../../demo-portal/server.js';
import { portalLogin } from '../demo-portal/login.js';
import { fixtureBytes } from '../helpers/fixtures.js';
import { sha256 } from './upstream.js';
import { startTestProxy, type TestProxy } from './start.js';

let portal: Portal;
let proxy: TestProxy;
let cookie: string;

beforeAll(async () => {
  portal = await startPortal();
  proxy = await startTestProxy(portal.url);
  cookie = await portalLogin(proxy.url, 'Bram Jansen');
});
afterAll(async () => {
  await proxy.close();
  await portal.close();
});

async function attach(name: string, bytes: Uint8Array): Promise<Response> {
  const form = new FormData();
  form.append('file', new Blob([new Uint8Array(bytes)]), name);
  return fetch(`${proxy.url}/api/attachments`, { method: 'POST', headers: { cookie }, body: form });
}

describe('demo portal behind the proxy', () => {
  it('refuses the portal\'s own export as an attachment; the portal never receives it', async () => {
    const exported = new Uint8Array(await (await fetch(`${proxy.url}/api/export.csv?place=Utrecht`, { headers: { cookie } })).arrayBuffer());
    expect(exported.byteLength).toBeGreaterThan(10_000);
    const stored = portal.mailbox.attachmentCount;
    const response = await attach('ontvangers.csv', exported);
    expect(response.status).toBe(422);
    expect(((await response.json()) as { error: string }).error).toBe('upload-blocked');
    expect(portal.mailbox.attachmentCount).toBe(stored);
  });

  it('delivers a harmless attachment to the recipient\'s inbox unchanged', async () => {
    const letter = await fixtureBytes('letter.pdf');
    const response = await attach('uitnodiging.pdf', letter);
    expect(response.status).toBe(200);
    const attachment = (await response.json()) as { id: string };
    const recipient = portal.jobSeekers[42]!.id;
    const send = await fetch(`${proxy.url}/api/messages`, {
      method: 'POST',
      headers: { cookie, 'content-type': 'application/json' },
      body: JSON.stringify({ recipientIds: [recipient], subject: 'Uitnodiging', body: 'Zie bijlage.', attachmentIds: [attachment.id] }),
    });
    expect(send.status).toBe(200);
    const inbox = (await (await fetch(`${proxy.url}/api/inbox/${recipient}`)).json()) as { messages: { attachments: { url: string }[] }[] };
    const download = await fetch(`${proxy.url}${inbox.messages[0]!.attachments[0]!.url}`);
    expect(sha256(new Uint8Array(await download.arrayBuffer()))).toBe(sha256(letter));
    expect((await proxy.ledger.get(attachment.id))?.verdict).toBe('allow');
  });
});
