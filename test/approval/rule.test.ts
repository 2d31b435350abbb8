// The rule that decides which sends need approval, on the bodies a portal really receives.
import { describe, expect, it } from 'vitest';
import { approvalNeededBecause, DEFAULT_APPROVAL_RULE, findSendRoute, readSendFacts } from '../../shared/approval/rule.js';
import { payloadHash } from '../../proxy/approval/payload-hash.js';

const { sendRoutes, threshold } = DEFAULT_APPROVAL_RULE;
const route = sendRoutes[0]!;
const ids = (n: number) => Array.from({ length: n }, (_, i) => `js-${i}`);
const facts = (recipients: number, attachments: number) => {
  const read = readSendFacts(route, JSON.stringify({ recipientIds: ids(recipients), subject: 's', body: 'b', attachmentIds: ids(attachments) }));
  if ('error' in read) throw new Error(read.error);
  return read;
};

describe('approval rule', () => {
  it('needs approval from 2 recipients with an attachment, or above 100 recipients', () => {
    expect(approvalNeededBecause(facts(1, 1), threshold)).toBeUndefined();
    expect(approvalNeededBecause(facts(2, 1), threshold)).toBe('an attachment to 2 or more recipients');
    expect(approvalNeededBecause(facts(100, 0), threshold)).toBeUndefined();
    expect(approvalNeededBecause(facts(101, 0), threshold)).toBe('more than 100 recipients');
  });

  it('counts distinct recipients', () => {
    const read = readSendFacts(route, JSON.stringify({ recipientIds: ['a', 'a', 'b'], attachmentIds: [] }));
    expect(read).toMatchObject({ recipientCount: 2 });
  });

  it('says why a body cannot be judged', () => {
    expect(readSendFacts(route, 'recipientIds=a')).toEqual({ error: 'the send body is not valid JSON' });
    expect(readSendFacts(route, '{"recipientIds": {"0": "a"}}')).toEqual({ error: "'recipientIds' must be a list of recipients" });
    expect(readSendFacts(route, '{"recipientIds": [], "attachmentIds": "att-1"}')).toEqual({ error: "'attachmentIds' must be a list of attachment ids" });
  });

  it('finds the send route behind the spellings a lenient server routes alike', () => {
    for (const target of [
      '/api/messages', '/api/messages?draft=0', '//api/messages', '/api/messages/', '/API/Messages', '/api/%6Dessages', '/api/x/../messages', '/api/./messages',
      // The absolute form http-proxy forwards as its path, servlet path parameters, format suffixes, encoding twice over.
      'http://portal.example/api/messages', 'HTTPS://portal.example:8443/api/messages?x=1', '/api/messages;jsessionid=0F3C2A', '/api;x=1/messages',
      '/api/messages.json', '/api/messages.JSON/', '/api/%256Dessages', '/api%2Fmessages', '/api\\messages',
    ]) {
      expect(findSendRoute(sendRoutes, 'post', target), target).toBe(route);
    }
    expect(findSendRoute(sendRoutes, 'GET', '/api/messages')).toBeUndefined();
    expect(findSendRoute(sendRoutes, 'POST', '/api/messages-archive')).toBeUndefined();
  });

  it("keeps path parameters and format suffixes significant where the portal's router does", () => {
    const strict = { ignorePathParameters: false, ignoreFormatSuffixes: false };
    // An Express portal serves '/api/messages.json' as a route of its own, or not at all.
    expect(findSendRoute(sendRoutes, 'POST', '/api/messages.json', strict)).toBeUndefined();
    expect(findSendRoute(sendRoutes, 'POST', '/api/messages;jsessionid=0F3C2A', strict)).toBeUndefined();
    expect(findSendRoute(sendRoutes, 'POST', '/API//messages/', strict)).toBe(route);
    expect(findSendRoute(sendRoutes, 'POST', '/api/messages.json', { ...strict, ignoreFormatSuffixes: true })).toBe(route);
    expect(findSendRoute(sendRoutes, 'POST', '/api;v=2/messages', { ...strict, ignorePathParameters: true })).toBe(route);
  });

  it('binds an approval to sender, method, target and every body byte', () => {
    const base = payloadHash('anna', 'POST', '/api/messages', '{"a":1}');
    expect(payloadHash('anna', 'post', '/api/messages', new TextEncoder().encode('{"a":1}'))).toBe(base);
    expect(payloadHash('bram', 'POST', '/api/messages', '{"a":1}')).not.toBe(base);
    expect(payloadHash('anna', 'POST', '/api/messages?x=1', '{"a":1}')).not.toBe(base);
    expect(payloadHash('anna', 'POST', '/api/messages', '{"a": 1}')).not.toBe(base);
  });
});
