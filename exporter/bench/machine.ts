// How busy the machine is apart from the bench: the bench shares 2 cores with whatever else
// runs (test suites, builds), and a busy neighbour shows up directly in p99 latencies.
import { readFileSync } from 'node:fs';
import { sleep } from './stats.js';

function cpuTimes(): { busy: number; total: number } {
  // First line of /proc/stat: user nice system idle iowait irq softirq steal ... (jiffies, all cores)
  const fields = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0]!.trim().split(/\s+/).slice(1).map(Number);
  const total = fields.slice(0, 8).reduce((sum, value) => sum + value, 0);
  const idle = fields[3]! + fields[4]!;
  return { busy: total - idle, total };
}

/**
 * Share of all cores (0..1) used over `ms` while the bench itself sits idle: that is other
 * processes' load. Undefined where /proc/stat is unavailable.
 */
export async function neighbourCpuShare(ms = 1_000): Promise<number | undefined> {
  try {
    const before = cpuTimes();
    await sleep(ms);
    const after = cpuTimes();
    return (after.busy - before.busy) / Math.max(1, after.total - before.total);
  } catch {
    return undefined;
  }
}
