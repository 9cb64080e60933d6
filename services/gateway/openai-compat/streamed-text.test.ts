import { createStreamedText } from './streamed-text';

describe('createStreamedText', () => {
  it('passes deltas through while there is one attempt', () => {
    const t = createStreamedText();
    expect([t.delta('Hel'), t.delta('lo'), t.finish('Hello')]).toEqual(['Hel', 'lo', '']);
  });

  it('holds back a restarted attempt until it goes past what was sent, then sends only the new part', () => {
    const t = createStreamedText();
    t.delta('Hello, wor');
    t.restart();
    expect([t.delta('Hel'), t.delta('lo, w'), t.delta('orld'), t.delta('!')]).toEqual(['', '', 'ld', '!']);
    expect(t.finish('Hello, world!')).toBe('');
    expect(t.sent()).toBe('Hello, world!');
  });

  it('stops sending once a restarted attempt says something else, and refuses a final reply that does not extend what was sent', () => {
    const t = createStreamedText();
    t.delta('Hello');
    t.restart();
    expect(t.delta('Bye')).toBeNull();
    expect(t.delta(' now')).toBeNull();
    expect(t.finish('Bye now')).toBeNull();
  });

  it('sends the tail of the final reply that no delta carried', () => {
    const t = createStreamedText();
    t.delta('Hel');
    expect(t.finish('Hello')).toBe('lo');
  });
});
