/** The Memory shape of the contract ("Additions (second round)", Shapes). */
export const MEMORY_KINDS = ['profile', 'preference', 'fact'] as const;
export type MemoryKind = (typeof MEMORY_KINDS)[number];

export interface Memory {
  id: string;
  userId: string;
  text: string;
  kind: MemoryKind;
  createdAt: string;
  updatedAt: string;
  /** The turn it was extracted from (or last updated by); null when added by hand. */
  sourceTurnId: string | null;
  /** What this memory said before, oldest first, each with the time it stopped being true. */
  supersedes: Array<{ text: string; until: string }>;
}

/** A memory with its unit-length vector, as retrieval and reconciliation see it. */
export interface StoredMemory {
  id: string;
  text: string;
  kind: MemoryKind;
  createdAtMs: number;
  updatedAtMs: number;
  vector: Float32Array;
}

/** One change the memory worker applies: a new memory, or a new text for an existing one. */
export type MemoryOp =
  | { op: 'add'; text: string; kind: MemoryKind; vector: Float32Array }
  | { op: 'update'; id: string; text: string; kind: MemoryKind; vector: Float32Array };
