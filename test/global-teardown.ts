export default async function globalTeardown(): Promise<void> {
  const stop = (globalThis as Record<string, unknown>).__turnqStop as (() => Promise<void>) | undefined;
  if (stop) await stop();
}
