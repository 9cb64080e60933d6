export * from './types';
export { LlmError, type LlmErrorType } from './llm-error';
export { createLlm, type LlmOptions } from './create-llm';
export { instrumentLlm } from './instrument-llm';
