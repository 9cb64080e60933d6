/** What turnq needs from a chat model; `createLlm` implements it over the official openai SDK. */
export type ChatRole = 'system' | 'user' | 'assistant';

export interface ChatMessage {
  role: ChatRole;
  content: string;
  name?: string;
}

/** `extract`: the memory worker's extraction call; `embed`: embeddings for memory retrieval. */
export type LlmOperation = 'chat' | 'classify' | 'summarize' | 'extract' | 'embed';

export interface LlmUsage {
  promptTokens: number;
  completionTokens: number;
  totalTokens: number;
}

export interface CompleteRequest {
  model: string;
  operation: LlmOperation;
  messages: ChatMessage[];
  maxTokens?: number;
  temperature?: number;
  /** Ask for a JSON object answer (`response_format: { type: 'json_object' }`). */
  json?: boolean;
  signal?: AbortSignal;
  /**
   * The caller's exact count of `messages` the way the provider counts prompt_tokens (buildContext has
   * one): used when the provider reports no usage, instead of counting the whole prompt again.
   */
  promptTokens?: number;
}

export interface CompleteResult {
  text: string;
  usage: LlmUsage;
  /** The model that answered, as the provider reports it. */
  model: string;
  /** true when the provider reported no usage and it was counted locally. */
  usageEstimated: boolean;
}

export interface StreamRequest extends CompleteRequest {
  /** Called synchronously as each piece arrives; buffer or hand off, do not block. */
  onDelta(text: string): void;
}

export interface StreamResult extends CompleteResult {
  timeToFirstTokenMs: number | null;
}

export interface EmbedRequest {
  model: string;
  input: string[];
  signal?: AbortSignal;
}

export interface EmbedResult {
  /** One per input, in order, unit length (cosine similarity is then a dot product). */
  vectors: Float32Array[];
  usage: { promptTokens: number };
  model: string;
}

export interface Llm {
  complete(req: CompleteRequest): Promise<CompleteResult>;
  stream(req: StreamRequest): Promise<StreamResult>;
  embed(req: EmbedRequest): Promise<EmbedResult>;
}
