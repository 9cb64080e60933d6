/**
 * The closed set of intent labels and conversation states (contract, "Shapes"). Metrics use these as
 * label values, so nothing outside this list may ever reach them.
 */
export const INTENT_LABELS = [
  'greeting',
  'information_seeking',
  'task_execution',
  'problem_solving',
  'casual_chat',
  'ending',
  'unknown',
] as const;

export type IntentLabel = (typeof INTENT_LABELS)[number];

/** `unknown` is the absence of an intent, never a place the conversation can be in. */
export type ConversationState = Exclude<IntentLabel, 'unknown'>;

export const CONVERSATION_STATES = INTENT_LABELS.filter(
  (label): label is ConversationState => label !== 'unknown',
);

/** keyword: decided locally; llm: the model answered a known label; fallback: neither could decide. */
export type IntentMethod = 'keyword' | 'llm' | 'fallback';

export interface IntentResult {
  label: IntentLabel;
  /** In [0, 1]. */
  confidence: number;
  method: IntentMethod;
}

export interface Classification {
  label: IntentLabel;
  confidence: number;
}

export function isIntentLabel(value: unknown): value is IntentLabel {
  return typeof value === 'string' && (INTENT_LABELS as readonly string[]).includes(value);
}

export function isConversationState(value: unknown): value is ConversationState {
  return isIntentLabel(value) && value !== 'unknown';
}
