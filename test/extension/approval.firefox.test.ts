// Four-eyes in Firefox ESR: the page-world hook holds the send, the waiting panel shows, and the
// send goes out with the approval once granted (or not at all once rejected). WebDriver BiDi cannot
// open extension pages, so the extension is configured the way IT would do it, through an
// enterprise policy (policies.json, 3rdparty), and the approver decides through the proxy's API;
// the approver's popup itself is tested in Chromium (approval.e2e.test.ts).
import { accessSync, constants, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GECKO_ID } from '../../extension/extension-id.js';
import { HEADERS, ROUTES, type ApprovalView, type DecisionRequest } from '../../shared/api.js';
import { launchFirefoxWithExtension, openCompose, type FirefoxWithExtension } from '../helpers/browser.js';
import { CASEWORKER, startFourEyesStack, type FourEyesStack } from '../helpers/four-eyes-stack.js';
import { ensureExtensionBuilt } from './setup.js';

// Firefox reads policies.json from its installation directory, at startup only: the file is
// there for the few seconds Firefox takes to start, and only where the tests may write it.
const POLICY_FILE = '/usr/lib/firefox-esr/distribution/policies.json';
const mayWritePolicy = (() => {
  try {
    accessSync(dirname(POLICY_FILE), constants.W_OK);
    return true;
  } catch {
    return false;
  }
})();
const RECIPIENTS = 215;

describe.skipIf(!mayWritePolicy)('four-eyes in Firefox ESR', { timeout: 60_000 }, () => {
  let stack: FourEyesStack | undefined;
  let firefox: FirefoxWithExtension | undefined;

  beforeAll(async () => {
    await ensureExtensionBuilt();
    stack = await startFourEyesStack();
    const settings = { proxyUrl: stack.proxy.url, token: stack.tokens.caseworker, language: 'nl' };
    writeFileSync(POLICY_FILE, JSON.stringify({ policies: { '3rdparty': { Extensions: { [GECKO_ID]: settings } } } }));
    try {
      firefox = await launchFirefoxWithExtension();
    } finally {
      rmSync(POLICY_FILE, { force: true });
    }
  }, 120_000);

  afterAll(async () => {
    rmSync(POLICY_FILE, { force: true });
    await firefox?.close();
    await stack?.close();
  });

  async function sendToRecipients(subject: string): Promise<{ page: Page; recipientIds: string[] }> {
    const page = await firefox!.browser.newPage();
    await openCompose(page, stack!.proxy.url, CASEWORKER.name);
    const recipientIds = await page.$$eval(
      'input.recipient',
      (boxes, count) => (boxes.slice(0, count) as HTMLInputElement[]).map((box) => (box.click(), box.value)),
      RECIPIENTS,
    );
    await page.type('#subject', subject);
    await page.click('#send');
    return { page, recipientIds };
  }

  /** The approver's decision, through the proxy's API (what the popup does). */
  async function decide(subject: string, decision: DecisionRequest): Promise<void> {
    const headers = { [HEADERS.token]: stack!.tokens.approver, 'content-type': 'application/json' };
    let pending: ApprovalView | undefined;
    for (let tries = 0; !pending; tries++) {
      if (tries === 60) throw new Error(`no pending request '${subject}' reached the proxy`);
      if (tries > 0) await new Promise((r) => setTimeout(r, 250));
      const list = (await (await fetch(`${stack!.proxy.url}${ROUTES.approvals}?state=pending`, { headers })).json()) as { approvals: ApprovalView[] };
      pending = list.approvals.find((a) => a.subject === subject);
    }
    expect(pending.sender.id).toBe(CASEWORKER.id);
    expect(pending.recipientCount).toBe(RECIPIENTS);
    const answer = await fetch(stack!.proxy.url + ROUTES.decision(pending.id), { method: 'POST', headers, body: JSON.stringify(decision) });
    expect(answer.status).toBe(200);
  }

  async function inboxSubjects(jobSeekerId: string): Promise<string[]> {
    const inbox = (await (await fetch(`${stack!.portal.url}/api/inbox/${encodeURIComponent(jobSeekerId)}`)).json()) as { messages: { subject: string }[] };
    return inbox.messages.map((m) => m.subject);
  }

  it('holds the send with the waiting panel until it is approved, then delivers it', async () => {
    const subject = 'Firefox: goedgekeurd';
    const { page, recipientIds } = await sendToRecipients(subject);
    await page.waitForSelector('export-guard-send-hold', { timeout: 15_000 });
    await decide(subject, { decision: 'approve' });
    await page.waitForFunction(() => /Verstuurd naar 215 ontvangers/.test(document.getElementById('status')?.textContent ?? ''), { timeout: 15_000 });
    expect(await inboxSubjects(recipientIds[0]!)).toContain(subject);
    await page.close();
  });

  it("stops a rejected send and shows the approver's reason to the page", async () => {
    const subject = 'Firefox: afgewezen';
    const { page, recipientIds } = await sendToRecipients(subject);
    await page.waitForSelector('export-guard-send-hold', { timeout: 15_000 });
    await decide(subject, { decision: 'reject', reason: 'Eerst de ontvangers nakijken' });
    await page.waitForFunction(() => /Eerst de ontvangers nakijken/.test(document.getElementById('status')?.textContent ?? ''), { timeout: 15_000 });
    expect(await inboxSubjects(recipientIds[0]!)).not.toContain(subject);
    await page.close();
  });
});
