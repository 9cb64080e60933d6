import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import { Router, type Express } from 'express';
import { adminAuth } from '../middleware/admin-auth';
import type { GatewayDeps } from '../gateway-deps';

export const ADMIN_QUEUES_PATH = '/admin/queues';

/**
 * bull-board at /admin/queues, behind TURNQ_ADMIN_KEY; without a key the router is empty, so the path
 * is an ordinary 404 and nothing tells a scanner that an admin UI exists.
 *
 * Every partition's queue shares its stage's name (the partition lives in the Redis prefix), so each
 * is listed as `p<partition>:<stage>`; the `:` delimiter groups them by partition in the UI.
 *
 * Read-only (bull-board refuses every change with 405): a turn's state lives in the session store
 * behind fenced scripts, and retrying, removing or emptying jobs by hand works around that design; the
 * fences and the reconciler are there to repair faults, not operator surgery. The board is for looking.
 */
export function adminQueuesRouter({ queues, adminKey }: Pick<GatewayDeps, 'queues' | 'adminKey'>): Router {
  const r = Router();
  if (!adminKey) return r;
  const serverAdapter = new ExpressAdapter().setBasePath(ADMIN_QUEUES_PATH);
  createBullBoard({
    queues: queues.all().map(({ name, partition, queue }) => new BullMQAdapter(queue, {
      readOnlyMode: true,
      prefix: `p${partition}:`,
      delimiter: ':',
      description: `${name} stage, partition ${partition} (Redis prefix ${queue.opts.prefix ?? 'bull'})`,
    })),
    serverAdapter,
    options: { uiConfig: { boardTitle: 'turnq queues' } },
  });
  const board = serverAdapter.getRouter() as Express;
  board.disable('x-powered-by'); // bull-board's own express app; the gateway's setting does not reach it
  r.use(ADMIN_QUEUES_PATH, adminAuth(adminKey), board);
  return r;
}
