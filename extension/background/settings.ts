// The options page reads and writes settings through the router (extension pages only).
import { onExtensionPageMessage } from './router.js';
import { loadSettings, saveSettings } from '../settings-storage.js';

export function startSettings(): void {
  onExtensionPageMessage('get-settings', () => loadSettings());
  onExtensionPageMessage('save-settings', ({ settings }) => saveSettings(settings));
}
