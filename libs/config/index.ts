export { ConfigError } from './config-error';
export { CLUSTER_DEFAULT_PARTITIONS, loadConfig, type Config } from './load-config';
