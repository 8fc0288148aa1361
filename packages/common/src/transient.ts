/**
 * Marks an error as "a dependency is down, retry later" (the queue refused a send, a secret could not be fetched): an
 * HTTP route answers it 503 with `Retry-After` so the sender redelivers, and nothing is lost. Packages mark their own
 * errors this way instead of importing each other's classes (the HTTP router cannot know the queue's errors).
 *
 * @example
 * class QueueSendError extends Error { readonly transient = true as const }
 * if (isTransientFailure(error)) return serviceUnavailable();
 */
export interface TransientFailure {
  readonly transient: true;
}

/** True for an `Error` marked {@link TransientFailure}. */
export function isTransientFailure(error: unknown): error is Error & TransientFailure {
  return error instanceof Error && (error as Partial<TransientFailure>).transient === true;
}
