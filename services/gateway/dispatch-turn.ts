import type { TurnRef } from '#libs/session';
import type { GatewayDeps } from './gateway-deps';
import { settleWithin } from './settle-within';

/**
 * The longest a request waits for its turn's job to be added. A failed or slow add (the shard failing
 * over) leaves an active turn without a job; the reconciler adds it under the same job id, so the turn
 * is accepted either way and a late add is harmless.
 */
const DISPATCH_WAIT_MS = 2000;

/** Adds the intent job of a turn that just became its session's active one. */
export async function dispatchTurn(deps: Pick<GatewayDeps, 'queues' | 'logger'>, ref: TurnRef): Promise<void> {
  const added = deps.queues.addTurn('intent', ref).then(() => null, (err: Error) => err.message);
  const err = await settleWithin(added, DISPATCH_WAIT_MS, () => `no answer within ${DISPATCH_WAIT_MS} ms`);
  if (err !== null) deps.logger.warn({ turnId: ref.turnId, err }, 'dispatch failed; the reconciler will retry');
}
