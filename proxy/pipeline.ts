// The proxy is a short list of named steps run in order for each request to the protected site:
//   identify -> read body -> scan files -> require approval -> forward
// Each step is a function of the request context, tested alone. A step either lets the request
// continue or answers it itself (a 4xx refusal); nothing reaches the upstream unless every step
// said 'continue'.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { UserInfo } from '../shared/api.js';
import type { Verdict } from '../shared/detector/types.js';

/** A file found in a request body (a multipart part, a raw body, base64 inside JSON). */
export interface FoundFile {
  name: string;
  /** Where in the request: 'multipart:attachment', 'body', 'json:$.files[0].content'. */
  location: string;
  bytes: Uint8Array;
  verdict?: Verdict;
}

export interface RequestContext {
  req: IncomingMessage;
  res: ServerResponse;
  url: URL;
  /** Set by the identify step when the request carries a valid credential. */
  user?: UserInfo;
  /** The whole request body, when a step needed to read it (uploads and sends are read; GETs are not). */
  body?: Buffer;
  files: FoundFile[];
  /** Per-request id for logs and audit entries. */
  requestId: string;
}

export type StepResult = 'continue' | 'handled';

export type Step = (ctx: RequestContext) => Promise<StepResult>;

export async function runSteps(steps: readonly Step[], ctx: RequestContext): Promise<StepResult> {
  for (const step of steps) {
    if ((await step(ctx)) === 'handled') return 'handled';
  }
  return 'continue';
}
