import { waitReplicas } from '#libs/redis';
import type { GatewayDeps } from './gateway-deps';
import { HttpProblem } from './http-problem';
import { settleWithin } from './settle-within';

/** Beyond WAIT's own timeout: the time for its reply, or for the client to give up on a master that is gone (a late WAIT is harmless). */
const REPLY_GRACE_MS = 1000;

/**
 * TURNQ_WAIT_REPLICAS > 0: before a turn is acknowledged, that many replicas of the master that owns
 * its session must have its writes (the submit and the job add), so a failover of that master cannot
 * lose it. Replication is asynchronous otherwise. When they do not confirm in time the turn is stored
 * on the master but not promised: 503, and the client retries with the same Idempotency-Key, which
 * finds the turn and confirms it again rather than storing a second one.
 */
export async function confirmReplicated(deps: Pick<GatewayDeps, 'redis' | 'store' | 'waitReplicas'>, sessionId: string): Promise<void> {
  const want = deps.waitReplicas?.count ?? 0;
  if (want === 0) return;
  const timeoutMs = deps.waitReplicas!.timeoutMs;
  const acked = await settleWithin(waitReplicas(deps.redis, deps.store.keysOf(sessionId).scriptKeys[0], want, timeoutMs), timeoutMs + REPLY_GRACE_MS, () => 0);
  if (acked < want) {
    throw new HttpProblem(503, `storage: ${acked} of ${want} Redis replicas confirmed the turn within ${timeoutMs} ms; `
      + 'retry with the same Idempotency-Key', { 'Retry-After': '1' });
  }
}
