// Passthrough through this checkout's proxy against an earlier commit's, side by side in one run:
// both proxies run as their own processes in front of one upstream, measured in alternating
// rounds, idle and while large uploads are scanned. A change of the request path (a new step, a
// stricter reading) must keep req/s and p99 within 10% of the baseline.
//   EG_BASELINE=<commit> npm run bench proxy-baseline   (default: the commit before this round's proxy work)
import { Agent } from 'node:http';
import { fixtureBytes } from '../test/helpers/fixtures.js';
import { addWorktree, removeWorktree } from './baseline-worktree.js';
import type { Timing } from './load.js';
import { CONCURRENCY, load, startProxyProcess, startUpstream, stopProcess, whileScanning } from './proxy-process.js';

/** The last commit before the proxy read requests as the portal does (issue 11). */
const DEFAULT_BASELINE = '80797fb';
const REQUESTS = 2_000;
const ROUNDS = 5;
const SCANNING_UPLOADS = 4;

export async function run(): Promise<void> {
  const baseline = process.env.EG_BASELINE ?? DEFAULT_BASELINE;
  const worktree = addWorktree(baseline);
  const upstream = await startUpstream();
  const sides = { baseline: await startProxyProcess(upstream.url, worktree), current: await startProxyProcess(upstream.url) };
  const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  try {
    const leak = await fixtureBytes('leak-4.xlsx');
    for (const side of Object.values(sides)) await load(`${side.url}/page`, 300, agent);
    const idle = { baseline: [] as Timing[], current: [] as Timing[] };
    const busy = { baseline: [] as Timing[], current: [] as Timing[] };
    for (let round = 0; round < ROUNDS; round += 1) {
      // Which side goes first alternates, so a drift of the machine within a round favours neither.
      const order = round % 2 === 0 ? (['baseline', 'current'] as const) : (['current', 'baseline'] as const);
      for (const name of order) idle[name].push(await load(`${sides[name].url}/page`, REQUESTS, agent));
      for (const name of order) busy[name].push((await whileScanning(sides[name].url, SCANNING_UPLOADS, leak, () => load(`${sides[name].url}/page`, REQUESTS, agent))).timing);
    }
    const median = (timings: Timing[], key: keyof Timing) => timings.map((t) => t[key]).sort((a, b) => a - b)[Math.floor(timings.length / 2)]!;
    const row = (name: string, a: string, b: string, ratio: string) => console.log(`${name.padEnd(44)}${a.padStart(12)}${b.padStart(12)}${ratio.padStart(9)}`);
    row('', baseline.slice(0, 10), 'this tree', 'ratio');
    for (const [label, runs] of [['idle', idle], [`${SCANNING_UPLOADS} uploads scanning`, busy]] as const) {
      const rps = [median(runs.baseline, 'rps'), median(runs.current, 'rps')] as const;
      const p99 = [median(runs.baseline, 'p99'), median(runs.current, 'p99')] as const;
      row(`passthrough GET, ${label}: req/s`, rps[0].toFixed(0), rps[1].toFixed(0), (rps[1] / rps[0]).toFixed(2));
      row('  p99 (goal: within 10%)', `${p99[0].toFixed(2)} ms`, `${p99[1].toFixed(2)} ms`, (p99[1] / p99[0]).toFixed(2));
    }
    console.log(`  (median of ${ROUNDS} rounds of ${REQUESTS} requests, ${CONCURRENCY} at once, sides alternating)`);
  } finally {
    agent.destroy();
    await Promise.all(Object.values(sides).map((side) => stopProcess(side.child)));
    await new Promise((done) => upstream.server.close(done));
    removeWorktree(worktree);
  }
}
