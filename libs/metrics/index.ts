export { buckets } from './buckets';
export { createMetrics, type CreateMetricsOptions, type Metrics } from './create-metrics';
export { labelValues, type QueueState, type TurnOutcome } from './label-values';
export { setCollector, type SetCollectorOptions } from './set-collector';
export { startMetricsServer, type HealthReport, type MetricsServerOptions } from './start-metrics-server';
