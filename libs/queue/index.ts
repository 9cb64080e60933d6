export * from './job-schemas';
export { createQueues, type Queues, type QueueOptions } from './create-queues';
export { startWorkers, closeWorkers, type WorkerOptions } from './start-workers';
