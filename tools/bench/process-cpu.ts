import { readFileSync } from 'node:fs';

export interface CpuSample { at: number; seconds: Map<string, number>; machineSeconds: number | null }

/** USER_HZ: the unit of utime/stime in /proc/<pid>/stat; 100 on every mainstream Linux build. */
const TICKS_PER_SECOND = 100;

function procSeconds(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the parenthesised command name (which may contain spaces): utime and stime are 14 and 15.
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(rest[11]) + Number(rest[12])) / TICKS_PER_SECOND;
  } catch {
    return null;
  }
}

/** Busy CPU seconds of the whole machine, all processes (the first line of /proc/stat). */
function machineSeconds(): number | null {
  try {
    const f = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
    // user nice system idle iowait irq softirq steal: busy is everything but idle and iowait.
    return (f[0] + f[1] + f[2] + f[5] + f[6] + f[7]) / TICKS_PER_SECOND;
  } catch {
    return null;
  }
}

/**
 * CPU seconds used so far by each named process (Linux /proc; other systems give an empty sample) and
 * by this process. The difference of two samples divided by the turns in between is the CPU cost of a
 * turn per process, which says where a CPU-bound machine's time goes.
 */
export function sampleCpu(processes: Array<{ name: string; pid: number | undefined }>): CpuSample {
  const seconds = new Map<string, number>();
  for (const p of processes) {
    const s = p.pid === undefined ? null : procSeconds(p.pid);
    if (s !== null) seconds.set(p.name, s);
  }
  const self = process.cpuUsage();
  seconds.set('bench (load generator)', (self.user + self.system) / 1e6);
  return { at: performance.now(), seconds, machineSeconds: machineSeconds() };
}

/**
 * Milliseconds of CPU per turn per process between two samples, the share of the machine these
 * processes kept busy, and the share other processes took meanwhile (another user's build on a
 * shared machine makes every number of the run worse; the report says so instead of hiding it).
 */
export function cpuPerTurn(a: CpuSample, b: CpuSample, turns: number, cores: number): { msPerTurn: Record<string, number>; totalMsPerTurn: number; busyShare: number; otherShare: number | null } {
  const msPerTurn: Record<string, number> = {};
  let total = 0;
  for (const [name, s] of b.seconds) {
    const d = s - (a.seconds.get(name) ?? s);
    total += d;
    msPerTurn[name] = Math.round((d * 1000 * 100) / Math.max(1, turns)) / 100;
  }
  const capacity = ((b.at - a.at) / 1000) * cores;
  const machine = a.machineSeconds === null || b.machineSeconds === null ? null : b.machineSeconds - a.machineSeconds;
  return {
    msPerTurn,
    totalMsPerTurn: Math.round((total * 1000 * 100) / Math.max(1, turns)) / 100,
    busyShare: Math.round((total / capacity) * 100) / 100,
    otherShare: machine === null ? null : Math.max(0, Math.round(((machine - total) / capacity) * 100) / 100),
  };
}

/** Share of the machine (0–1) busy over the next `ms`, all processes; null where /proc/stat is missing. */
export async function machineBusy(ms: number, cores: number): Promise<number | null> {
  const a = machineSeconds();
  const t0 = performance.now();
  await new Promise((r) => setTimeout(r, ms));
  const b = machineSeconds();
  return a === null || b === null ? null : Math.round(((b - a) / (((performance.now() - t0) / 1000) * cores)) * 100) / 100;
}
