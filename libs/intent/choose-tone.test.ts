import { chooseTone, NEGATIVE_RUN } from './choose-tone';
import { composeSystemPrompt } from './conversation-state';
import { loadIntentTables } from './load-intent-tables';

const tables = loadIntentTables();

describe('chooseTone', () => {
  it('gives a negative turn the negative instruction', () => {
    expect(chooseTone('negative', '0+-', tables)).toEqual({ name: 'negative', text: tables.tones.negative, negativeRun: 1 });
  });

  it(`gives a run of ${NEGATIVE_RUN} or more negative turns the stronger instruction`, () => {
    expect(chooseTone('negative', '+--', tables)).toMatchObject({ name: 'negative_run', negativeRun: 2 });
    expect(chooseTone('negative', '-----', tables)).toMatchObject({ name: 'negative_run', text: tables.tones.negative_run, negativeRun: 5 });
  });

  it('adds nothing to a neutral or positive turn, however the trend went before', () => {
    expect(chooseTone('neutral', '---0', tables)).toBeNull();
    expect(chooseTone('positive', '----+', tables)).toBeNull();
    expect(chooseTone(null, '', tables)).toBeNull();
  });

  it('counts the turn itself when the trend has not recorded it', () => {
    expect(chooseTone('negative', '', tables)).toMatchObject({ name: 'negative', negativeRun: 1 });
  });
});

describe('composeSystemPrompt with a tone', () => {
  it('puts the tone after the state prompt, the session prompt first', () => {
    const prompt = composeSystemPrompt('You are Acme support.', 'problem_solving', tables, tables.tones.negative);
    expect(prompt).toBe(`You are Acme support.\n\n${tables.prompts.problem_solving}\n\n${tables.tones.negative}`);
  });

  it('keeps a positive farewell on the warm ending prompt alone', () => {
    const tone = chooseTone('positive', '--+', tables);
    expect(composeSystemPrompt(null, 'ending', tables, tone?.text ?? null)).toBe(tables.prompts.ending);
  });
});
