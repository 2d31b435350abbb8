// What a caseworker does on the demo portal's compose page, driven the same way whatever stands
// between the browser and the portal (the forward proxy, a gateway with the ICAP service): the
// deployment tests differ in how the browser gets there, not in what must hold once it is there.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ElementHandle, Page } from 'puppeteer-core';
import { expect } from 'vitest';
import type { Portal } from '../../demo-portal/server.js';
import { HEADERS, ROUTES } from '../../shared/api.js';
import { fixturePath } from './fixtures.js';
import { APPROVER } from './four-eyes-stack.js';
import { patternBytes, sha256 } from '../proxy/upstream.js';

/** The approval API as the extension calls it in that shape (its origin and the user's token). */
export type ApprovalApi = (token: string, path: string, body: unknown) => Promise<{ status: number; json: any }>;

/** Picks a file in the compose page (its upload runs at once) and returns the portal's answer to it. */
export async function pickFile(page: Page, site: string, path: string): Promise<{ status: number; json: Record<string, unknown> }> {
  const answered = page.waitForResponse((response) => response.url() === `${site}/api/attachments` && response.request().method() === 'POST', { timeout: 45_000 });
  const input = (await page.$('#file-input')) as ElementHandle<HTMLInputElement>;
  await input.uploadFile(path);
  const response = await answered;
  return { status: response.status(), json: (await response.json()) as Record<string, unknown> };
}

/** A harmless 9 MB file picked in the page arrives at the portal with the same SHA-256. */
export async function expectCleanFileArrives(page: Page, site: string, portal: Portal, dir: string): Promise<void> {
  const path = join(dir, 'metingen.bin');
  const bytes = patternBytes(9 * 1024 * 1024 + 17);
  await writeFile(path, bytes);
  const answer = await pickFile(page, site, path);
  expect(answer.status, JSON.stringify(answer.json)).toBe(200);
  const stored = portal.mailbox.attachment(String(answer.json.id));
  expect(stored?.bytes.byteLength).toBe(bytes.byteLength);
  expect(sha256(stored!.bytes)).toBe(sha256(bytes));
}

/**
 * A send with an attachment to three job seekers is held (428) and reaches no one; filed and
 * approved through `api` as the extensions do, it goes out once, and a replay is held again.
 * Returns the filed request and the page's held answer, for what a shape checks beyond that.
 */
export async function expectBulkSendHeldUntilApproved(
  page: Page,
  site: string,
  portal: Portal,
  tokens: { caseworker: string; approver: string },
  api: ApprovalApi,
): Promise<{ filed: { status: number; json: any } }> {
  await page.goto(`${site}/compose`);
  await page.waitForFunction(() => document.querySelectorAll('#recipients li').length > 0, { timeout: 30_000 });
  expect((await pickFile(page, site, await fixturePath('letter.pdf'))).status).toBe(200);
  const recipients = portal.jobSeekers.slice(0, 3).map((person) => person.id);
  for (const id of recipients) await page.click(`input.recipient[value="${id}"]`);
  await page.type('#subject', 'Uitnodiging workshop');
  const sentBefore = portal.mailbox.sent().length;

  const held = page.waitForResponse((response) => response.url() === `${site}/api/messages`, { timeout: 45_000 });
  await page.click('#send');
  const response = await held;
  expect(response.status()).toBe(428);
  expect(await response.json()).toMatchObject({ error: 'approval-required' });
  await page.waitForFunction(() => document.getElementById('status')!.className === 'error');
  expect(await page.$eval('#status', (element) => element.textContent ?? '')).toContain('goedkeuring');
  expect(portal.mailbox.sent().length).toBe(sentBefore);

  // What the extensions do: the sender files the exact payload, a colleague approves.
  const body = response.request().postData()!;
  const filed = await api(tokens.caseworker, ROUTES.approvals, { payload: { method: 'POST', path: '/api/messages', contentType: 'application/json', body } });
  expect(filed.status, JSON.stringify(filed.json)).toBe(201);
  const approved = await api(tokens.approver, ROUTES.decision(filed.json.approval.id), { decision: 'approve' });
  expect(approved.json.approval).toMatchObject({ state: 'approved', decidedBy: { id: APPROVER.id } });

  // The send again from the page, with the headers the extension adds: it goes out once, a replay is held.
  const sendAgain = () => page.evaluate(async (headers, text) => (await fetch('/api/messages', { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: text })).status,
    { [HEADERS.token]: tokens.caseworker, [HEADERS.approval]: filed.json.approval.id }, body);
  expect(await sendAgain()).toBe(200);
  expect(await sendAgain()).toBe(428);
  expect(portal.mailbox.sent().length).toBe(sentBefore + 1);
  for (const id of recipients) expect(portal.mailbox.inbox(id).filter((message) => message.subject === 'Uitnodiging workshop')).toHaveLength(1);
  return { filed };
}
