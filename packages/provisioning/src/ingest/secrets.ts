import type { SecretValues } from '../sources/types';
import type { IngestConfig, SecretName } from './config';
import { SecretUnavailableError } from './errors';
import { parseSecretValue } from './secret-value';

/**
 * Where ingest gets its secrets. `isConfigured` is synchronous (decided by configuration) so that an unconfigured
 * source answers 404 without any I/O; `get` may fetch and cache.
 *
 * @example
 * if (secrets.isConfigured('hr')) { const { current, previous } = await secrets.get('hr'); }
 */
export interface SecretProvider {
  isConfigured(name: SecretName): boolean;
  /** Throws `SecretUnavailableError` when the secret cannot be obtained now. */
  get(name: SecretName): Promise<SecretValues>;
}

/** Fetches one secret string by ARN (Secrets Manager `GetSecretValue`). */
export type SecretFetcher = (arn: string) => Promise<string>;

export interface SecretProviderOptions {
  /** Replaces the Secrets Manager client (tests; other stores). */
  readonly fetchSecret?: SecretFetcher;
  readonly now?: () => number;
  /** Called when a refresh fails and a cached value is used instead. */
  readonly onStale?: (name: SecretName, error: unknown) => void;
}

/**
 * The default fetcher: the Secrets Manager SDK, imported on first use only, so that a function whose secrets all come
 * from the environment never loads it (cold start).
 */
export function secretsManagerFetcher(region: string): SecretFetcher {
  let client: Promise<{ send: (arn: string) => Promise<string | undefined> }> | undefined;
  return async (arn) => {
    client ??= import('@aws-sdk/client-secrets-manager').then(({ SecretsManagerClient, GetSecretValueCommand }) => {
      const sdk = new SecretsManagerClient({ region });
      return {
        send: async (secretId: string) =>
          (await sdk.send(new GetSecretValueCommand({ SecretId: secretId }))).SecretString,
      };
    });
    const value = await (await client).send(arn);
    if (value === undefined) throw new Error('the secret has no SecretString (binary secrets are not supported)');
    return value;
  };
}

interface CacheEntry {
  values?: SecretValues;
  fetchedAt: number;
  inflight?: Promise<SecretValues>;
}

/**
 * Secrets from the configuration: values set in the environment are used as they are; ARNs are fetched from Secrets
 * Manager and cached for `config.secretsCacheTtlMs`. A failed refresh keeps serving the cached value (a Secrets
 * Manager hiccup must not stop ingestion); with nothing cached it is a `SecretUnavailableError` (503).
 *
 * @example
 * const secrets = createSecretProvider(config);
 * const okta = await secrets.get('okta');
 */
export function createSecretProvider(config: IngestConfig, options: SecretProviderOptions = {}): SecretProvider {
  const now = options.now ?? Date.now;
  let fetchSecret = options.fetchSecret;
  const cache = new Map<SecretName, CacheEntry>();
  // Values from the environment never change: parsed on first use, not on every request (hot path).
  const fixed = new Map<SecretName, SecretValues>();

  async function refresh(name: SecretName, arn: string, entry: CacheEntry): Promise<SecretValues> {
    fetchSecret ??= secretsManagerFetcher(config.region);
    let raw: string;
    try {
      raw = await fetchSecret(arn);
    } catch (error) {
      if (entry.values) {
        options.onStale?.(name, error);
        return entry.values;
      }
      throw new SecretUnavailableError(name, 'Secrets Manager did not return it', { cause: error });
    }
    const values = parseSecretValue(raw);
    if (typeof values === 'string') {
      if (entry.values) {
        options.onStale?.(name, new Error(values));
        return entry.values;
      }
      throw new SecretUnavailableError(name, `the stored value ${values}`);
    }
    entry.values = values;
    entry.fetchedAt = now();
    return values;
  }

  return {
    isConfigured: (name) => config.secrets[name] !== undefined,

    async get(name) {
      const source = config.secrets[name];
      if (!source) throw new SecretUnavailableError(name, 'it is not configured');
      if (source.kind === 'value') {
        const known = fixed.get(name);
        if (known) return known;
        const values = parseSecretValue(source.value);
        if (typeof values === 'string') throw new SecretUnavailableError(name, `the configured value ${values}`);
        fixed.set(name, values);
        return values;
      }
      let entry = cache.get(name);
      if (!entry) {
        entry = { fetchedAt: Number.NEGATIVE_INFINITY };
        cache.set(name, entry);
      }
      if (entry.values && now() - entry.fetchedAt < config.secretsCacheTtlMs) return entry.values;
      // One fetch at a time per secret, shared by concurrent requests.
      const current = entry;
      current.inflight ??= refresh(name, source.arn, current).finally(() => {
        current.inflight = undefined;
      });
      return current.inflight;
    },
  };
}
