// The benchmark's load client, run as its own process (bench/src/processes.ts starts it once per benchmark) so that
// the servers under test do not share an event loop or a core's time slice with the client that measures them. It
// reads one LoadSpec per line on stdin, drives autocannon over real sockets for it (keep-alive, `connections` in
// flight, one run at a time) and prints one JSON line with the result on stdout.
import readline from 'node:readline';
import autocannon from 'autocannon';
import { seededRandom } from '../../packages/server/src/demo/seeded-random.ts';

export interface LoadTarget {
  path: string;
  token?: string;
}

export interface LoadSpec {
  url: string;
  method: 'GET' | 'POST';
  /** Each request goes to one of these, chosen at random (a seeded sequence). */
  targets: LoadTarget[];
  /** POST bodies: a random daily check-in. */
  body?: 'check-in';
  connections: number;
  /** Run for this many seconds, or … */
  seconds?: number;
  /** … send exactly this many requests. */
  amount?: number;
  seed: number;
  /** Seconds a request may take before it counts as a timeout (30 unless given). */
  timeoutSeconds?: number;
}

export interface LoadResult {
  requests: number;
  ok: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  seconds: number;
  perSecond: number;
  meanMs: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  bytesRead: number;
}


async function run(spec: LoadSpec): Promise<LoadResult> {
  const random = seededRandom(spec.seed);
  const checkIn = () =>
    JSON.stringify({
      mood0to10: 3 + Math.floor(random() * 6),
      sleepHours: 5 + Math.floor(random() * 30) / 10,
      craving0to10: Math.floor(random() * 4),
      usedOutsideSession: false,
      bladderSymptoms: false,
      cognitiveComplaint: false,
      sideEffects: random() < 0.2 ? ['nausea'] : [],
    });
  const pick = () => spec.targets[Math.floor(random() * spec.targets.length)] ?? spec.targets[0];
  let firstFailure = '';
  const started = performance.now();
  const instance = autocannon({
    url: spec.url,
    connections: spec.connections,
    ...(spec.amount !== undefined ? { amount: spec.amount } : { duration: spec.seconds ?? 5 }),
    timeout: spec.timeoutSeconds ?? 30,
    requests: [
      {
        method: spec.method,
        setupRequest: (request) => {
          const target = pick();
          const headers: Record<string, string> = {};
          if (target?.token) headers['authorization'] = `Bearer ${target.token}`;
          if (spec.body === 'check-in') headers['content-type'] = 'application/json';
          return { ...request, path: target?.path ?? '/', headers, ...(spec.body === 'check-in' ? { body: checkIn() } : {}) };
        },
        onResponse: (status, body) => {
          if ((status < 200 || status > 299) && !firstFailure) firstFailure = `${status} ${String(body).slice(0, 300)}`;
        },
      },
    ],
  });
  const result = await instance;
  // autocannon's own duration for a timed run; the wall time of the run for a fixed number of requests.
  const seconds = spec.amount === undefined ? result.duration : (performance.now() - started) / 1000;
  const ok = result['2xx'];
  const out: LoadResult = {
    requests: result.requests.total,
    ok,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    seconds,
    perSecond: ok / Math.max(seconds, 1e-9),
    meanMs: result.latency.average,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    maxMs: result.latency.max,
    bytesRead: result.throughput.total,
  };
  if (firstFailure) process.stderr.write(`load-client: first failure: ${firstFailure}\n`);
  return out;
}

// One spec at a time, in the order they come; a failed run answers {"error": …} and the client goes on.
let queue = Promise.resolve();
readline.createInterface({ input: process.stdin }).on('line', (line) => {
  if (!line.trim()) return;
  queue = queue.then(async () => {
    try {
      process.stdout.write(`${JSON.stringify(await run(JSON.parse(line) as LoadSpec))}\n`);
    } catch (error) {
      process.stdout.write(`${JSON.stringify({ error: String(error instanceof Error ? error.stack : error) })}\n`);
    }
  });
});
