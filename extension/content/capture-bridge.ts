// Isolated world: takes the port the page-world capture offers at document_start and answers its
// scan requests. Only the first offer is taken: it comes from our page-world script, which runs
// before any page script could make one.
import { isConnectMessage, type BridgeReply, type Decision, type ScanRequest } from './bridge-protocol.js';

export function acceptCaptureBridge(scan: (request: ScanRequest) => Promise<Decision>): void {
  const onMessage = (event: MessageEvent) => {
    const port = event.ports[0];
    if (event.source !== window || !isConnectMessage(event.data) || !port) return;
    event.stopImmediatePropagation();
    window.removeEventListener('message', onMessage, true);
    const reply = (message: BridgeReply) => port.postMessage(message);
    port.onmessage = (request: MessageEvent<ScanRequest>) => {
      // A copy of our own: in Firefox the data still belongs to the page, and reading its bytes
      // through the wrapper is refused ("Permission denied to access property constructor").
      const data = structuredClone(request.data);
      void scan(data).then((decision) => reply({ type: 'decision', id: data.id, decision }));
    };
    reply({ type: 'ready' });
  };
  window.addEventListener('message', onMessage, true);
}
