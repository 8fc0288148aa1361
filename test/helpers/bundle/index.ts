import { join } from 'node:path';
import { type BuildOptions, build } from 'esbuild';
import {
  ESM_REQUIRE_BANNER,
  INGEST_ENTRY,
  REPO_ROOT,
  SCIM_ENTRY,
  SCIM_USERS_API_LOOKUP,
} from '../../../infra/constructs/functions';

/** The repository root (esbuild resolves workspace packages from here), as the stack's bundling uses it. */
/** The entry files the stack bundles for the webhook and the SCIM Lambdas (absolute paths). */
export { INGEST_ENTRY, REPO_ROOT, SCIM_ENTRY };

/**
 * esbuild options that bundle a Lambda the way the CDK stack does (infra/constructs/functions.ts `bundling()`): ESM,
 * platform node, target node22, minified, ESM builds of dependencies first, the AWS SDK inside, the createRequire
 * banner. Benchmarks and tests that compare bundles (cold start, size budget, zod/mini) all build with these.
 *
 * @example
 * await build({ ...LAMBDA_BUNDLE_OPTIONS, entryPoints: [INGEST_ENTRY], outfile });
 */
export const LAMBDA_BUNDLE_OPTIONS = {
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node22',
  minify: true,
  mainFields: ['module', 'main'],
  banner: { js: ESM_REQUIRE_BANNER },
  logLevel: 'error',
  absWorkingDir: REPO_ROOT,
} as const satisfies BuildOptions;

/** A function that only sends one message to SQS: the floor of this design, against which ingest is measured. */
export const CLIENT_SQS_FLOOR_SOURCE = `
import { randomUUID } from 'node:crypto';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
const client = new SQSClient({ region: process.env.AWS_REGION, endpoint: process.env.SQS_ENDPOINT });
export const handler = async () => {
  await client.send(new SendMessageCommand({
    QueueUrl: process.env.QUEUE_URL, MessageBody: '{}', MessageGroupId: 'floor', MessageDeduplicationId: randomUUID(),
  }));
  return { statusCode: 202 };
};
`;

/**
 * Builds the SCIM Lambda the way the stack does: `index.mjs` without the Users API lookup, which goes to a file of its
 * own beside it (`SCIM_USERS_API_LOOKUP`, imported by the handler on the first lookup). Resolves with both builds.
 *
 * @example
 * const { main, lookup } = await buildScimLambda(outdir, { metafile: true });
 */
export async function buildScimLambda(outdir: string, options: BuildOptions = {}) {
  const [main, lookup] = await Promise.all([
    build({
      ...LAMBDA_BUNDLE_OPTIONS,
      ...options,
      entryPoints: [SCIM_ENTRY],
      external: [`./${SCIM_USERS_API_LOOKUP.file}`],
      outfile: join(outdir, 'index.mjs'),
    }),
    build({
      ...LAMBDA_BUNDLE_OPTIONS,
      ...options,
      entryPoints: [join(REPO_ROOT, SCIM_USERS_API_LOOKUP.entry)],
      outfile: join(outdir, SCIM_USERS_API_LOOKUP.file),
    }),
  ]);
  return { main, lookup };
}
