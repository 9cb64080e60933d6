import type { ConversationState, IntentLabel } from './intent-labels';
import type { IntentTables } from './load-intent-tables';

/** Where every new session starts (contract, "Shapes"). */
export const INITIAL_STATE: ConversationState = 'greeting';

/**
 * The state follows the turn's intent; `unknown` says nothing about where the user is, so it keeps
 * the current state. Starting over after `ending` needs no special case: a greeting leads to greeting.
 */
export function nextState(current: ConversationState, intent: IntentLabel): ConversationState {
  return intent === 'unknown' ? current : intent;
}

/** Only a real change gets a `stateHistory` entry. */
export function isStateChange(from: ConversationState, to: ConversationState): boolean {
  return from !== to;
}

export interface StateTransition {
  from: ConversationState;
  to: ConversationState;
  changed: boolean;
}

export function transition(current: ConversationState, intent: IntentLabel): StateTransition {
  const to = nextState(current, intent);
  return { from: current, to, changed: isStateChange(current, to) };
}

export function statePrompt(state: ConversationState, tables: IntentTables): string {
  return tables.prompts[state];
}

/**
 * The session's own prompt stays first and whole (it is the operator's or client's instruction);
 * the state prompt follows it as guidance for this turn, and a tone instruction (choose-tone.ts), when
 * the user is unhappy, comes last.
 */
export function composeSystemPrompt(
  sessionSystemPrompt: string | null,
  state: ConversationState,
  tables: IntentTables,
  tone: string | null = null,
): string {
  const own = sessionSystemPrompt?.trim() ?? '';
  return [own, statePrompt(state, tables), tone ?? ''].filter((part) => part !== '').join('\n\n');
}
