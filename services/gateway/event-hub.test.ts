import { createRedis } from '#libs/redis';
import { createEventHub, type EventHub } from './event-hub';

describe('event hub reply channel', () => {
  const subscriber = createRedis(process.env.REDIS_URL!, 'worker');
  const publisher = createRedis(process.env.REDIS_URL!, 'worker');
  let hub: EventHub;
  beforeAll(async () => { hub = await createEventHub(subscriber, `hub-test-${process.pid}`); });
  afterAll(() => { subscriber.disconnect(); publisher.disconnect(); });
  const announced = (turnChannel: string) => publisher.publish(hub.replyChannelOf(0), JSON.stringify({ c: turnChannel, f: ['completed', turnChannel] }));

  it('resolves the wait for a turn with the fields its end announced, and only that wait', async () => {
    const a = hub.awaitReply('turn-a', 5000);
    let bEnded: string[] | 'gone' | null | undefined;
    const b = hub.awaitReply('turn-b', 300).then((v) => { bEnded = v; return v; });
    expect(await announced('turn-a')).toBe(1); // exactly one subscriber: this hub
    expect(await a).toEqual(['completed', 'turn-a']);
    expect(await b).toBeNull(); // ran out
    expect(bEnded).toBeNull();
  });

  it('keeps an end that arrives before anyone waits (read off the subscriber before SUBMIT’s reply)', async () => {
    await announced('turn-early');
    await new Promise((r) => setTimeout(r, 50)); // the message is in
    const t0 = Date.now();
    expect(await hub.awaitReply('turn-early', 600_000)).toEqual(['completed', 'turn-early']);
    expect(Date.now() - t0).toBeLessThan(10_000); // kept: answered at once, not after the wait runs out
    expect(await hub.awaitReply('turn-early', 100)).toBeNull(); // used once
  });

  it('gives every gateway its own reply channel', async () => {
    const other = createRedis(process.env.REDIS_URL!, 'worker');
    try {
      const second = await createEventHub(other, `hub-test-${process.pid}`);
      expect(second.replyChannelOf(0)).not.toBe(hub.replyChannelOf(0));
    } finally {
      other.disconnect();
    }
  });
});
