export * from './ids';
export * from './session-types';
export { sessionKeys, partitionTag, inflightKey, type SessionKeys } from './session-keys';
export { createSessionStore, GONE, type SessionStore, type TurnRef, type SubmitResult, type CancelResult, type NewSession, type StoreOptions } from './session-store';
export { createPipelineStore, type PipelineStore, type ResponseSnapshot, type StartResult, type CommitOutcome } from './pipeline-store';
export { decodeEvent } from './decode';
export { checkPartitions, partitionsKey, PartitionCountError } from './check-partitions';
