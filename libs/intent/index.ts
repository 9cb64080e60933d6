export {
  INTENT_LABELS,
  CONVERSATION_STATES,
  isIntentLabel,
  isConversationState,
  type IntentLabel,
  type ConversationState,
  type IntentMethod,
  type IntentResult,
  type Classification,
} from './intent-labels';
export { loadIntentTables, IntentTablesError, type IntentTables, type LabelTable } from './load-intent-tables';
export { classifyByKeywords, keywordScores, DEFAULT_KEYWORD_THRESHOLD } from './classify-by-keywords';
export { classifyRequestMessages, parseClassification } from './llm-classification';
export { classifyIntent, type ClassifyIntentInput, type IntentLlm, type TurnReading } from './classify-intent';
export {
  INITIAL_STATE,
  nextState,
  isStateChange,
  transition,
  statePrompt,
  composeSystemPrompt,
  type StateTransition,
} from './conversation-state';
export { SENTIMENT_LABELS, isSentimentLabel, type SentimentLabel, type SentimentMethod, type Sentiment } from './sentiment-labels';
export { loadSentimentLexicon, scoreSentiment, type SentimentLexicon, type SentimentReading } from './score-sentiment';
export { chooseTone, NEGATIVE_RUN, TONES, type Tone, type ToneName } from './choose-tone';
