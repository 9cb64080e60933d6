import type { HistoryUnit } from './history-units';
import { importanceScores } from './importance-scores';

/**
 * The newest units that fit, stopping at the first that does not: the kept history stays one
 * unbroken stretch ending at the present.
 */
export function selectNewestFirst(units: readonly HistoryUnit[], budget: number): HistoryUnit[] {
  const kept: HistoryUnit[] = [];
  let left = budget;
  for (let i = units.length - 1; i >= 0 && units[i]!.tokens <= left; i--) {
    kept.push(units[i]!);
    left -= units[i]!.tokens;
  }
  return kept.reverse();
}

/**
 * The newest unit first whenever it fits (the new turn nearly always builds on it: "that code",
 * "try again"), then the rest by importance, best first, skipping any that no longer fit.
 * Returned in chronological order.
 */
export function selectByImportance(units: readonly HistoryUnit[], budget: number, newTurn: string): HistoryUnit[] {
  if (units.length === 0) return [];
  const scores = importanceScores(units, newTurn);
  const newest = units[units.length - 1]!;
  const rest = units
    .slice(0, -1)
    .sort((a, b) => scores[b.index]! - scores[a.index]! || b.index - a.index);
  const kept: HistoryUnit[] = [];
  let left = budget;
  for (const unit of [newest, ...rest]) {
    if (unit.tokens > left) continue;
    kept.push(unit);
    left -= unit.tokens;
  }
  return kept.sort((a, b) => a.index - b.index);
}
