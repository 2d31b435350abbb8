// The background (Chromium service worker, Firefox event page): one router, handlers registered
// by feature. Listeners are added synchronously at start so a woken worker handles its message.
import { startRouter } from './router.js';

startRouter();
