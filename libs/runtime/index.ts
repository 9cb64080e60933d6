export { runWorkerService, type WorkerServiceContext, type WorkerServiceSpec } from './run-worker-service';
