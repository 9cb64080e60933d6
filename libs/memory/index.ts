export * from './memory-types';
export { memoryKeys, userHash, type MemoryKeys } from './memory-keys';
export { createMemoryStore, newMemoryId, isMemoryId, type MemoryStore, type MemoryStoreOptions, type MemorySnapshot, type ApplyResult, type AcquireResult } from './memory-store';
export { createMemoryCache, type MemoryCache } from './memory-cache';
export { rankMemories, mostSimilar, MIN_FACT_SIMILARITY, type RankedMemory } from './rank-memories';
export { normalized, encodeVector, decodeVector, dot } from './vector-codec';
export { EXTRACTION_MARKER, extractionMessages, parseExtraction, type ExtractedItem, type ExistingForPrompt } from './extraction-prompt';
