// Typed calls to the proxy's API (shared/api.ts), each carrying the user's token. Errors keep
// the proxy's reason so the popup and the waiting panel can show it.
import type {
  ApiError,
  ApprovalNeededResponse,
  ApprovalView,
  BlockedUploadEvent,
  DecisionRequest,
  EventResponse,
  FalseBlockReport,
  SendPayload,
  UserInfo,
} from '../../shared/api.js';
import { HEADERS, ROUTES } from '../../shared/api.js';
import type { ApprovalRule } from '../../shared/approval/rule.js';
import type { Settings } from '../../shared/messages.js';
import type { Policy } from '../../shared/policy/types.js';
import { loadSettings } from '../settings-storage.js';

/** The proxy answered with an error status. */
export class ProxyError extends Error {
  constructor(
    readonly status: number,
    readonly body: ApiError,
  ) {
    super(body.message || `Proxy answered ${status}`);
  }
}

/** The proxy could not be reached at all (network down, wrong URL, proxy stopped). */
export class ProxyUnreachableError extends Error {}

/** GET ROUTES.policy: the detector policy in force and the four-eyes rule. */
export interface PolicyReply {
  policy: Policy;
  approval: ApprovalRule;
}

export interface ProxyClient {
  me(): Promise<UserInfo>;
  policy(): Promise<PolicyReply>;
  approvalNeeded(payload: SendPayload): Promise<ApprovalNeededResponse>;
  createApproval(payload: SendPayload): Promise<ApprovalView>;
  approval(id: string): Promise<ApprovalView>;
  pendingApprovals(): Promise<ApprovalView[]>;
  decide(id: string, decision: DecisionRequest): Promise<ApprovalView>;
  withdraw(id: string): Promise<ApprovalView>;
  reportBlockedUpload(event: BlockedUploadEvent): Promise<void>;
  reportFalseBlock(report: FalseBlockReport): Promise<void>;
}

export function createProxyClient(getSettings: () => Promise<Settings>): ProxyClient {
  async function call<T>(method: 'GET' | 'POST', route: string, body?: unknown): Promise<T> {
    const { proxyUrl, token } = await getSettings();
    const headers: Record<string, string> = { [HEADERS.token]: token };
    if (body !== undefined) headers['content-type'] = 'application/json';
    let response: Response;
    try {
      response = await fetch(proxyUrl + route, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        credentials: 'omit',
        cache: 'no-store',
      });
    } catch (error) {
      throw new ProxyUnreachableError(`Proxy ${proxyUrl} unreachable: ${String(error)}`);
    }
    const text = await response.text();
    const parsed: unknown = text === '' ? undefined : safeJson(text);
    if (!response.ok) throw new ProxyError(response.status, asApiError(parsed, response.status, text));
    return parsed as T;
  }

  return {
    me: async () => (await call<{ user: UserInfo }>('GET', ROUTES.me)).user,
    policy: () => call<PolicyReply>('GET', ROUTES.policy),
    approvalNeeded: (payload) => call<ApprovalNeededResponse>('POST', ROUTES.approvalNeeded, { payload }),
    createApproval: async (payload) => (await call<{ approval: ApprovalView }>('POST', ROUTES.approvals, { payload })).approval,
    approval: async (id) => (await call<{ approval: ApprovalView }>('GET', ROUTES.approval(id))).approval,
    pendingApprovals: async () =>
      (await call<{ approvals: ApprovalView[] }>('GET', `${ROUTES.approvals}?state=pending`)).approvals,
    decide: async (id, decision) => (await call<{ approval: ApprovalView }>('POST', ROUTES.decision(id), decision)).approval,
    withdraw: async (id) => (await call<{ approval: ApprovalView }>('POST', ROUTES.withdraw(id))).approval,
    reportBlockedUpload: async (event) => {
      await call<EventResponse>('POST', ROUTES.events, event);
    },
    reportFalseBlock: async (report) => {
      await call<EventResponse>('POST', ROUTES.falseBlocks, report);
    },
  };
}

/** The client of the extension's background, with the settings in force at each call. */
export const proxyClient = createProxyClient(async () => (await loadSettings()).settings);

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function asApiError(parsed: unknown, status: number, text: string): ApiError {
  if (parsed && typeof parsed === 'object' && 'error' in parsed) return parsed as ApiError;
  return { error: `http-${status}`, message: text.slice(0, 200) || `HTTP ${status}` };
}
