export * from './job-schemas';
export { createQueues, QUEUE_EVENTS_KEPT, type Queues, type QueueOptions } from './create-queues';
export { startWorkers, closeWorkers, type WorkerOptions } from './start-workers';
export { settleTurnError, PermanentTurnError, type SettleContext } from './settle-turn-error';
export { createReconciler, type Reconciler, type ReconcilerOptions } from './create-reconciler';
