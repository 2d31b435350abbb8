// The proxy is a short list of named steps run in order for each request to the protected site,
// built here and nowhere else (buildSteps):
//   normalise target -> identify -> read body -> find files -> upload sessions -> scan files
//   -> require approval -> release held chunks -> forward
// Each step is a function of the request context, tested alone. A step either lets the request
// continue or answers it itself (a 4xx refusal); nothing reaches the upstream unless every step
// said 'continue'.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { UserInfo } from '../shared/api.js';
import type { Verdict } from '../shared/detector/types.js';
import { normaliseTargetStep } from './steps/normalise-target.js';
import { readBodyStep } from './steps/read-body.js';
import type { BodyBudget } from './body/budget.js';
import { findFilesStep } from './steps/find-files.js';
import { scanFilesStep, type ScanFilesDeps } from './steps/scan-files.js';
import { forwardStep, type ForwardDeps } from './steps/forward.js';
import { releaseHeldChunksStep, uploadSessionsStep, type UploadSessionsDeps } from './steps/upload-sessions.js';

/** A file found in a request body (a multipart part, a raw body, base64 inside JSON). */
export interface FoundFile {
  name: string;
  /** Where in the request: 'multipart:attachment', 'body', 'json:$.files[0].content'. */
  location: string;
  bytes: Uint8Array;
  /** A reading of text the request carries (a field, the body, joined fields), not an upload of its own. */
  text?: boolean;
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
  /** The body with its Content-Encoding undone: what the portal's parsers read. */
  content?: Buffer;
  files: FoundFile[];
  /** Set when this request completes a chunked upload: sends its earlier chunks on (proxy/steps/upload-sessions.ts). */
  releaseHeldChunks?: () => Promise<void>;
  /** Per-request id for logs and audit entries. */
  requestId: string;
}

export type StepResult = 'continue' | 'handled';

export type Step = (ctx: RequestContext) => Promise<StepResult>;

export interface NamedStep {
  name: string;
  run: Step;
}

export interface PipelineDeps {
  /** The four-eyes feature's steps (proxy/approval/index.ts). */
  identify: Step;
  requireApproval: Step;
  maxBodyBytes: number;
  bodies: BodyBudget;
  scan: ScanFilesDeps;
  uploadSessions: UploadSessionsDeps;
  forward: ForwardDeps;
}

export function buildSteps(deps: PipelineDeps): NamedStep[] {
  return [
    { name: 'normalise target', run: normaliseTargetStep() },
    { name: 'identify', run: deps.identify },
    { name: 'read body', run: readBodyStep(deps.maxBodyBytes, deps.bodies) },
    { name: 'find files', run: findFilesStep(deps.maxBodyBytes) },
    { name: 'upload sessions', run: uploadSessionsStep(deps.uploadSessions) },
    { name: 'scan files', run: scanFilesStep(deps.scan) },
    { name: 'require approval', run: deps.requireApproval },
    { name: 'release held chunks', run: releaseHeldChunksStep(deps.forward.log) },
    { name: 'forward', run: forwardStep(deps.forward) },
  ];
}

export async function runSteps(steps: readonly NamedStep[], ctx: RequestContext): Promise<StepResult> {
  for (const step of steps) {
    if ((await step.run(ctx)) === 'handled') return 'handled';
  }
  return 'continue';
}
