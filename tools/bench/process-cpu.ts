import { readFileSync } from 'node:fs';

export interface CpuSample { at: number; seconds: Map<string, number> }

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
  return { at: performance.now(), seconds };
}

/** Milliseconds of CPU per turn per process between two samples, and the machine's busy share. */
export function cpuPerTurn(a: CpuSample, b: CpuSample, turns: number, cores: number): { msPerTurn: Record<string, number>; totalMsPerTurn: number; busyShare: number } {
  const msPerTurn: Record<string, number> = {};
  let total = 0;
  for (const [name, s] of b.seconds) {
    const d = s - (a.seconds.get(name) ?? s);
    total += d;
    msPerTurn[name] = Math.round((d * 1000 * 100) / Math.max(1, turns)) / 100;
  }
  const wall = (b.at - a.at) / 1000;
  return { msPerTurn, totalMsPerTurn: Math.round((total * 1000 * 100) / Math.max(1, turns)) / 100, busyShare: Math.round((total / (wall * cores)) * 100) / 100 };
}
