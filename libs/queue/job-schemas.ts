import { z } from 'zod';

/** The stages a turn's jobs pass through, each its own queue and worker service. */
export const TURN_STAGES = ['intent', 'response'] as const;
export type TurnStage = (typeof TURN_STAGES)[number];
export const QUEUE_NAMES = ['intent', 'response', 'summary', 'memory'] as const;
export type QueueName = (typeof QUEUE_NAMES)[number];

export const turnJobSchema = z.object({
  sessionId: z.string().regex(/^ses_[0-9A-Za-z]{20}$/),
  seq: z.number().int().positive(),
  turnId: z.string().regex(/^trn_[0-9A-Za-z]{20}_[1-9][0-9]*$/),
  partition: z.number().int().min(0),
}).strict();
export type TurnJob = z.infer<typeof turnJobSchema>;

export const summaryJobSchema = z.object({
  sessionId: z.string().regex(/^ses_[0-9A-Za-z]{20}$/),
  partition: z.number().int().min(0),
}).strict();
export type SummaryJob = z.infer<typeof summaryJobSchema>;

/**
 * One per turn of a session with a user and memory on. It lives in the USER's partition's queue (its
 * worker writes there). `used`: the memories placed in the turn's prompt, marked used when it applies.
 * `gen`: written by the job's first run, the generation of the user's memory it started in; a later run
 * keeps to it, so a delete-all in between is never undone (libs/memory/memory-scripts.ts, APPLY).
 */
export const memoryJobSchema = z.object({
  tenant: z.string().min(1).max(64),
  userId: z.string().min(1).max(128),
  sessionId: z.string().regex(/^ses_[0-9A-Za-z]{20}$/),
  turnId: z.string().regex(/^trn_[0-9A-Za-z]{20}_[1-9][0-9]*$/),
  partition: z.number().int().min(0),
  used: z.array(z.string().regex(/^mem_[A-Za-z0-9_-]{20}$/)).max(200),
  gen: z.string().regex(/^[0-9]{1,20}$/).optional(),
}).strict();
export type MemoryJob = z.infer<typeof memoryJobSchema>;

/** Deterministic ids: adding the same turn's job twice is harmless while the job exists. */
export const turnJobId = (turnId: string): string => `turn-${turnId}`;
export const summaryJobId = (sessionId: string): string => `summary-${sessionId}`;
export const memoryJobId = (turnId: string): string => `memory-${turnId}`;
