/** A running AWS service stand-in on loopback: fauxqs for SQS (`LocalSqs`), dynalite for DynamoDB (`LocalDynamoDb`). */
export interface LocalEndpoint {
  /** The endpoint to give the service's client (`new SQSClient({ endpoint })`, `new DynamoDBClient({ endpoint })`). */
  readonly endpoint: string;
  readonly region: string;
  stop(): Promise<void>;
}

/** Where a stand-in listens. */
export interface LocalEndpointOptions {
  /** Interface to bind. Only loopback is sensible; defaults to 127.0.0.1. */
  host?: string;
  /** 0 picks a free port. */
  port?: number;
  region?: string;
}

/**
 * The AWS SDK client settings for a stand-in: its endpoint set explicitly (fauxqs queue URLs are not routable on their
 * own) and static dummy credentials, so that the default provider chain never looks for real ones.
 *
 * @example
 * const client = new SQSClient(localClientConfig(sqs));
 */
export function localClientConfig(local: Pick<LocalEndpoint, 'endpoint' | 'region'>) {
  return {
    endpoint: local.endpoint,
    region: local.region,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 2,
  };
}
