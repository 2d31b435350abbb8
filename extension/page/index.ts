// Page-world entry (world MAIN, document_start, every frame of a protected site): runs before any
// page script, so the page only ever sees the guarded fetch, XHR, attachShadow, file handles and
// file events, and every Blob it slices or wraps is recorded with its source.
import { recordBlobProvenance } from './blob-provenance.js';
import { guardDropEntries } from './dropped-entries.js';
import { connectToContentScript } from './verdicts.js';
import { guardFileEvents } from './file-events.js';
import { guardFileHandles } from './file-handles.js';
import { guardScriptUploads } from './uploads.js';
import { watchShadowRoots } from './shadow-roots.js';
import { installSendHook } from './send-hook.js';

connectToContentScript();
recordBlobProvenance();
guardDropEntries();
guardFileEvents(window);
watchShadowRoots(guardFileEvents);
guardFileHandles();
guardScriptUploads();
installSendHook();
