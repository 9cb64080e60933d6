/** The API shapes (docs/api.md, "Resources"; the schemas clients see are services/gateway/response-schemas.ts). */
export const INTENT_STATES = ['greeting', 'information_seeking', 'task_execution', 'problem_solving', 'casual_chat', 'ending', 'unknown'] as const;
export type ConversationState = (typeof INTENT_STATES)[number];
export type TurnStatus = 'queued' | 'running' | 'completed' | 'failed' | 'cancelled';
export type TurnStage = 'intent' | 'response';
export const TERMINAL: ReadonlySet<TurnStatus> = new Set(['completed', 'failed', 'cancelled']);

export interface StateChange { from: string; to: string; turnId: string; at: string }

export interface Session {
  id: string;
  userId: string | null;
  state: string;
  stateHistory: StateChange[];
  messageCount: number;
  totalTokens: number;
  summary: { text: string; tokens: number; coversMessages: number } | null;
  pendingTurns: number;
  metadata: Record<string, string>;
  /** Whether the session's turns feed and use the user's long-term memory: a userId, and not "memory": false. */
  memory: boolean;
  systemPrompt: string | null;
  createdAt: string;
  lastActivityAt: string;
  expiresAt: string | null;
}

export interface Message {
  id: string;
  turnId: string;
  role: 'user' | 'assistant';
  content: string;
  tokens: number;
  createdAt: string;
  summarized: boolean;
}

export interface IntentRecord { label: string; confidence: number; method: 'keyword' | 'llm' | 'fallback' }
export interface SentimentRecord { label: 'negative' | 'neutral' | 'positive'; intensity: number; method: 'keyword' | 'llm' | 'fallback' }
export interface Usage { promptTokens: number; completionTokens: number; totalTokens: number }
export interface ContextReport {
  originalTokens: number; keptTokens: number; compressionRatio: number;
  messagesTotal: number; messagesKept: number; summaryUsed: boolean;
  /** Long-term memories placed in the prompt. */
  memories: number;
  /** The tone instruction added after the state prompt for a negative turn (response-worker), or null. */
  tone?: { instruction: string; negativeRun: number } | null;
}
export interface TurnError { code: string; message: string }

export interface Turn {
  turnId: string;
  sessionId: string;
  seq: number;
  status: TurnStatus;
  stage: TurnStage | null;
  input: string;
  intent: IntentRecord | null;
  sentiment: SentimentRecord | null;
  state: { from: string; to: string } | null;
  response: string | null;
  usage: Usage | null;
  context: ContextReport | null;
  timings: { queuedMs: number; intentMs: number; responseMs: number; totalMs: number } | null;
  error: TurnError | null;
  model: string | null;
  createdAt: string;
  startedAt: string | null;
  completedAt: string | null;
}

/** A stored history message as the context builder sees it. */
export interface StoredMessage {
  id: string;
  turnId: string;
  role: 'user' | 'assistant';
  content: string;
  tokens: number;
  intent: string | null;
  createdAtMs: number;
}

/** One SSE event of a turn; `id` counts the turn's events from 1. */
export interface StreamEvent { id: number; type: string; data: string }
