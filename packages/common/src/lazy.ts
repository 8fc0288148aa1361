/**
 * A value built on first use and kept: zod schemas cost milliseconds each to build, so a source's schemas are built
 * on its first delivery rather than when the ingest function starts (cold start of a function that serves the others).
 *
 * @example
 * const schemas = lazy(() => ({ Envelope: z.object({ id: z.string() }) }));
 * schemas().Envelope.safeParse(payload);
 */
export function lazy<T>(build: () => T): () => T {
  let value: { readonly built: T } | undefined;
  return () => {
    value ??= { built: build() };
    return value.built;
  };
}
