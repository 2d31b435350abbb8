// The background (Chromium service worker, Firefox event page): one router, handlers registered
// by feature. Listeners are added synchronously at start so a woken worker handles its message.
import { startApprovals } from './approvals.js';
import { startAuditQueue } from './audit-queue.js';
import { registerFalseBlockHandler } from './false-blocks.js';
import { policyInForce } from './policy.js';
import { startRouter } from './router.js';
import { registerScanHandlers } from './scan.js';
import { startProtectedSites, onGrantedSitesChanged } from './protected-sites.js';
import { startSettings } from './settings.js';
import { registerSiteScripts } from './site-scripts.js';
import { startTokenHeader } from './token-header.js';

startRouter();
registerScanHandlers();
registerFalseBlockHandler();
startSettings();
startAuditQueue();
startApprovals(async () => (await policyInForce()).approval);
startTokenHeader();
onGrantedSitesChanged(registerSiteScripts);
startProtectedSites();
