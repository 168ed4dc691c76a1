// The dashboard viewers of row 4, in a process of their own (like autocannon for row 2): in the
// bench's process their event loop would share its time with the statement counter's proxy,
// which carries the exporter's database traffic, and every stall there would be booked as
// exporter latency. Each viewer is a browser tab: its own keep-alive connections (one per panel
// request in flight, as a browser opens them), every path at once, once per poll period.
//
// Input: one JSON argument (ViewerLoadPlan). Output: one JSON line on stdout (ViewerLoadResult).
import { Agent, request } from 'node:http';
import { monitorEventLoopDelay } from 'node:perf_hooks';

export interface ViewerLoadPlan {
  url: string;
  headers: Record<string, string>;
  paths: string[];
  viewers: number;
  pollMs: number;
  windowMs: number;
}

export interface ViewerLoadResult {
  requests: number;
  failed: number;
  latenciesMs: number[];
  windowMs: number;
  /** This process's own event-loop delay (p99, max, ms): the share of the latencies that is the load generator's. */
  loopDelayP99Ms: number;
  loopDelayMaxMs: number;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function get(agent: Agent, plan: ViewerLoadPlan, path: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(`${plan.url}${path}`, { agent, headers: plan.headers }, (res) => {
      res.on('data', () => undefined);
      res.on('end', () => resolve(res.statusCode ?? 0));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

async function viewer(plan: ViewerLoadPlan, until: number, result: ViewerLoadResult): Promise<void> {
  const agent = new Agent({ keepAlive: true, maxSockets: plan.paths.length });
  try {
    await sleep(Math.random() * plan.pollMs); // viewers do not open their dashboards in step
    while (Date.now() < until) {
      const started = Date.now();
      await Promise.all(
        plan.paths.map(async (path) => {
          const requested = performance.now();
          try {
            const status = await get(agent, plan, path);
            result.latenciesMs.push(performance.now() - requested);
            if (status < 200 || status >= 300) result.failed += 1;
          } catch {
            result.failed += 1;
          }
          result.requests += 1;
        }),
      );
      await sleep(Math.max(0, plan.pollMs - (Date.now() - started)));
    }
  } finally {
    agent.destroy();
  }
}

async function runViewerLoad(plan: ViewerLoadPlan): Promise<ViewerLoadResult> {
  const result: ViewerLoadResult = { requests: 0, failed: 0, latenciesMs: [], windowMs: 0, loopDelayP99Ms: 0, loopDelayMaxMs: 0 };
  const loopDelay = monitorEventLoopDelay({ resolution: 1 });
  loopDelay.enable();
  const started = Date.now();
  await Promise.all(Array.from({ length: plan.viewers }, () => viewer(plan, started + plan.windowMs, result)));
  loopDelay.disable();
  result.windowMs = Date.now() - started;
  result.loopDelayP99Ms = loopDelay.percentile(99) / 1e6;
  result.loopDelayMaxMs = loopDelay.max / 1e6;
  return result;
}

const plan = JSON.parse(process.argv[2] ?? '') as ViewerLoadPlan;
process.stdout.write(`${JSON.stringify(await runViewerLoad(plan))}\n`);
