/**
 * Runs `fn` over `items` with at most `limit` in flight; results keep the input order. `fn` must not reject (the
 * worker turns every failure into an outcome first); a rejection still propagates after all in-flight work ends.
 *
 * @example
 * await mapWithConcurrency(groups, 5, (g) => runGroup(g));
 */
export async function mapWithConcurrency<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const lanes = Array.from({ length: Math.min(Math.max(1, limit), items.length) }, async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index] as T);
    }
  });
  await Promise.all(lanes);
  return results;
}
