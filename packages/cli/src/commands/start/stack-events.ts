import type { LocalStackEvent } from '@idp-sync/local-stack';

// Only a type of the local stack: `idp-sync dlq …` and `--help` load this module through the package root without
// loading the stack (test/unit/cli/lazy-commands.test.ts).

function clock(): string {
  return new Date().toTimeString().slice(0, 8);
}

/**
 * One short line per request and per batch of `idp-sync start`: methods, paths and counts only (no bodies, query
 * strings or emails).
 *
 * @example
 * describeStackEvent({ type: 'request', function: 'ingest', method: 'POST', path: '/webhooks/hr', status: 202, durationMs: 4 });
 * // '10:42:07 ingest  POST /webhooks/hr -> 202 (4 ms)'
 */
export function describeStackEvent(event: LocalStackEvent): string {
  switch (event.type) {
    case 'request':
      // Padded to one width so the paths line up whichever function answered.
      return `${clock()} ${event.function.padEnd(6)}  ${event.method} ${event.path} -> ${event.status}${event.detail ? ` ${event.detail}` : ''} (${event.durationMs} ms)`;
    case 'batch': {
      const what = event.wholeBatchFailure
        ? `whole batch failed, ${event.size} message(s) will be retried: ${event.wholeBatchFailure}`
        : [
            `${event.succeeded - event.deadLettered} done`,
            event.deadLettered > 0 ? `${event.deadLettered} dead-lettered` : '',
            event.failed > 0 ? `${event.failed} left for retry` : '',
          ]
            .filter(Boolean)
            .join(', ');
      const deletes = event.deleteErrors > 0 ? `, ${event.deleteErrors} delete(s) refused` : '';
      const again = event.redelivered > 0 ? ` (${event.redelivered} redelivered)` : '';
      return `${clock()} worker#${event.instance} batch of ${event.size}${again}: ${what}${deletes} (${event.durationMs} ms)`;
    }
    case 'receive-error':
      return `${clock()} worker#${event.instance} cannot receive from SQS (${event.error}); retrying`;
  }
}
