/**
 * Batches a model's token-sized deltas into one Redis write per `intervalMs`: an SSE client sees the
 * reply at the same pace, and a turn costs a handful of writes instead of one per token. Writes stay in
 * order (one chain); once a write is refused (the attempt lost the turn) nothing more is written.
 */
export function createDeltaCoalescer(write: (text: string) => Promise<boolean>, intervalMs = 25) {
  let buffer = '';
  let timer: NodeJS.Timeout | null = null;
  let chain: Promise<boolean> = Promise.resolve(true);

  function flush(): void {
    timer = null;
    const text = buffer;
    buffer = '';
    chain = chain.then((ok) => (ok ? write(text) : false));
    chain.catch(() => undefined); // a failed write surfaces from takeRest(), not as an unhandled rejection
  }

  return {
    push(text: string): void {
      buffer += text;
      timer ??= setTimeout(flush, intervalMs);
    },
    /**
     * Waits for the writes under way and hands back what is still buffered, for the caller to write with
     * its commit (one round trip less per reply); false once a write was refused.
     */
    async takeRest(): Promise<string | false> {
      if (timer) clearTimeout(timer);
      timer = null;
      if (!(await chain)) return false;
      const rest = buffer;
      buffer = '';
      return rest;
    },
  };
}
