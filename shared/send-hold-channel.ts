// The window.postMessage protocol between the page-world send hook (extension/page/send-hook.ts)
// and the isolated content script that holds the send (extension/content/send-hold.ts). Both
// worlds share only the window, so messages carry a channel tag and a per-send id.
import type { ApiError, SendPayload } from './api.js';

export const SEND_HOLD_CHANNEL = 'export-guard/send-hold';

export type SendHoldMessage =
  /** Page -> content: a send is waiting for a decision. */
  | { channel: typeof SEND_HOLD_CHANNEL; type: 'hold'; id: string; payload: SendPayload }
  /** Content -> page: send it, with the approval id when one was granted. */
  | { channel: typeof SEND_HOLD_CHANNEL; type: 'release'; id: string; approvalId?: string }
  /** Content -> page: do not send; answer the page with this error. */
  | { channel: typeof SEND_HOLD_CHANNEL; type: 'refuse'; id: string; status: number; error: ApiError };

export function isSendHoldMessage(data: unknown): data is SendHoldMessage {
  return typeof data === 'object' && data !== null && (data as { channel?: unknown }).channel === SEND_HOLD_CHANNEL;
}
