import { littlesLawNote, saturationNote, windowNote } from './run-notes';

describe('bench run notes', () => {
  it('calls a run not saturated while throughput still rises with sessions on an idle CPU', () => {
    const note = saturationNote([{ sessions: 64, turnsPerSec: 100 }, { sessions: 256, turnsPerSec: 140 }], 0.45);
    expect(note).toMatch(/^NOT SATURATED: the CPU was 45% busy; it still rose 40% from 64 to 256 sessions\. 140 turns\/s is a lower bound/);
  });

  it('accepts a plateau, or a busy machine, as saturation', () => {
    expect(saturationNote([{ sessions: 64, turnsPerSec: 138 }, { sessions: 256, turnsPerSec: 140 }], 0.5)).toBeNull();
    expect(saturationNote([{ sessions: 64, turnsPerSec: 150 }, { sessions: 256, turnsPerSec: 140 }], 0.5)).toBeNull();
    expect(saturationNote([{ sessions: 64, turnsPerSec: 100 }, { sessions: 256, turnsPerSec: 140 }], 0.95)).toBeNull();
  });

  it('explains a Little\'s-law ratio over 100% instead of reporting it as a result', () => {
    expect(littlesLawNote(1.19, false)).toMatch(/unsaturated run .* says nothing/);
    expect(littlesLawNote(1.19, true)).toMatch(/above the allowed/);
    expect(littlesLawNote(0.97, true)).toBeNull();
  });

  it('says when a --window is too small to mean anything', () => {
    expect(windowNote(3)).toMatch(/^--window 3 is too small/);
    expect(windowNote(20)).toBeNull();
  });
});
