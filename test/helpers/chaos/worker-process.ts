/**
 * The worker as a process of its own, so that chaos can kill it for real (SIGKILL: no finally blocks, no acks, HTTP
 * requests cut mid-flight): the real worker Lambda handler (`functions/worker`), one fresh instance per execution
 * environment, behind the local stack's Lambda-like SQS event source. Configuration comes from the environment the
 * local stack set (QUEUE_URL, DLQ_URL, endpoints, table, Users API) plus:
 *   CHAOS_QUEUE_ARN (eventSourceARN), CHAOS_INSTANCES (environments, default 2), CHAOS_TIMEOUT_MS (function timeout).
 * It reports on stdout, one `CHAOS {json}` line per event: ready, batch start, batch end.
 */
import { SQSClient } from '@aws-sdk/client-sqs';
import { loadWorkerHandler, type SqsHandler, startSqsEventSource } from '@idp-sync/local-stack';

const env = process.env;
const say = (event: object) => process.stdout.write(`CHAOS ${JSON.stringify(event)}\n`);

const instances = Number(env.CHAOS_INSTANCES ?? 2);
const timeoutMs = Number(env.CHAOS_TIMEOUT_MS ?? 10_000);
const queueUrl = env.QUEUE_URL;
const queueArn = env.CHAOS_QUEUE_ARN;
const region = env.AWS_REGION ?? 'us-east-1';
if (!queueUrl || !queueArn || !env.SQS_ENDPOINT) {
  process.stderr.write('worker-process: QUEUE_URL, CHAOS_QUEUE_ARN and SQS_ENDPOINT must be set\n');
  process.exit(2);
}

const handlers = await Promise.all(Array.from({ length: instances }, () => loadWorkerHandler()));
const watched: SqsHandler[] = handlers.map((handler, instance) => async (event, context) => {
  say({ type: 'start', instance, size: event.Records.length });
  return handler(event, context);
});
const client = new SQSClient({ endpoint: env.SQS_ENDPOINT, region, maxAttempts: 3 });
const source = startSqsEventSource({
  client,
  queueUrl,
  queueArn,
  region,
  handlers: watched,
  batchSize: 10,
  waitTimeSeconds: 1,
  timeoutMs,
  functionName: 'idp-sync-worker-chaos',
  onEvent: (event) => say(event),
});
say({ type: 'ready', pid: process.pid, instances });

// The parent holds our stdin: when it goes away (killed, crashed), so do we, rather than poll a dead queue forever.
process.stdin.on('end', () => process.exit(1));
process.stdin.resume();

let stopping = false;
process.on('SIGTERM', () => {
  if (stopping) return;
  stopping = true;
  void source.stop().then(() => {
    client.destroy();
    say({ type: 'stopped' });
    process.exit(0);
  });
});
