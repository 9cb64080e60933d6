import { composeSystemPrompt, INITIAL_STATE, isStateChange, nextState, statePrompt, transition } from './conversation-state';
import { CONVERSATION_STATES, type IntentLabel } from './intent-labels';
import { loadIntentTables } from './load-intent-tables';

const tables = loadIntentTables();

describe('conversation state', () => {
  it('starts a new session in greeting', () => {
    expect(INITIAL_STATE).toBe('greeting');
  });

  it('follows the intent of the turn', () => {
    expect(nextState('greeting', 'information_seeking')).toBe('information_seeking');
    expect(nextState('information_seeking', 'problem_solving')).toBe('problem_solving');
  });

  it('keeps the current state on unknown', () => {
    expect(nextState('task_execution', 'unknown')).toBe('task_execution');
    expect(transition('task_execution', 'unknown')).toEqual({ from: 'task_execution', to: 'task_execution', changed: false });
  });

  it('starts over with greeting after ending', () => {
    expect(transition('ending', 'greeting')).toEqual({ from: 'ending', to: 'greeting', changed: true });
  });

  it('reports a change only when the state differs', () => {
    const intents: IntentLabel[] = ['greeting', 'information_seeking', 'information_seeking', 'unknown', 'ending', 'greeting'];
    let state = INITIAL_STATE;
    const changes: string[] = [];
    for (const intent of intents) {
      const next = nextState(state, intent);
      if (isStateChange(state, next)) changes.push(`${state}->${next}`);
      state = next;
    }
    expect(changes).toEqual(['greeting->information_seeking', 'information_seeking->ending', 'ending->greeting']);
  });

  it('has a distinct prompt for every state', () => {
    const prompts = CONVERSATION_STATES.map((state) => statePrompt(state, tables));
    expect(prompts.every((p) => p.length > 20)).toBe(true);
    expect(new Set(prompts).size).toBe(CONVERSATION_STATES.length);
  });

  it('keeps the session prompt first and adds the state prompt', () => {
    const composed = composeSystemPrompt('You are a pirate.', 'ending', tables);
    expect(composed.startsWith('You are a pirate.\n\n')).toBe(true);
    expect(composed.endsWith(tables.prompts.ending)).toBe(true);
  });

  it('uses the state prompt alone when the session has none', () => {
    expect(composeSystemPrompt(null, 'casual_chat', tables)).toBe(tables.prompts.casual_chat);
    expect(composeSystemPrompt('  ', 'casual_chat', tables)).toBe(tables.prompts.casual_chat);
  });
});
