/**
 * What the ingest benches share: their secrets, a request per source signed the way the vendor signs it (the signers
 * of `@idp-sync/webhooks/sign`, over the exact body), and a local SQS (fauxqs) with the pipeline's queues — with or
 * without the ingest app in front of it.
 */
import { randomUUID } from 'node:crypto';
import type { SQSClient } from '@aws-sdk/client-sqs';
import type { HttpRequest } from '@idp-sync/http';
import { createPipelineQueues, type LocalSqs, localSqsClient, startLocalSqs } from '@idp-sync/local-stack';
import { createIngestApp, type IngestApp, loadIngestConfig } from '@idp-sync/webhooks';
import { signBambooDelivery, signHrDelivery, signOktaDelivery, signWorkosDelivery } from '@idp-sync/webhooks/sign';

/** The secrets every ingest bench configures (none of them real; the HR one is the Standard Webhooks test vector's). */
export const BENCH_SECRETS = {
  okta: 'Basic b2t0YS1ob29rOnMzY3IzdA==',
  hr: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
  workos: 'workos_webhook_secret_for_bench',
  bamboohr: 'bamboo-private-key-for-bench',
} as const;

/** A JSON POST as the Lambda handler would build it, received now. */
function benchRequest(path: string, headers: Record<string, string>, body: string): HttpRequest {
  return {
    method: 'POST',
    path,
    rawQueryString: '',
    headers: { 'content-type': 'application/json', ...headers },
    rawBody: Buffer.from(body),
    requestId: randomUUID(),
    receivedAtMs: Date.now(),
  };
}

/**
 * A delivery of `body` to each source's route, authenticated as that vendor does it with {@link BENCH_SECRETS}, now
 * (so a fresh one passes every replay window).
 */
export const signedDelivery = {
  okta: (body: string) => benchRequest('/webhooks/okta', signOktaDelivery(BENCH_SECRETS.okta), body),
  hr: (body: string) => benchRequest('/webhooks/hr', signHrDelivery(BENCH_SECRETS.hr, body), body),
  workos: (body: string) => benchRequest('/webhooks/workos', signWorkosDelivery(BENCH_SECRETS.workos, body), body),
  bamboohr: (body: string) =>
    benchRequest('/webhooks/bamboohr', signBambooDelivery(BENCH_SECRETS.bamboohr, body), body),
} as const;

/** A running fauxqs with the pipeline's queues, and how to stop it. */
export interface BenchQueues {
  readonly sqs: LocalSqs;
  readonly client: SQSClient;
  readonly queueUrl: string;
  /** Closes the client and stops fauxqs. */
  stop(): Promise<void>;
}

/**
 * Starts fauxqs on 127.0.0.1 and creates the pipeline's queues (stopped again if that fails).
 *
 * @example
 * const { sqs, queueUrl, stop } = await startBenchQueues();
 * try { … } finally { await stop(); }
 */
export async function startBenchQueues(): Promise<BenchQueues> {
  const sqs = await startLocalSqs();
  const client = localSqsClient(sqs);
  const stop = async () => {
    client.destroy();
    await sqs.stop();
  };
  try {
    const { queueUrl } = await createPipelineQueues(client);
    return { sqs, client, queueUrl, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/**
 * {@link startBenchQueues} with the ingest app in front of the queue: every source configured with
 * {@link BENCH_SECRETS}, sending through the same SQS client.
 *
 * @example
 * const { app, stop } = await startBenchIngestApp();
 * try { await app.handle(signedDelivery.okta(body)); } finally { await stop(); }
 */
export async function startBenchIngestApp(): Promise<BenchQueues & { readonly app: IngestApp }> {
  const queues = await startBenchQueues();
  const config = loadIngestConfig({
    QUEUE_URL: queues.queueUrl,
    SQS_ENDPOINT: queues.sqs.endpoint,
    AWS_REGION: queues.sqs.region,
    OKTA_AUTH_SECRET: BENCH_SECRETS.okta,
    HR_WEBHOOK_SECRET: BENCH_SECRETS.hr,
    WORKOS_WEBHOOK_SECRET: BENCH_SECRETS.workos,
    BAMBOOHR_WEBHOOK_KEY: BENCH_SECRETS.bamboohr,
  });
  return { ...queues, app: createIngestApp({ config, sqsClient: queues.client }) };
}
