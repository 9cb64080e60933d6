import { createDeltaCoalescer } from './delta-coalescer';

const tick = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('createDeltaCoalescer', () => {
  it('writes the pieces of one interval together, in order, and hands back the unwritten end', async () => {
    const writes: string[] = [];
    const c = createDeltaCoalescer(async (t) => { await tick(5); writes.push(t); return true; }, 20);
    c.push('안녕');
    c.push('하세요');
    await tick(40);
    c.push(', wor');
    c.push('ld');
    await tick(40);
    c.push('!');
    expect(await c.takeRest()).toBe('!');
    expect(writes).toEqual(['안녕하세요', ', world']);
    expect(await c.takeRest()).toBe(''); // nothing left, nothing written twice
  });

  it('waits for a write still under way before handing back the rest', async () => {
    const writes: string[] = [];
    const c = createDeltaCoalescer(async (t) => { await tick(30); writes.push(t); return true; }, 5);
    c.push('a');
    await tick(10); // the write of 'a' has started, not finished
    c.push('b');
    expect(await c.takeRest()).toBe('b');
    expect(writes).toEqual(['a']);
  });

  it('stops writing once a write is refused, and reports it', async () => {
    const writes: string[] = [];
    const c = createDeltaCoalescer(async (t) => { writes.push(t); return false; }, 5);
    c.push('a');
    await tick(15);
    c.push('b');
    await tick(15);
    expect(await c.takeRest()).toBe(false);
    expect(writes).toEqual(['a']);
  });

  it('surfaces a failed write from takeRest', async () => {
    const c = createDeltaCoalescer(async () => { throw new Error('redis down'); }, 5);
    c.push('a');
    await tick(15);
    await expect(c.takeRest()).rejects.toThrow('redis down');
  });
});
