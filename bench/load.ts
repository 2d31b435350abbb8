// Timed load for the benchmarks: a fixed number of clients working through a queue of tasks.

export interface Timing {
  rps: number;
  p50: number;
  p99: number;
}

/** Runs `total` tasks, `clients` at a time, timing each. */
export async function concurrently(clients: number, total: number, task: (i: number) => Promise<unknown>): Promise<Timing> {
  const latencies: number[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (next < total) {
        const i = next++;
        const t = performance.now();
        await task(i);
        latencies.push(performance.now() - t);
      }
    }),
  );
  return { rps: (total / (performance.now() - started)) * 1000, p50: percentile(latencies, 50), p99: percentile(latencies, 99) };
}

/** Nearest rank: the value that p percent of `values` do not exceed. */
export function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}
