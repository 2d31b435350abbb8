// A bulk send split into small sends is still a bulk send: the same attachment (by content) or the
// same subject and body, sent by one person within the window, counts toward one total of distinct
// recipients, kept in the store across a restart and across two proxies sharing it.
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROUTES } from '../../shared/api.js';
import { api, attach, decide, portalSession, requestApproval, send, sendBody, startHarness, type Harness } from './harness.js';

/** The fourth distinct recipient of one attachment needs approval: five single sends cross it. */
const THRESHOLD = 4;
/** Starting a proxy (its scan workers) took 20 s beside other test files on the two shared cores. */
const STARTS_A_PROXY = { timeout: 90_000 };

let h: Harness;
let session: string;
let people: string[];

beforeAll(async () => {
  h = await startHarness({ threshold: { minRecipientsWithAttachment: THRESHOLD, maxRecipientsWithoutApproval: 3 } });
  session = await portalSession(h);
  people = h.portal.jobSeekers.map((p) => p.id);
});
afterAll(() => h.close());

const uploaded = (content: string, via = h.proxy.url) => attach(h, session, 'anna', content, via);

describe('a bulk send split into single sends', () => {
  it('five single-recipient sends of one attachment: the fourth and fifth need approval', async () => {
    const id = await uploaded('Uitnodiging voor de banenmarkt, ronde een.\n');
    const statuses = [];
    for (const person of people.slice(0, 5)) statuses.push((await send(h, session, 'anna', sendBody([person], [id], 'Banenmarkt'))).status);
    expect(statuses).toEqual([200, 200, 200, 428, 428]);
    const refused = await send(h, session, 'anna', sendBody([people[4]!], [id], 'Banenmarkt'));
    expect(await refused.json()).toMatchObject({ error: 'approval-required', detail: 'missing', message: expect.stringContaining('the same attachment to 4 recipients within 24 hours'), approvers: ['Carla'] });
    expect(h.portal.mailbox.inbox(people[3]!)).toEqual([]);
  });

  it('counts the file by content: uploading it again gives a new id, not a new count', async () => {
    const content = 'Uitnodiging voor de banenmarkt, ronde twee.\n';
    const ids = [await uploaded(content), await uploaded(content), await uploaded(content), await uploaded(content)];
    expect(new Set(ids).size).toBe(4);
    const statuses = [];
    for (const [i, id] of ids.entries()) statuses.push((await send(h, session, 'anna', sendBody([people[10 + i]!], [id], `Ronde twee ${i}`))).status);
    expect(statuses).toEqual([200, 200, 200, 428]);
  });

  it('counts per sender: a colleague sending the same file starts a count of their own', async () => {
    const id = await uploaded('Uitnodiging voor de banenmarkt, ronde drie.\n');
    for (const person of people.slice(20, 23)) expect((await send(h, session, 'anna', sendBody([person], [id], 'Ronde drie'))).status).toBe(200);
    expect((await send(h, session, 'bram', sendBody([people[23]!], [id], 'Ronde drie'))).status).toBe(200);
    expect((await send(h, session, 'anna', sendBody([people[23]!], [id], 'Ronde drie'))).status).toBe(428);
  });

  it('the same subject and body without an attachment count toward the limit without attachment', async () => {
    const message = (person: string) => JSON.stringify({ recipientIds: [person], subject: 'Spreekuur vervalt', body: 'Het spreekuur van morgen vervalt.', attachmentIds: [] });
    const other = (person: string) => JSON.stringify({ recipientIds: [person], subject: 'Persoonlijk', body: `Beste ${person}, tot morgen.`, attachmentIds: [] });
    const statuses = [];
    for (const person of people.slice(30, 34)) statuses.push((await send(h, session, 'anna', message(person))).status);
    expect(statuses).toEqual([200, 200, 200, 428]);
    // Personal messages (each its own body) are not one bulk send.
    for (const person of people.slice(30, 34)) expect((await send(h, session, 'anna', other(person))).status).toBe(200);
  });

  it('an approval covers the recipients it named, and only those', async () => {
    const id = await uploaded('Uitnodiging voor de banenmarkt, ronde vier.\n');
    for (const person of people.slice(40, 43)) expect((await send(h, session, 'anna', sendBody([person], [id], 'Ronde vier'))).status).toBe(200);
    const body = sendBody([people[43]!, people[44]!], [id], 'Ronde vier');
    expect((await send(h, session, 'anna', body)).status).toBe(428);
    const { json } = await requestApproval(h, 'anna', body);
    await decide(h, 'carla', json.approval.id, 'approve');
    expect((await send(h, session, 'anna', body, json.approval.id)).status).toBe(200);
    // A second send to someone the approval named passes; to someone it did not, it needs a new one.
    expect((await send(h, session, 'anna', sendBody([people[44]!], [id], 'Ronde vier, herinnering'))).status).toBe(200);
    expect((await send(h, session, 'anna', sendBody([people[45]!], [id], 'Ronde vier, herinnering'))).status).toBe(428);
  });

  it('keeps counting across a restart', STARTS_A_PROXY, async () => {
    const id = await uploaded('Uitnodiging voor de banenmarkt, ronde vijf.\n');
    for (const person of people.slice(50, 53)) expect((await send(h, session, 'anna', sendBody([person], [id], 'Ronde vijf'))).status).toBe(200);
    await h.restart();
    // The restarted proxy's ledger is new: the same file uploaded again is known by its content.
    const again = await uploaded('Uitnodiging voor de banenmarkt, ronde vijf.\n');
    expect((await send(h, session, 'anna', sendBody([people[53]!], [again], 'Na de herstart'))).status).toBe(428);
    expect((await send(h, session, 'anna', sendBody([people[53]!], [id], 'Na de herstart'))).status).toBe(428);
  });

  it('two proxies sharing one store count together', STARTS_A_PROXY, async () => {
    const second = await h.another();
    const content = 'Uitnodiging voor de banenmarkt, ronde zes.\n';
    const here = await uploaded(content);
    const there = await uploaded(content, second.url);
    const statuses = [];
    for (const [i, person] of people.slice(60, 65).entries()) {
      const via = i % 2 === 0 ? h.proxy.url : second.url;
      statuses.push((await send(h, session, 'anna', sendBody([person], [via === h.proxy.url ? here : there], `Ronde zes ${i}`), undefined, via)).status);
    }
    expect(statuses).toEqual([200, 200, 200, 428, 428]);
  });

  it('tells the extension before it sends, counting nothing: the browser cannot know the earlier parts', async () => {
    const id = await uploaded('Uitnodiging voor de banenmarkt, ronde zeven.\n');
    const ask = async (person: string) => (await api(h, 'anna', 'POST', ROUTES.approvalNeeded, { payload: { method: 'POST', path: '/api/messages', contentType: 'application/json', body: sendBody([person], [id], 'Ronde zeven') } })).json;
    for (const person of people.slice(70, 73)) {
      expect(await ask(person)).toEqual({ needed: false });
      expect(await ask(person)).toEqual({ needed: false });
      expect((await send(h, session, 'anna', sendBody([person], [id], 'Ronde zeven'))).status).toBe(200);
    }
    expect(await ask(people[73]!)).toEqual({ needed: true, reason: 'the same attachment to 4 recipients within 24 hours' });
    expect(await ask(people[72]!)).toEqual({ needed: false });
  });

  it('stores fingerprints of the recipients, never their ids', () => {
    const db = new Database(h.dbPath, { readonly: true });
    try {
      const rows = db.prepare('SELECT * FROM bulk_sends').all() as Record<string, unknown>[];
      expect(rows.length).toBeGreaterThan(20);
      const stored = JSON.stringify(rows);
      for (const person of people.slice(0, 65)) expect(stored).not.toContain(person);
    } finally {
      db.close();
    }
  });
});
