import type { HttpFunctionConfig, SecretName } from '../config';
import { SecretsExtensionError, SecretUnavailableError } from '../errors';
import { parametersSecretsExtensionFetcher } from './extension';
import type { SecretValues } from './secret-value';
import { parseSecretValue } from './secret-value';

/**
 * Where the HTTP functions get their secrets. `isConfigured` is synchronous (decided by configuration) so that an
 * unconfigured source answers 404 without any I/O; `get` may fetch and cache.
 *
 * @example
 * if (secrets.isConfigured('hr')) { const { current, previous } = await secrets.get('hr'); }
 */
export interface SecretProvider {
  isConfigured(name: SecretName): boolean;
  /** Throws `SecretUnavailableError` when the secret cannot be obtained now. */
  get(name: SecretName): Promise<SecretValues>;
}

/**
 * Fetches one secret string by ARN. The default is {@link parametersSecretsExtensionFetcher} (the AWS Parameters and
 * Secrets Lambda Extension); a fetcher throws when it cannot, and its error must not contain the secret.
 */
export type SecretFetcher = (arn: string) => Promise<string>;

export interface SecretProviderOptions {
  /** Replaces the extension fetcher (tests; other stores). */
  readonly fetchSecret?: SecretFetcher;
  readonly now?: () => number;
  /** Called when a refresh fails and a cached value is used instead. */
  readonly onStale?: (name: SecretName, error: unknown) => void;
}

/** How long a cached secret is served after a failed refresh before the store is asked again. */
export const STALE_RETRY_MS = 30_000;

interface CacheEntry {
  values?: SecretValues;
  fetchedAt: number;
  inflight?: Promise<SecretValues>;
}

/**
 * Secrets from the configuration: values set in the environment are used as they are; ARNs are fetched (by default
 * through the AWS Parameters and Secrets Lambda Extension, so no Secrets Manager SDK is bundled) and cached for
 * `config.secretsCacheTtlMs`. A failed refresh keeps serving the cached value (a Secrets Manager or extension hiccup
 * must not stop ingestion); with nothing cached it is a `SecretUnavailableError` (503).
 *
 * The default fetcher is made here, so a bad `PARAMETERS_SECRETS_EXTENSION_HTTP_PORT` fails at INIT (`ConfigError`),
 * and only when some secret is an ARN (a local stack with values never needs the extension).
 *
 * @example
 * const secrets = createSecretProvider(config);
 * const okta = await secrets.get('okta');
 */
export function createSecretProvider(config: HttpFunctionConfig, options: SecretProviderOptions = {}): SecretProvider {
  const now = options.now ?? Date.now;
  const byArn = Object.values(config.secrets).some((source) => source?.kind === 'arn');
  let fetchSecret = options.fetchSecret ?? (byArn ? parametersSecretsExtensionFetcher() : undefined);
  const cache = new Map<SecretName, CacheEntry>();
  // Values from the environment never change: parsed on first use, not on every request (hot path).
  const fixed = new Map<SecretName, SecretValues>();

  // After a failed refresh, the cached value is reused for a short while before the next attempt: otherwise, with the
  // store down, every request would wait for a fetch to fail (up to the extension timeout) before being served.
  function serveStale(entry: CacheEntry, values: SecretValues): SecretValues {
    entry.fetchedAt = now() - config.secretsCacheTtlMs + Math.min(STALE_RETRY_MS, config.secretsCacheTtlMs);
    return values;
  }

  async function refresh(name: SecretName, arn: string, entry: CacheEntry): Promise<SecretValues> {
    // Already made when any secret is an ARN (and only ARNs are refreshed); `??=` keeps the type honest.
    fetchSecret ??= parametersSecretsExtensionFetcher();
    let raw: string;
    try {
      raw = await fetchSecret(arn);
    } catch (error) {
      if (entry.values) {
        options.onStale?.(name, error);
        return serveStale(entry, entry.values);
      }
      // The extension's errors are written to be logged (no secret, no token); another fetcher's might quote anything.
      const reason = error instanceof SecretsExtensionError ? error.message : 'the secret store did not return it';
      throw new SecretUnavailableError(name, reason, { cause: error });
    }
    const values = parseSecretValue(raw);
    if (typeof values === 'string') {
      if (entry.values) {
        options.onStale?.(name, new Error(values));
        return serveStale(entry, entry.values);
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
