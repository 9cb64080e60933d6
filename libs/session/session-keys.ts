import { partitionOf } from './ids';

/**
 * Every key of a session carries its partition's hash tag `{<namespace>-<k>}`, which is also the BullMQ
 * prefix of the queues that carry its turns: in Redis Cluster each script then touches one slot, and
 * scaling out only raises the partition count (docs/architecture.md, "Keys and hash tags").
 */
export interface SessionKeys {
  partition: number;
  tag: string;
  /** The order every per-session script expects in KEYS (see session-scripts.ts). */
  scriptKeys: [string, string, string, string, string, string, string];
  /**
   * Prefix of the per-turn event lists: `<eventPrefix><seq>` (also the pub/sub channel). Segment `ev:`, not
   * the previous layout's `e:`, whose keys are STREAMs: list commands never meet one (WRONGTYPE) after an
   * upgrade, and those keys expire on their own, with their session or a day after their last event.
   */
  eventPrefix: string;
}

export function partitionTag(namespace: string, partition: number): string {
  return `{${namespace}-${partition}}`;
}

export function sessionKeys(namespace: string, partitions: number, sessionId: string): SessionKeys {
  const partition = partitionOf(sessionId, partitions);
  const tag = partitionTag(namespace, partition);
  const base = `${tag}:`;
  return {
    partition,
    tag,
    scriptKeys: [
      `${base}s:${sessionId}`, // 1 session hash
      `${base}m:${sessionId}`, // 2 message list
      `${base}t:${sessionId}`, // 3 turn fields (one hash for all turns: constant key count for the sliding TTL)
      `${base}q:${sessionId}`, // 4 mailbox: queued turn seqs, FIFO
      `${base}h:${sessionId}`, // 5 state history list
      `${base}i:${sessionId}`, // 6 idempotency keys
      `${base}inflight`, //       7 partition index: session -> time its active turn was handed over
    ],
    eventPrefix: `${base}ev:${sessionId}:`,
  };
}

export const inflightKey = (namespace: string, partition: number): string => `${partitionTag(namespace, partition)}:inflight`;
