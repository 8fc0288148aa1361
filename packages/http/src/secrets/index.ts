export { SecretsExtensionError } from '../errors';
export {
  PARAMETERS_SECRETS_EXTENSION_DEFAULT_PORT,
  PARAMETERS_SECRETS_EXTENSION_PORT_ENV,
  PARAMETERS_SECRETS_EXTENSION_TIMEOUT_MS,
  type ParametersSecretsExtensionOptions,
  parametersSecretsExtensionFetcher,
} from './extension';
export { createSecretProvider, STALE_RETRY_MS } from './provider';
