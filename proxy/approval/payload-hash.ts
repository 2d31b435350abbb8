// What an approval is bound to: the sender and the exact request. A changed body, recipient
// list, attachment, route or sender gives a different hash, so a different approval is needed.
import { createHash } from 'node:crypto';

export function payloadHash(senderId: string, method: string, pathAndQuery: string, body: Uint8Array | string): string {
  const bodyHash = createHash('sha256').update(body).digest('hex');
  // A JSON array is an unambiguous encoding: no field can run into the next.
  return createHash('sha256')
    .update(JSON.stringify(['export-guard/approval/v1', senderId, method.toUpperCase(), pathAndQuery, bodyHash]))
    .digest('hex');
}
