export { ConfigError } from './config-error';
export { loadConfig, type Config } from './load-config';
