import { getSecret } from '@aws-lambda-powertools/parameters/secrets';
import { ownField } from '@idp-sync/common';
import { WorkerConfigError } from '../errors';
import type { WorkerConfig } from './config';

/** How long a fetched API key is reused before Secrets Manager is asked again (rotation is picked up within it). */
const API_KEY_CACHE_SECONDS = 300;

/**
 * The Users API key: `ARIZE_API_KEY` when set (local), else the secret `ARIZE_API_KEY_SECRET_ARN` from Secrets
 * Manager through Powertools Parameters, cached for 5 minutes. The secret is either the bare key
 * or a JSON object with an `apiKey` (or `ARIZE_API_KEY`) field. `forceFetch` bypasses the cache (after a 401).
 *
 * @example
 * const apiKey = await resolveApiKey(config);
 */
export async function resolveApiKey(config: WorkerConfig, options: { forceFetch?: boolean } = {}): Promise<string> {
  if (config.arizeApiKey !== undefined) return config.arizeApiKey;
  if (config.arizeApiKeySecretArn === undefined) {
    throw new WorkerConfigError([
      'ARIZE_API_KEY: set ARIZE_API_KEY (local) or ARIZE_API_KEY_SECRET_ARN (AWS Secrets Manager)',
    ]);
  }
  const value = await getSecret(config.arizeApiKeySecretArn, {
    maxAge: API_KEY_CACHE_SECONDS,
    forceFetch: options.forceFetch ?? false,
  });
  const key = typeof value === 'string' ? keyFromSecretString(value) : undefined;
  if (key === undefined || key === '') {
    throw new WorkerConfigError([`ARIZE_API_KEY_SECRET_ARN: the secret has no string value or apiKey field`]);
  }
  return key;
}

function keyFromSecretString(value: string): string | undefined {
  const trimmed = value.trim();
  if (!trimmed.startsWith('{')) return trimmed;
  try {
    const parsed: unknown = JSON.parse(trimmed);
    // Own fields only: a value inherited from a polluted prototype must never become the API key.
    const key = ownField(parsed, 'apiKey') ?? ownField(parsed, 'ARIZE_API_KEY');
    return typeof key === 'string' ? key.trim() : undefined;
  } catch {
    return undefined;
  }
}
