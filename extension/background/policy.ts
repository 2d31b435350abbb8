// The policy in force, as the proxy has it (GET ROUTES.policy), so the extension's verdict and
// approval rule are the proxy's. Fetched at most every few minutes; when the proxy cannot be
// reached the last policy it gave stays in force, and before it ever answered the built-in one.
import browser from 'webextension-polyfill';
import type { Policy } from '../../shared/policy/types.js';
import { DEFAULT_POLICY } from '../../shared/policy/defaults.js';
import { DEFAULT_APPROVAL_RULE, type ApprovalRule } from '../../shared/approval/rule.js';
import { proxyClient } from './proxy-client.js';

const FRESH_MS = 5 * 60_000;
/** After a failed fetch: try again soon, the proxy may just be restarting. */
const RETRY_MS = 30_000;

export interface PolicyInForce {
  policy: Policy;
  approval: ApprovalRule;
  /** Where it came from, for the options page and the logs. */
  source: 'proxy' | 'built-in';
}

const BUILT_IN: PolicyInForce = { policy: DEFAULT_POLICY, approval: DEFAULT_APPROVAL_RULE, source: 'built-in' };

let inForce: PolicyInForce = BUILT_IN;
let freshUntil = 0;
let refreshing: Promise<PolicyInForce> | undefined;
/** Counts changes of proxy URL or token: an answer asked for before one is not kept. */
let settingsVersion = 0;
const changeListeners: (() => void)[] = [];

/** Called after the policy in force changed (e.g. the proxy now names other protected sites). */
export function onPolicyChanged(listener: () => void): void {
  changeListeners.push(listener);
}

// Another proxy URL or token may mean another policy: ask at the next use, not minutes later.
// Synchronous, so listeners that read the policy on the same change already get the new one.
browser.storage.onChanged.addListener((changes) => {
  if (!('proxyUrl' in changes || 'token' in changes)) return;
  settingsVersion++;
  freshUntil = 0;
  refreshing = undefined;
});

function isPolicy(value: unknown): value is Policy {
  const policy = value as Policy | undefined;
  return policy?.version === 1 && typeof policy.limits === 'object' && Array.isArray(policy.rules) && Array.isArray(policy.protectedSites);
}

function isApprovalRule(value: unknown): value is ApprovalRule {
  const rule = value as ApprovalRule | undefined;
  return Array.isArray(rule?.sendRoutes) && typeof rule?.threshold === 'object';
}

async function refresh(): Promise<PolicyInForce> {
  const askedAt = settingsVersion;
  try {
    const reply = (await proxyClient.policy()) as { policy?: unknown; approval?: unknown } | undefined;
    if (askedAt !== settingsVersion) return policyInForce();
    if (!isPolicy(reply?.policy)) throw new Error('the proxy answered without a valid policy');
    const next: PolicyInForce = {
      // A proxy of an earlier version leaves out the fields added since: theirs are the defaults.
      policy: { ...DEFAULT_POLICY, ...reply.policy },
      approval: isApprovalRule(reply.approval) ? reply.approval : DEFAULT_APPROVAL_RULE,
      source: 'proxy',
    };
    // Keep the same object while nothing changed: the scan cache is valid per policy object.
    if (JSON.stringify(next) !== JSON.stringify(inForce)) {
      inForce = next;
      for (const listener of changeListeners) listener();
    }
    freshUntil = Date.now() + FRESH_MS;
  } catch (error) {
    if (askedAt !== settingsVersion) return policyInForce();
    console.warn('export-guard: policy not refreshed from the proxy, keeping the', inForce.source, 'one:', String(error));
    freshUntil = Date.now() + RETRY_MS;
  }
  return inForce;
}

export function policyInForce(): Promise<PolicyInForce> {
  if (Date.now() < freshUntil) return Promise.resolve(inForce);
  if (!refreshing) {
    const current = refresh().finally(() => {
      if (refreshing === current) refreshing = undefined;
    });
    refreshing = current;
  }
  return refreshing;
}
