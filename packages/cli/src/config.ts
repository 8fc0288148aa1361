// The light subpath (no imports of its own): the whole local stack would cost every `dlq` run a second at start-up.
import { DEFAULT_DLQ_NAME, DEFAULT_QUEUE_NAME, DEFAULT_SQS_ENDPOINT } from '@idp-sync/local-stack/defaults';
import * as z from 'zod';
import { UsageError } from './errors';

/** An empty variable (`AWS_REGION=`) counts as unset, as shells and .env files often leave them. */
const unsetIfBlank = (value: unknown) => (typeof value === 'string' && value.trim() === '' ? undefined : value);

const EnvSchema = z.object({
  SQS_ENDPOINT: z.preprocess(
    unsetIfBlank,
    z.url({ message: `must be a URL such as ${DEFAULT_SQS_ENDPOINT}` }).optional(),
  ),
  AWS_REGION: z.preprocess(unsetIfBlank, z.string().optional()),
  AWS_DEFAULT_REGION: z.preprocess(unsetIfBlank, z.string().optional()),
  IDP_SYNC_QUEUE_NAME: z.preprocess(unsetIfBlank, z.string().default(DEFAULT_QUEUE_NAME)),
  IDP_SYNC_DLQ_NAME: z.preprocess(unsetIfBlank, z.string().default(DEFAULT_DLQ_NAME)),
  /**
   * Long-poll wait of each ReceiveMessage, in seconds. An empty long poll asks every SQS server, so it is a reliable
   * "nothing more to read"; a short poll (0) samples a subset and may come back empty too early on real SQS.
   * 0 suits a local stand-in, which is always consistent.
   */
  IDP_SYNC_RECEIVE_WAIT_SECONDS: z.preprocess(
    unsetIfBlank,
    z.coerce
      .number({ message: 'must be a number of seconds from 0 to 20' })
      .int({ message: 'must be a whole number of seconds from 0 to 20' })
      .min(0, { message: 'must be from 0 to 20 seconds' })
      .max(20, { message: 'must be from 0 to 20 seconds' })
      .default(1),
  ),
});

/** The environment the CLI reads, validated. */
export type CliConfig = z.infer<typeof EnvSchema>;

/**
 * Validates the environment once per invocation; a bad value is a usage error that names the variable.
 *
 * @example
 * const config = loadConfig(process.env); // config.IDP_SYNC_RECEIVE_WAIT_SECONDS === 1
 */
export function loadConfig(env: NodeJS.ProcessEnv): CliConfig {
  const parsed = EnvSchema.safeParse(env);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const name = issue?.path.join('.') ?? 'environment';
  throw new UsageError(
    `environment variable ${name} ${issue?.message ?? 'is invalid'}`,
    `fix or unset ${name} and run the command again`,
  );
}
