// The options page reads and writes settings through the router (extension pages only); a content
// script may only ask to open it, for a caseworker whose token is missing or wrong.
import browser from 'webextension-polyfill';
import { onExtensionPageMessage, onPageMessage } from './router.js';
import { loadSettings, saveSettings } from '../settings-storage.js';

export function startSettings(): void {
  onExtensionPageMessage('get-settings', () => loadSettings());
  onExtensionPageMessage('save-settings', ({ settings }) => saveSettings(settings));
  onPageMessage('open-options', async () => {
    await browser.runtime.openOptionsPage();
    return { opened: true };
  });
}
