/** Below this many samples a p99 is just the largest one, and a median moves with every outlier. */
export const MIN_WINDOW = 10;
/** A step to more sessions that gains less than this is the plateau: the run reached saturation. */
const PLATEAU_GAIN = 0.1;
/** A machine this busy is saturated whatever the session counts say. */
const BUSY = 0.9;

/**
 * Whether a saturation run found the ceiling: throughput stopped rising when sessions were added, or
 * the CPU was (nearly) all used. When neither, its number is a lower bound, and so is anything derived
 * from it (the Little's-law "allowed" throughput).
 */
export function saturationNote(tried: ReadonlyArray<{ sessions: number; turnsPerSec: number }>, busyShare: number): string | null {
  if (busyShare >= BUSY || tried.length === 0) return null;
  const sorted = [...tried].sort((a, b) => a.sessions - b.sessions);
  const last = sorted[sorted.length - 1];
  const prev = sorted.length > 1 ? sorted[sorted.length - 2] : null;
  const best = Math.max(...sorted.map((t) => t.turnsPerSec));
  const rising = last.turnsPerSec >= best && (prev === null || last.turnsPerSec > prev.turnsPerSec * (1 + PLATEAU_GAIN));
  if (!rising) return null;
  const gain = prev ? `; it still rose ${Math.round((last.turnsPerSec / prev.turnsPerSec - 1) * 100)}% from ${prev.sessions} to ${last.sessions} sessions` : '';
  return `NOT SATURATED: the CPU was ${Math.round(busyShare * 100)}% busy${gain}. ${last.turnsPerSec} turns/s is a lower bound; try more --sessions.`;
}

/** Why a Little's-law ratio above 100% is not a result: its "allowed" rests on a capacity that was not the ceiling. */
export function littlesLawNote(ratio: number, capacitySaturated: boolean): string | null {
  if (!capacitySaturated) return 'the capacity it is capped by comes from an unsaturated run (a lower bound), so this ratio says nothing';
  if (ratio > 1.05) return 'measured above the allowed throughput: W₀ or the capacity was measured too short; rerun with a longer --duration';
  return null;
}

export function windowNote(window: number): string | null {
  return window < MIN_WINDOW ? `--window ${window} is too small to mean much: p50/p99 of ${window} turns are barely more than the middle and largest sample; use ${MIN_WINDOW} or more (20 by default)` : null;
}
