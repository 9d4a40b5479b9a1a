/**
 * Runs `task` over `items` with at most `concurrency` in flight. Once `signal` aborts, no new item
 * starts (in-flight ones finish: a write cut in half is worse than a late exit); the items never
 * started are passed to `onSkipped`.
 */
export async function runPool<T>(
  items: readonly T[],
  concurrency: number,
  task: (item: T) => Promise<void>,
  options: { signal?: AbortSignal; onSkipped?: (item: T) => void } = {},
): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const item = items[next++] as T;
      if (options.signal?.aborted) {
        options.onSkipped?.(item);
        continue;
      }
      await task(item);
    }
  };
  const workers = Array.from({ length: Math.max(1, Math.min(concurrency, items.length)) }, worker);
  await Promise.all(workers);
}
