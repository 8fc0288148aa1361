/**
 * The state store could not be read or written (DynamoDB unreachable, throttled, table missing…). Always worth a
 * retry: the worker treats it as transient.
 *
 * @example
 * try { await repo.get(email); } catch (e) { if (e instanceof StateStoreError) console.log(e.operation); }
 */
export class StateStoreError extends Error {
  override readonly name = 'StateStoreError';
  /** Which repository operation failed (`get`, `recordApplied`, …). */
  readonly operation: string;

  constructor(operation: string, cause: unknown) {
    super(`state store ${operation} failed: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    this.operation = operation;
  }
}
