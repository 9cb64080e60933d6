/**
 * Batches a model's token-sized deltas into one Redis write per `intervalMs`: an SSE client sees the
 * reply at the same pace, and a turn costs a handful of writes instead of one per token. Writes stay in
 * order (one chain); once a write is refused (the attempt lost the turn) nothing more is written.
 */
export function createDeltaCoalescer(write: (text: string) => Promise<boolean>, intervalMs = 25) {
  let buffer = '';
  let timer: NodeJS.Timeout | null = null;
  let chain: Promise<boolean> = Promise.resolve(true);
  let refused = false;

  function flush(): Promise<boolean> {
    if (timer) clearTimeout(timer);
    timer = null;
    if (buffer) {
      const text = buffer;
      buffer = '';
      chain = chain.then((ok) => (ok ? write(text) : false)).then((ok) => {
        if (!ok) refused = true;
        return ok;
      });
    }
    return chain;
  }

  return {
    push(text: string): void {
      buffer += text;
      timer ??= setTimeout(() => void flush().catch(() => undefined), intervalMs);
    },
    flush,
    get refused(): boolean {
      return refused;
    },
  };
}
