// A scan that ends without a verdict refuses the file: a deadline overrun (the worker is
// terminated) or a worker that dies. The proxy replaces the worker and keeps serving.
import { afterEach, describe, expect, it } from 'vitest';
import { fixtureBytes } from '../helpers/fixtures.js';
import type { UploadBlockedError } from '../../shared/api.js';
import { startUpstream, type Upstream } from './upstream.js';
import { startTestProxy, type TestProxy } from './start.js';

let upstream: Upstream | undefined;
let proxy: TestProxy | undefined;
afterEach(async () => {
  await proxy?.close();
  await upstream?.close();
});

async function uploadHarmless(): Promise<Response> {
  const bytes = await fixtureBytes('vacancies.xlsx');
  return fetch(`${proxy!.url}/api/attachments`, { method: 'POST', headers: { 'content-type': 'application/octet-stream' }, body: new Uint8Array(bytes) });
}

describe('fail closed', () => {
  it('refuses a harmless file whose scan overruns the deadline, and keeps serving', async () => {
    upstream = await startUpstream();
    proxy = await startTestProxy(upstream.url, { scan: { workers: 1, timeoutMs: 1 } });
    const response = await uploadHarmless();
    expect(response.status).toBe(422);
    const answer = (await response.json()) as UploadBlockedError;
    expect(answer.files[0]?.reasons.map((r) => r.code)).toEqual(['scan-timeout']);
    expect(upstream.received.length).toBe(0);
    expect(proxy.logLines.some((line) => line.includes('scan-worker-replaced'))).toBe(true);
    expect((await fetch(`${proxy.url}/after`)).status).toBe(200);
    expect((await (await fetch(`${proxy.url}/healthz`)).json()) as object).toMatchObject({ scanWorkers: 1 });
  });

  it('refuses a file whose scan worker runs out of memory', async () => {
    upstream = await startUpstream();
    proxy = await startTestProxy(upstream.url, { scan: { workers: 1, maxHeapMb: 8 } });
    const bytes = await fixtureBytes('leak-4.xlsx');
    const response = await fetch(`${proxy.url}/api/attachments`, { method: 'POST', headers: { 'content-type': 'application/octet-stream' }, body: new Uint8Array(bytes) });
    expect(response.status).toBe(422);
    const answer = (await response.json()) as UploadBlockedError;
    expect(answer.files[0]?.reasons.map((r) => r.code)).toEqual(['scan-failed']);
    expect(upstream.received.length).toBe(0);
  });
});
