import net from 'node:net';

/**
 * A TCP proxy between turnq processes and Redis that can lose one reply: once armed with markers, the
 * first command written through it that contains one of them reaches Redis (which runs it), then Redis's
 * reply on that connection is swallowed and the client's connection is reset. New connections are
 * accepted at once, so the client reconnects as it would after a network blip. This is how a command
 * whose outcome the client cannot know comes about (README, "Reliability").
 */
export interface LossyProxy {
  url: string;
  /** Loses the reply to the next command containing any of `markers`; resolves once that has happened. */
  loseReplyTo(...markers: Array<string | Buffer>): Promise<void>;
  close(): Promise<void>;
}

export async function startLossyProxy(target: { host: string; port: number }): Promise<LossyProxy> {
  let armed: { markers: Buffer[]; done: () => void } | null = null;
  const sockets = new Set<net.Socket>();

  const server = net.createServer((client) => {
    const upstream = net.connect(target.port, target.host);
    sockets.add(client).add(upstream);
    let swallowing: (() => void) | null = null;
    // the marker may straddle two writes: keep the tail of the previous chunk
    let tail = Buffer.alloc(0);
    client.on('data', (chunk: Buffer) => {
      if (armed && !swallowing) {
        const seen = Buffer.concat([tail, chunk]);
        if (armed.markers.some((m) => seen.includes(m))) {
          swallowing = armed.done;
          armed = null;
        }
        tail = seen.subarray(Math.max(0, seen.length - 256));
      }
      upstream.write(chunk);
    });
    upstream.on('data', (chunk: Buffer) => {
      if (!swallowing) { client.write(chunk); return; }
      // Redis ran the command and answered: the answer never arrives, the connection dies (RST)
      const done = swallowing;
      client.resetAndDestroy();
      upstream.destroy();
      done();
    });
    const end = () => { client.destroy(); upstream.destroy(); sockets.delete(client); sockets.delete(upstream); };
    client.on('close', end).on('error', end);
    upstream.on('close', end).on('error', end);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;

  return {
    url: `redis://127.0.0.1:${port}`,
    loseReplyTo(...markers) {
      return new Promise<void>((resolve) => { armed = { markers: markers.map((m) => Buffer.from(m)), done: resolve }; });
    },
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise((r) => server.close(r));
    },
  };
}
