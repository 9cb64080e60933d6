export { buildContext } from './build-context';
export { ContextOverflowError } from './context-overflow-error';
export type { ContextInput, ContextReport, ContextResult, HistoryMessage } from './context-types';
