/**
 * `p`'s value, or `fallback()` once `ms` have passed first. `p` keeps running (a Redis command already
 * queued in the client cannot be taken back); its late outcome is ignored, so only commands that are
 * harmless late may be bounded this way.
 */
export async function settleWithin<T>(p: Promise<T>, ms: number, fallback: () => T): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<T>((resolve) => { timer = setTimeout(() => resolve(fallback()), ms); });
  try {
    return await Promise.race([p, late]);
  } finally {
    clearTimeout(timer);
  }
}
