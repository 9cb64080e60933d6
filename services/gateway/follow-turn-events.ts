import type { Response } from 'express';
import type { StreamEvent } from '#libs/session';
import type { GatewayDeps } from './gateway-deps';

export interface FollowOptions {
  /** Deliver events after this id (0: from the first). */
  after: number;
  /** The turn had ended before the call: its stream is whole, so deliver what is after `after` and stop. */
  ended?: boolean;
  heartbeatMs: number;
  /** Aborted when the client is gone: the loop stops at its next step. */
  signal: AbortSignal;
  /** Called in order, once per event; the loop ends after `done`, or after `gone` (id 0: the turn's session was deleted or expired). */
  onEvent(e: StreamEvent): Promise<void>;
  /** Called when nothing happened for `heartbeatMs` (keep-alives, liveness checks). */
  onIdle(): void | Promise<void>;
}

/**
 * Follows one turn's event stream in Redis until its `done` event: every event after `after` exactly
 * once and in order, waking on the hub's announcements and re-reading Redis every heartbeat anyway,
 * because an announcement is only a wake-up and may be lost. A turn whose session is deleted (DELETE
 * announces it) or gone by the next read ends the loop with a `gone` event instead. Shared by the SSE
 * route and the OpenAI-compatible endpoint so both replay the same way.
 */
export async function followTurnEvents({ store, hub }: Pick<GatewayDeps, 'store' | 'hub'>, turnId: string, o: FollowOptions): Promise<void> {
  let wake: (() => void) | null = null;
  let pending = false; // an announcement came while we were reading: read again instead of sleeping
  const onAbort = () => wake?.();
  o.signal.addEventListener('abort', onAbort);
  const unsubscribe = await hub.subscribe(store.channelOf(turnId)!, () => { pending = true; wake?.(); });
  let last = o.after;
  try {
    for (;;) {
      pending = false;
      const events = await store.events(turnId, last);
      for (const e of events) {
        if (o.signal.aborted) return;
        await o.onEvent(e);
        last = e.id;
        if (e.type === 'done' || e.type === 'gone') return;
      }
      if (o.signal.aborted || o.ended) return;
      if (pending) continue;
      const woke = await new Promise<boolean>((resolve) => {
        const timer = setTimeout(() => resolve(false), o.heartbeatMs);
        wake = () => { clearTimeout(timer); resolve(true); };
      });
      wake = null;
      if (!woke && !o.signal.aborted) await o.onIdle();
    }
  } finally {
    o.signal.removeEventListener('abort', onAbort);
    await unsubscribe();
  }
}

/** Writes SSE text, resolving once the socket took it (or closed): a slow reader slows the loop, not memory. */
export function writeSse(res: Response, text: string): Promise<void> {
  const ok = res.write(text);
  if (ok) return Promise.resolve();
  return new Promise((r) => {
    const done = () => { res.off('drain', done); res.off('close', done); r(); };
    res.once('drain', done).once('close', done);
  });
}

/** Aborted when the response's connection closes (the client left or the answer ended); callers may abort it too. */
export function abortOnClose(res: Response): AbortController {
  const ac = new AbortController();
  res.on('close', () => ac.abort());
  return ac;
}
