// Helpers of the orchestrator: a bounded concurrent loop (settling tiers) and a progress bar. The measurements
// themselves come from the load client (load-client.ts).

export interface Stats {
  requests: number;
  errors: number;
  seconds: number;
  perSecond: number;
  p50Ms: number;
  p99Ms: number;
  /** Every call's latency, ascending. */
  latencies: number[];
}

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const idx = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[idx] ?? Number.NaN;
}

/**
 * Runs `total` calls of `one(i)` with at most `concurrency` in flight (a fixed pool of workers pulling the next
 * index), recording each call's latency. A call that throws or returns false counts as an error.
 */
export async function loop(total: number, concurrency: number, one: (i: number) => Promise<boolean>): Promise<Stats> {
  const latencies: number[] = [];
  let next = 0;
  let errors = 0;
  const started = performance.now();
  const worker = async () => {
    for (;;) {
      const i = next++;
      if (i >= total) return;
      const t0 = performance.now();
      let ok = false;
      try {
        ok = await one(i);
      } catch {
        ok = false;
      }
      latencies.push(performance.now() - t0);
      if (!ok) errors += 1;
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, total)) }, worker));
  const seconds = (performance.now() - started) / 1000;
  return statsOf(latencies, errors, seconds);
}

function statsOf(latencies: number[], errors: number, seconds: number): Stats {
  latencies.sort((a, b) => a - b);
  const requests = latencies.length;
  return { requests, errors, seconds, perSecond: requests / seconds, p50Ms: percentile(latencies, 50), p99Ms: percentile(latencies, 99), latencies };
}

/** A progress bar on stderr (stdout stays clean for the report). */
export function progressBar(label: string): (done: number, total: number, extra?: string) => void {
  const started = Date.now();
  return (done, total, extra = '') => {
    const width = 30;
    const filled = Math.round((done / Math.max(1, total)) * width);
    const pct = ((done / Math.max(1, total)) * 100).toFixed(0).padStart(3);
    const secs = ((Date.now() - started) / 1000).toFixed(1);
    process.stderr.write(`\r${label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${pct}% ${done}/${total} ${extra} ${secs}s   `);
    if (done >= total) process.stderr.write('\n');
  };
}
