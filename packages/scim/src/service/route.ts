import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { Logger, Metrics } from '@idp-sync/common';
import type { HttpRoute } from '@idp-sync/http';
import { INGEST_METRIC } from '@idp-sync/http';
import { createBearerVerifier } from './auth';
import { loadScimSettings, type ScimServiceConfigInput } from './config';
import { SCIM_BASE_PATH, SCIM_METRICS } from './constants';
import type { CommandQueue, PersonGroups, ScimGroupStore, ScimUserStore, UsersLookup } from './ports';
import type { ScimService } from './service';

/** What the ingest runtime already has (secrets, sender) and the SCIM route reuses. */
export interface ScimRouteDependencies {
  /** The ingest secret provider: `scim` is `SCIM_BEARER_TOKEN` or `SCIM_BEARER_TOKEN_SECRET_ARN` (cached). */
  readonly secrets: { get(name: 'scim'): Promise<{ readonly current: string; readonly previous?: string }> };
  /** The ingest SQS sender. */
  readonly sender: CommandQueue;
  readonly logger: Logger;
  readonly metrics: Metrics;
  readonly region: string;
}

/** Loads the module that builds the Users API lookup (`@idp-sync/scim/users-api`). */
export type UsersApiLookupLoader = () => Promise<{ createUsersApiLookup(budgetMs: number): UsersLookup }>;

/**
 * Optional overrides; by default everything comes from the environment, read once when the route is built. The Users
 * API fallback is on when `ARIZE_API_KEY` is set and the route can load the lookup (`usersLookup`, or
 * `loadUsersApiLookup`: the SCIM Lambda passes it; the local stack sets the key; in AWS, give the SCIM function Users
 * API credentials to enable it), off otherwise.
 */
export interface ScimRouteOptions {
  /** The DynamoDB client every store is built on (default: one for `AWS_REGION` / `DYNAMODB_ENDPOINT`). */
  readonly dynamoDbClient?: DynamoDBClient;
  readonly store?: ScimUserStore;
  /** The SCIM group store and where memberships are recorded (by default both on the state table). */
  readonly groupStore?: ScimGroupStore;
  readonly personGroups?: PersonGroups;
  readonly usersLookup?: UsersLookup;
  /**
   * Loads the Users API lookup, on the first lookup only. A loader rather than an import in this module, so that a
   * bundle of the route does not carry the Users API client: the SCIM Lambda loads it from a file of its own beside
   * its bundle, which INIT neither evaluates nor parses.
   *
   * @example
   * createScimRoute(deps, { loadUsersApiLookup: () => import('@idp-sync/scim/users-api') });
   */
  readonly loadUsersApiLookup?: UsersApiLookupLoader;
  readonly config?: ScimServiceConfigInput;
  /** SCIM's own counters (a Powertools `Metrics` fits); without it (the Lambda) commands queued reach the ingest metrics. */
  readonly metrics?: Metrics;
  readonly env?: Readonly<Record<string, string | undefined>>;
}

/**
 * The SCIM service as one entry of the ingest route table: `/scim/v2/*`, every method SCIM uses. Built once at INIT:
 * `STATE_TABLE_NAME` (default `idp-sync-state`), `DYNAMODB_ENDPOINT` (local) and the `SCIM_*` tuning variables are
 * validated here, so a misconfiguration fails the Lambda at start-up with a message that says what to set.
 *
 * @example
 * if (secrets.isConfigured('scim')) routes.push(createScimRoute({ secrets, sender, logger, metrics, region }));
 */
export function createScimRoute(deps: ScimRouteDependencies, options: ScimRouteOptions = {}): HttpRoute {
  const env = options.env ?? process.env;
  const scimEnv = loadScimSettings(env);
  const endpoint = env.DYNAMODB_ENDPOINT?.trim() || undefined;
  const lookupBudgetMs = options.config?.usersLookupTimeoutMs ?? scimEnv.config.usersLookupTimeoutMs;
  const verifyBearer = createBearerVerifier(() => deps.secrets.get('scim'));
  // Settings are validated above, at INIT; the service, its DynamoDB client and store are built on the first SCIM
  // request, so a function that only receives webhooks never evaluates them (cold start of the webhook path).
  let service: Promise<ScimService> | undefined;
  const loadService = async (): Promise<ScimService> => {
    const [
      { createScimService },
      { createDynamoDbScimUserStore },
      { createDynamoDbScimGroupStore },
      { createDynamoDbPersonGroups },
      { DynamoDBClient },
    ] = await Promise.all([
      import('./service'),
      import('./store'),
      import('./group-store'),
      import('./person-groups'),
      import('@aws-sdk/client-dynamodb'),
    ]);
    const client =
      options.dynamoDbClient ?? new DynamoDBClient({ region: deps.region, ...(endpoint ? { endpoint } : {}) });
    const store = options.store ?? createDynamoDbScimUserStore({ client, tableName: scimEnv.tableName });
    const groupStore = options.groupStore ?? createDynamoDbScimGroupStore({ client, tableName: scimEnv.tableName });
    const personGroups =
      options.personGroups ??
      createDynamoDbPersonGroups({ client, tableName: scimEnv.tableName, now: () => new Date() });
    return createScimService({
      store,
      queue: deps.sender,
      usersLookup:
        options.usersLookup ??
        (env.ARIZE_API_KEY?.trim() && options.loadUsersApiLookup
          ? lazyUsersApiLookup(options.loadUsersApiLookup, lookupBudgetMs)
          : undefined),
      verifyBearer,
      config: { ...scimEnv.config, ...options.config },
      logger: deps.logger,
      metrics: options.metrics ?? commandsQueuedOnly(deps.metrics),
      groups: { store: groupStore, personGroups, rolePolicy: scimEnv.rolePolicy },
    });
  };
  return {
    name: 'scim',
    methods: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'],
    pathPattern: `${SCIM_BASE_PATH}/*`,
    handler: async (request) => {
      service ??= loadService().catch((error: unknown) => {
        service = undefined; // a failed load (it should not happen) is retried by the next request
        throw error;
      });
      return (await service).handle(request);
    },
  };
}

/**
 * The Users API fallback when the function has Users API credentials (`ARIZE_API_KEY`, `ARIZE_BASE_URL`): the client
 * is loaded on the first lookup only, so functions that never need it do not pay for it at start-up.
 */
function lazyUsersApiLookup(load: UsersApiLookupLoader, budgetMs: number): UsersLookup {
  let lookup: Promise<UsersLookup> | undefined;
  return {
    async findByEmail(email, options) {
      lookup ??= load().then(({ createUsersApiLookup }) => createUsersApiLookup(budgetMs));
      return (await lookup).findByEmail(email, options);
    },
  };
}

/** Without SCIM's own metrics, the HTTP function's metrics still get the commands SCIM queued. */
function commandsQueuedOnly(metrics: Metrics): Metrics {
  return {
    count(name, _dimensions, value) {
      if (name === SCIM_METRICS.commandQueued) metrics.count(INGEST_METRIC.commandsQueued, { source: 'scim' }, value);
    },
  };
}
