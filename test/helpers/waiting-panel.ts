// The caseworker's waiting panel, read and clicked from a test. It lives in a closed shadow root,
// which page scripts (and so page.evaluate) cannot enter; the DevTools protocol can.
import type { CDPSession, Page } from 'puppeteer-core';

/**
 * The panel's text, once it matches `expected`. 45 s: a clean-clone CI run on two loaded cores
 * waited past 20 s for the first panel after the extension's settings changed (12 s alone).
 */
export async function waitForPanelText(page: Page, expected: RegExp): Promise<string> {
  let text = '';
  const cdp = await page.createCDPSession();
  try {
    for (const started = Date.now(); Date.now() - started < 45_000; await new Promise((r) => setTimeout(r, 500))) {
      const panel = await panelRoot(cdp);
      text = panel ? textOf(panel) : '';
      if (expected.test(text)) return text;
    }
  } finally {
    await cdp.detach();
  }
  throw new Error(`the waiting panel never showed ${expected}; last text: ${text}`);
}

interface DomNode {
  nodeType: number;
  backendNodeId?: number;
  localName?: string;
  nodeValue?: string;
  children?: DomNode[];
  shadowRoots?: DomNode[];
}

function findNode(node: DomNode, match: (node: DomNode) => boolean): DomNode | undefined {
  if (match(node)) return node;
  for (const child of [...(node.children ?? []), ...(node.shadowRoots ?? [])]) {
    const found = findNode(child, match);
    if (found) return found;
  }
  return undefined;
}

function textOf(node: DomNode): string {
  if (node.localName === 'style') return '';
  if (node.nodeType === 3) return node.nodeValue ?? '';
  return (node.children ?? []).map(textOf).join('\n');
}

/** Clicks the panel's button with this text (as a script would: the panel does not ask for a trusted click). */
export async function clickPanelButton(page: Page, label: string): Promise<void> {
  const cdp = await page.createCDPSession();
  try {
    const panel = await panelRoot(cdp);
    const button = panel && findNode(panel, (node) => node.localName === 'button' && textOf(node) === label);
    if (!button?.backendNodeId) throw new Error(`the waiting panel has no button '${label}'`);
    const { object } = (await cdp.send('DOM.resolveNode', { backendNodeId: button.backendNodeId })) as { object: { objectId: string } };
    await cdp.send('Runtime.callFunctionOn', { objectId: object.objectId, functionDeclaration: 'function () { this.click(); }' });
  } finally {
    await cdp.detach();
  }
}

async function panelRoot(cdp: CDPSession): Promise<DomNode | undefined> {
  const { root } = (await cdp.send('DOM.getDocument', { depth: -1, pierce: true })) as { root: DomNode };
  return findNode(root, (node) => node.localName === 'export-guard-send-hold')?.shadowRoots?.[0];
}
