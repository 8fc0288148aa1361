import { GetQueueAttributesCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { LocalStackError } from './errors';
import type { HttpApiHandler } from './http-ingest-server';

/** What `GET /health` answers on the local stack. */
export interface HealthReport {
  readonly status: 'ok';
  readonly queue: { readonly visible: number; readonly inFlight: number };
  readonly dlq: { readonly visible: number };
}

async function depth(client: SQSClient, queueUrl: string): Promise<{ visible: number; inFlight: number }> {
  const out = await client.send(
    new GetQueueAttributesCommand({
      QueueUrl: queueUrl,
      AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
    }),
  );
  const read = (name: 'ApproximateNumberOfMessages' | 'ApproximateNumberOfMessagesNotVisible') =>
    Number.parseInt(out.Attributes?.[name] ?? '0', 10) || 0;
  return { visible: read('ApproximateNumberOfMessages'), inFlight: read('ApproximateNumberOfMessagesNotVisible') };
}

/**
 * Queue depths for `/health`: messages waiting and in flight on the work queue, and messages in the DLQ.
 *
 * @example
 * const { queue, dlq } = await queueHealth(client, { queueUrl, dlqUrl });
 */
export async function queueHealth(
  client: SQSClient,
  queues: { readonly queueUrl: string; readonly dlqUrl: string },
): Promise<HealthReport> {
  const [queue, dlq] = await Promise.all([depth(client, queues.queueUrl), depth(client, queues.dlqUrl)]);
  return { status: 'ok', queue, dlq: { visible: dlq.visible } };
}

/** True when nothing is waiting or being processed (the DLQ does not count). */
export function isDrained(report: HealthReport): boolean {
  return report.queue.visible === 0 && report.queue.inFlight === 0;
}

/**
 * Wraps the ingest handler so that `GET /health` also reports queue depths (the deployed API answers the ingest
 * function's own health; locally the pipeline's state is one request away, so a script can wait for it to drain).
 * The ingest function still answers first: its status decides, the depths are added to a 200.
 *
 * @example
 * const handler = withQueueHealth(ingestHandler, () => queueHealth(client, queues));
 */
export function withQueueHealth(handler: HttpApiHandler, report: () => Promise<HealthReport>): HttpApiHandler {
  return async (event, context) => {
    const result = await handler(event, context);
    const isHealth = event.rawPath === '/health' && event.requestContext.http.method === 'GET';
    if (!isHealth || typeof result !== 'object' || result === null || !('statusCode' in result)) return result;
    const structured = result as APIGatewayProxyStructuredResultV2;
    if (structured.statusCode !== 200) return result;
    let base: Record<string, unknown> = {};
    try {
      base = JSON.parse(structured.body ?? '{}') as Record<string, unknown>;
    } catch {
      // The ingest function answered 200 without JSON; the depths still make a useful answer.
    }
    try {
      const { queue, dlq } = await report();
      return {
        ...structured,
        headers: { ...structured.headers, 'content-type': 'application/json' },
        body: JSON.stringify({ ...base, status: 'ok', queue, dlq }),
      };
    } catch (error) {
      return {
        statusCode: 503,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ status: 'unavailable', reason: `SQS did not answer (${(error as Error)?.name})` }),
      };
    }
  };
}

/**
 * Polls a stack's `GET /health` until the queue has been empty (nothing visible, nothing in flight) twice in a row —
 * how a script, or the demo against a stack started elsewhere, waits for the pipeline to drain.
 *
 * @example
 * await waitForDrainAt('http://127.0.0.1:3000/health', { timeoutMs: 60_000 });
 */
export async function waitForDrainAt(
  healthUrl: string,
  options: { timeoutMs?: number; intervalMs?: number } = {},
): Promise<HealthReport> {
  const timeoutMs = options.timeoutMs ?? 30_000;
  const intervalMs = options.intervalMs ?? 150;
  const deadline = Date.now() + timeoutMs;
  let calm = 0;
  let last: HealthReport | undefined;
  for (;;) {
    try {
      const response = await fetch(healthUrl, { signal: AbortSignal.timeout(5_000) });
      const body = (await response.json()) as HealthReport;
      if (response.ok && body.queue) last = body;
      calm = response.ok && body.queue && isDrained(body) ? calm + 1 : 0;
    } catch {
      calm = 0;
    }
    if (calm >= 2 && last) return last;
    if (Date.now() > deadline) {
      const state = last ? `visible ${last.queue.visible}, in flight ${last.queue.inFlight}` : 'no answer';
      throw new LocalStackError(
        `the queue did not drain within ${timeoutMs} ms (${state})`,
        'messages that failed transiently come back after their visibility timeout; check the stack output',
      );
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
