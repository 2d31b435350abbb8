// Isolated-world entry (document_start, every frame of a protected site). Listed before the
// page-world script in the manifest, so it already listens when that script offers its port.
import { acceptCaptureBridge } from './capture-bridge.js';
import { scanFile } from './scan-file.js';
import { startSendHold } from './send-hold.js';

acceptCaptureBridge(scanFile);
startSendHold();
