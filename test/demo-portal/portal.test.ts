import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPortal, type Portal } from '../../demo-portal/server.js';
import { makeJobSeekers } from '../../demo-portal/job-seekers.js';
import { portalLogin } from './login.js';

let portal: Portal;
let cookie: string;

beforeAll(async () => {
  portal = await startPortal();
  cookie = await portalLogin(portal.url, 'Anna de Vries');
});
afterAll(() => portal.close());

const api = (path: string, init: RequestInit = {}) =>
  fetch(`${portal.url}${path}`, { ...init, headers: { cookie, ...(init.headers as Record<string, string>) } });

async function upload(name: string, bytes: Uint8Array<ArrayBuffer>): Promise<{ id: string; name: string; size: number }> {
  const form = new FormData();
  form.append('file', new Blob([bytes]), name);
  const response = await api('/api/attachments', { method: 'POST', body: form });
  expect(response.status).toBe(200);
  return (await response.json()) as { id: string; name: string; size: number };
}

describe('synthetic job seekers', () => {
  it('are the same on every run, a few thousand with valid BSNs, about 215 per place', () => {
    const people = makeJobSeekers();
    expect(makeJobSeekers()).toEqual(people);
    expect(people.length).toBe(3000);
    for (const { bsn } of people) {
      const digits = [...bsn].map(Number);
      const sum = digits.slice(0, 8).reduce((acc, d, i) => acc + d * (9 - i), 0) - (digits[8] ?? 0);
      expect(sum % 11).toBe(0);
    }
    const utrecht = people.filter((p) => p.place === 'Utrecht').length;
    expect(utrecht).toBeGreaterThan(200);
    expect(utrecht).toBeLessThan(230);
  });
});

describe('demo portal API', () => {
  it('refuses the caseworker API without a session', async () => {
    const response = await fetch(`${portal.url}/api/jobseekers`);
    expect(response.status).toBe(401);
    expect(((await response.json()) as { error: string }).error).toBe('bad-request');
  });

  it('redirects to the login page without a session and serves the compose page with one', async () => {
    expect((await fetch(`${portal.url}/compose`, { redirect: 'manual' })).status).toBe(303);
    const page = await api('/compose');
    expect(page.status).toBe(200);
    const html = await page.text();
    for (const id of ['file-input', 'drop-zone', 'attachments', 'send', 'status', 'select-all', 'recipient-count', 'subject', 'body']) {
      expect(html).toContain(`id="${id}"`);
    }
  });

  it('uploads an attachment, sends it to recipients, and their inboxes show it byte for byte', async () => {
    const bytes = new Uint8Array(70_000).map((_, i) => (i * 31) % 256);
    const attachment = await upload('rooster.pdf', bytes);
    expect(attachment).toMatchObject({ name: 'rooster.pdf', size: bytes.byteLength });

    const recipients = portal.jobSeekers.filter((p) => p.place === 'Zwolle').map((p) => p.id);
    const send = await api('/api/messages', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ recipientIds: recipients, subject: 'Banenmarkt', body: 'Welkom op 3 oktober.', attachmentIds: [attachment.id] }),
    });
    expect(send.status).toBe(200);
    expect(await send.json()).toMatchObject({ recipients: recipients.length });

    const inbox = (await (await fetch(`${portal.url}/api/inbox/${recipients[0]}`)).json()) as {
      messages: { subject: string; attachments: { url: string; name: string }[] }[];
    };
    expect(inbox.messages.at(-1)?.subject).toBe('Banenmarkt');
    const download = await fetch(`${portal.url}${inbox.messages.at(-1)?.attachments[0]?.url}`);
    expect(new Uint8Array(await download.arrayBuffer())).toEqual(bytes);

    const outsider = portal.jobSeekers.find((p) => p.place !== 'Zwolle')!;
    const other = (await (await fetch(`${portal.url}/api/inbox/${outsider.id}`)).json()) as { messages: unknown[] };
    expect(other.messages.some((m) => (m as { subject: string }).subject === 'Banenmarkt')).toBe(false);
  });

  it('rejects a send with an unknown recipient or attachment and delivers nothing', async () => {
    const before = portal.mailbox.sent().length;
    for (const body of [
      { recipientIds: ['js-00001', 'nobody'], subject: 'x', body: '', attachmentIds: [] },
      { recipientIds: ['js-00001'], subject: 'x', body: '', attachmentIds: ['att-missing'] },
      { recipientIds: [], subject: 'x', body: '' },
    ]) {
      const response = await api('/api/messages', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
      expect(response.status).toBe(400);
    }
    expect(portal.mailbox.sent().length).toBe(before);
  });

  it('answers a malformed multipart upload with 400', async () => {
    const response = await api('/api/attachments', {
      method: 'POST',
      headers: { 'content-type': 'multipart/form-data; boundary=xyz' },
      body: '--xyz\r\nnot a header line\r\n',
    });
    expect(response.status).toBe(400);
  });

  it('exports the filtered list as the CSV a caseworker would attach', async () => {
    const response = await api('/api/export.csv?place=Utrecht');
    const lines = (await response.text()).trim().split('\r\n');
    expect(lines[0]).toContain('BSN');
    expect(lines.length - 1).toBe(portal.jobSeekers.filter((p) => p.place === 'Utrecht').length);
  });
});
