// Where the approver's popup reads the recipients' names: a send route's recipientNames, as an
// office configures it for its portal, and how the portal's answer is read.
import { describe, expect, it } from 'vitest';
import { parseFourEyesConfig } from '../../proxy/approval/config.js';
import { RecipientMemory } from '../../proxy/approval/recipients.js';
import { readRecipientNames } from '../../shared/approval/recipient-names.js';
import { startPortal } from '../../demo-portal/server.js';
import { DEFAULT_APPROVAL_RULE } from '../../shared/approval/rule.js';
import { portalLogin } from '../demo-portal/login.js';

const route = { method: 'POST', path: '/werkmap/groepsbericht', recipients: 'bericht.ontvangers', attachments: 'bericht.bijlagen' };

describe('recipientNames of a send route', () => {
  it('is taken from the config, and names the field of a mistake', () => {
    const names = { path: '/api/clienten?actief=1', list: 'data.items', id: 'clientnummer', name: 'weergavenaam' };
    const config = parseFourEyesConfig({ approval: { sendRoutes: [{ ...route, recipientNames: names }] } }, '/');
    expect(config.approval.sendRoutes[0]!.recipientNames).toEqual(names);
    expect(parseFourEyesConfig({ approval: { sendRoutes: [route] } }, '/').approval.sendRoutes[0]!.recipientNames).toBeUndefined();
    const wrong = (recipientNames: unknown) => () => parseFourEyesConfig({ approval: { sendRoutes: [{ ...route, recipientNames }] } }, '/');
    expect(wrong({ path: 'api/clienten', id: 'id', name: 'naam' })).toThrow("config.approval.sendRoutes[0].recipientNames.path: a path on the portal starting with one '/'");
    expect(wrong({ path: '//elders.example/api/clienten', id: 'id', name: 'naam' })).toThrow('config.approval.sendRoutes[0].recipientNames.path');
    expect(wrong({ path: '/api/clienten', id: 'id' })).toThrow('config.approval.sendRoutes[0].recipientNames.name');
    expect(wrong({ path: '/api/clienten', id: 'id', name: 'naam', naam: 'x' })).toThrow('config.approval.sendRoutes[0].recipientNames.naam: unknown field');
  });

  it("reads the people from the portal's answer: a list, or a list inside it; numeric ids as the send names them", () => {
    const answer = { data: { items: [{ nr: 17, p: { naam: 'A. Jansen' } }, { nr: 'x-2', p: { naam: 'B. Visser' } }, { nr: 3 }, { p: { naam: 'zonder nummer' } }] } };
    expect([...readRecipientNames(answer, { path: '/', list: 'data.items', id: 'nr', name: 'p.naam' })]).toEqual([
      ['17', 'A. Jansen'],
      ['x-2', 'B. Visser'],
    ]);
    expect(readRecipientNames({ not: 'a list' }, { path: '/', id: 'nr', name: 'naam' }).size).toBe(0);
  });

  it("finds every demo job seeker's name on the demo portal's route, as the default rule says", async () => {
    const portal = await startPortal({ jobSeekers: 50 });
    try {
      const names = DEFAULT_APPROVAL_RULE.sendRoutes[0]!.recipientNames!;
      const answer = await fetch(portal.url + names.path, { headers: { cookie: await portalLogin(portal.url, 'Chantal Bakker') } });
      const found = readRecipientNames(await answer.json(), names);
      expect(portal.jobSeekers.map((p) => found.get(p.id))).toEqual(portal.jobSeekers.map((p) => `${p.initials} ${p.surname}`));
    } finally {
      await portal.close();
    }
  });
});

describe("the proxy's memory of recipients", () => {
  it('forgets the oldest requests first once it holds more ids than its budget', () => {
    const memory = new RecipientMemory(5);
    memory.remember('a', { ids: ['1', '2'] });
    memory.remember('b', { ids: ['3', '4'] });
    memory.remember('c', { ids: ['5', '6'] });
    expect([memory.of('a'), memory.of('b')?.ids, memory.of('c')?.ids]).toEqual([undefined, ['3', '4'], ['5', '6']]);
  });
});
