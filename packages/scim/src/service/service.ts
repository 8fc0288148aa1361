import type { Logger, Metrics } from '@idp-sync/common';
import { redactEmailsIn } from '@idp-sync/common';
import type { RolePolicyRule } from '@idp-sync/contracts';
import type { HttpRequest, HttpResponse } from '@idp-sync/http';
import {
  describeError,
  ScimBadRequestError,
  ScimConfigError,
  ScimError,
  ScimMethodNotAllowedError,
  ScimNotFoundError,
  ScimUnauthorizedError,
  ScimUnavailableError,
} from '../errors';
import { SCIM_URN } from '../protocol/constants';
import { groupResourceType, schemaDocuments, serviceProviderConfig, userResourceType } from '../protocol/discovery';
import { type FilterExpr, parseFilter } from '../protocol/filter';
import { membersExcluded } from '../protocol/group';
import type { JsonObject, JsonValue } from '../protocol/json';
import { getProp, isJsonObject } from '../protocol/json';
import { parseAttributeList, projectResource, renderUser } from '../protocol/resource';
import { type ScimServiceConfigInput, ScimServiceConfigSchema } from './config';
import { SCIM_BASE_PATH, SCIM_METRICS } from './constants';
import { createScimGroups, renderGroupView } from './groups';
import { listResponse, parseQuery, readJsonBody, scimErrorResponse, scimResponse } from './http';
import type { BearerVerifier, CommandQueue, PersonGroups, ScimGroupStore, ScimUserStore, UsersLookup } from './ports';
import { createProvisioningScope } from './scope';
import { createScimUsers, type ScimRequestContext } from './users';

export interface ScimServiceOptions {
  /** The SCIM user store (`createDynamoDbScimUserStore`). */
  readonly store: ScimUserStore;
  /** Where write commands go. */
  readonly queue: CommandQueue;
  /** Optional fallback for people that exist in the Users API but not in the store. */
  readonly usersLookup?: UsersLookup | undefined;
  /** Checks the bearer token (`createBearerVerifier`). */
  readonly verifyBearer: BearerVerifier;
  readonly config?: ScimServiceConfigInput | undefined;
  readonly logger: Logger;
  readonly metrics: Metrics;
  /** The clock (tests pin it). */
  readonly now?: (() => Date) | undefined;
  /**
   * SCIM Groups (`/Groups`): their store, where memberships are recorded for the role policy, and the policy itself
   * (to report a membership that would change an existing account's role). Without them `/Groups` answers 404.
   */
  readonly groups?:
    | {
        readonly store: ScimGroupStore;
        readonly personGroups: PersonGroups;
        readonly rolePolicy?: readonly RolePolicyRule[] | undefined;
      }
    | undefined;
}

/** The SCIM 2.0 service: one `handle` for every request whose path is under `/scim/v2`. */
export interface ScimService {
  handle(request: HttpRequest): Promise<HttpResponse>;
}

type Route =
  | { kind: 'users' }
  | { kind: 'user'; id: string }
  | { kind: 'search' }
  | { kind: 'groups' }
  | { kind: 'group'; id: string }
  | { kind: 'groupSearch' }
  | { kind: 'serviceProviderConfig' }
  | { kind: 'resourceTypes'; id?: string }
  | { kind: 'schemas'; id?: string }
  | { kind: 'unsupported'; what: string };

/**
 * Creates the SCIM 2.0 service Entra ID provisions users through (RFC 7643/7644, with Entra's quirks).
 *
 * Framework-free: give it an `HttpRequest`, get an `HttpResponse`. Every request is authenticated before its body
 * is read. Writes are stored and queued as provisioning commands (never applied synchronously), so a Users API outage
 * never fails a SCIM call; reads are answered from the state table first, so a user POSTed a moment ago is found.
 *
 * @example
 * const scim = createScimService({
 *   store: createDynamoDbScimUserStore({ client: new DynamoDBClient({}), tableName: 'idp-sync-state' }),
 *   queue: { send: (commands) => sender.send(commands) },
 *   verifyBearer: createBearerVerifier(() => ({ current: process.env.SCIM_BEARER_TOKEN! })),
 *   logger, metrics,
 * });
 * const response = await scim.handle(request); // request.path = '/scim/v2/Users'
 */
export function createScimService(options: ScimServiceOptions): ScimService {
  const config = ScimServiceConfigSchema.parse(options.config ?? {});
  const now = options.now ?? (() => new Date());
  const baseLocation = config.baseUrl ?? SCIM_BASE_PATH;
  const { logger, metrics } = options;
  // Provisioning groups (`SCIM_PROVISIONING_GROUPS`): only their members are provisioned. They need the groups.
  if (config.provisioningGroups !== undefined && !options.groups) {
    throw new ScimConfigError(['SCIM_PROVISIONING_GROUPS: provisioning groups need the SCIM Groups store']);
  }
  const scope =
    config.provisioningGroups !== undefined && options.groups
      ? createProvisioningScope(options.groups.store, config.provisioningGroups)
      : undefined;
  const users = createScimUsers({
    scope,
    store: options.store,
    queue: options.queue,
    usersLookup: options.usersLookup,
    config,
    logger,
    metrics,
    now,
    baseLocation,
  });
  const groups = options.groups
    ? createScimGroups({
        groups: options.groups.store,
        users: options.store,
        personGroups: options.groups.personGroups,
        rolePolicy: options.groups.rolePolicy,
        scope: scope
          ? { groups: scope, rescope: (userId: string, context: ScimRequestContext) => users.rescope(userId, context) }
          : undefined,
        logger,
        metrics,
        now,
        baseLocation,
      })
    : undefined;
  const requireGroups = () => {
    if (!groups) throw new ScimNotFoundError('Groups are not served by this SCIM service');
    return groups;
  };

  async function dispatch(request: HttpRequest, route: Route): Promise<HttpResponse> {
    const method = request.method.toUpperCase();
    const query = parseQuery(request.rawQueryString);
    const attributes = parseAttributeList(query.get('attributes'));
    const excluded = parseAttributeList(query.get('excludedattributes'));
    const project = (resource: JsonObject) => projectResource(resource, attributes, excluded);
    const context: ScimRequestContext = {
      requestId: request.requestId,
      receivedAt: arrivalOf(request, now),
    };

    switch (route.kind) {
      case 'users': {
        if (method === 'GET') {
          return list(parseFilterParam(query.get('filter')), query.get('startindex'), query.get('count'), project);
        }
        if (method === 'POST') {
          const created = renderUser(await users.create(readJsonBody(request), context), baseLocation);
          return scimResponse(201, project(created), { location: locationOf(created) });
        }
        throw new ScimMethodNotAllowedError(method, ['GET', 'POST']);
      }
      case 'search': {
        if (method !== 'POST') throw new ScimMethodNotAllowedError(method, ['POST']);
        return search(readJsonBody(request));
      }
      case 'user': {
        if (method === 'GET') return scimResponse(200, project(renderUser(await users.get(route.id), baseLocation)));
        if (method === 'PUT') {
          const replaced = renderUser(await users.replace(route.id, readJsonBody(request), context), baseLocation);
          return scimResponse(200, project(replaced), { location: locationOf(replaced) });
        }
        if (method === 'PATCH') {
          const patched = await users.patch(route.id, readJsonBody(request), context);
          if (config.patchResponse === 'no-content' && !attributes && !excluded) return scimResponse(204, undefined);
          return scimResponse(200, project(renderUser(patched, baseLocation)));
        }
        if (method === 'DELETE') {
          // A deleted user leaves their groups first, while their record still says who they are (a retried DELETE
          // after a failure here finds the groups already left).
          await groups?.forgetUser(route.id);
          await users.remove(route.id, context);
          return scimResponse(204, undefined);
        }
        throw new ScimMethodNotAllowedError(method, ['GET', 'PUT', 'PATCH', 'DELETE']);
      }
      case 'groups': {
        const service = requireGroups();
        const withMembers = !membersExcluded(attributes, excluded);
        if (method === 'GET') {
          return listGroups(query.get('filter'), query.get('startindex'), query.get('count'), withMembers, project);
        }
        if (method === 'POST') {
          const created = renderGroupView(await service.create(readJsonBody(request), context), baseLocation);
          return scimResponse(201, project(created), { location: locationOf(created) });
        }
        throw new ScimMethodNotAllowedError(method, ['GET', 'POST']);
      }
      case 'groupSearch': {
        if (method !== 'POST') throw new ScimMethodNotAllowedError(method, ['POST']);
        requireGroups();
        const body = readJsonBody(request);
        if (!isJsonObject(body))
          throw new ScimBadRequestError('invalidSyntax', 'a SearchRequest must be a JSON object');
        const text = searchText(body);
        const searchAttributes = parseAttributeList(text('attributes'));
        const searchExcluded = parseAttributeList(text('excludedAttributes'));
        return listGroups(
          text('filter'),
          text('startIndex'),
          text('count'),
          !membersExcluded(searchAttributes, searchExcluded),
          (resource) => projectResource(resource, searchAttributes, searchExcluded),
        );
      }
      case 'group': {
        const service = requireGroups();
        const withMembers = !membersExcluded(attributes, excluded);
        const render = (view: Parameters<typeof renderGroupView>[0]) => {
          const shown = withMembers ? view : { group: view.group };
          return project(renderGroupView(shown, baseLocation));
        };
        if (method === 'GET') return scimResponse(200, render(await service.get(route.id, withMembers, context)));
        if (method === 'PUT') {
          const replaced = await service.replace(route.id, readJsonBody(request), context);
          return scimResponse(200, render(replaced));
        }
        if (method === 'PATCH') {
          const patched = await service.patch(route.id, readJsonBody(request), context);
          if (config.patchResponse === 'no-content' && !attributes && !excluded) return scimResponse(204, undefined);
          return scimResponse(200, render(patched));
        }
        if (method === 'DELETE') {
          await service.remove(route.id, context);
          return scimResponse(204, undefined);
        }
        throw new ScimMethodNotAllowedError(method, ['GET', 'PUT', 'PATCH', 'DELETE']);
      }
      case 'serviceProviderConfig':
        requireGet(method);
        return scimResponse(200, serviceProviderConfig(baseLocation, config.maxResults));
      case 'resourceTypes': {
        requireGet(method);
        const types = [userResourceType(baseLocation), ...(groups ? [groupResourceType(baseLocation)] : [])];
        if (route.id === undefined) return scimResponse(200, listResponse(types, types.length, 1));
        const found = types.find((type) => String(type.id).toLowerCase() === route.id?.toLowerCase());
        if (!found) throw new ScimNotFoundError(`ResourceType ${route.id} not found`);
        return scimResponse(200, found);
      }
      case 'schemas': {
        requireGet(method);
        const schemas = schemaDocuments(baseLocation).filter((schema) => groups || schema.id !== SCIM_URN.group);
        if (route.id === undefined) return scimResponse(200, listResponse(schemas, schemas.length, 1));
        const found = schemas.find((schema) => String(schema.id).toLowerCase() === route.id?.toLowerCase());
        if (!found) throw new ScimNotFoundError(`Schema ${route.id} not found`);
        return scimResponse(200, found);
      }
      case 'unsupported':
        throw new ScimNotFoundError(route.what);
    }
  }

  async function list(
    filter: FilterExpr | undefined,
    startIndexParam: string | undefined,
    countParam: string | undefined,
    project: (resource: JsonObject) => JsonObject,
  ): Promise<HttpResponse> {
    const startIndex = Math.max(1, parseInteger(startIndexParam, 'startIndex') ?? 1);
    const count = Math.min(config.maxResults, Math.max(0, parseInteger(countParam, 'count') ?? config.maxResults));
    const matched = await users.query(filter);
    const page = matched.slice(startIndex - 1, startIndex - 1 + count).map(project);
    return scimResponse(200, listResponse(page, matched.length, startIndex));
  }

  /** Groups: a page of those matching, members loaded for the page only (and only when the answer shows them). */
  async function listGroups(
    filterParam: string | undefined,
    startIndexParam: string | undefined,
    countParam: string | undefined,
    withMembers: boolean,
    project: (resource: JsonObject) => JsonObject,
  ): Promise<HttpResponse> {
    const filter = parseFilterParam(filterParam);
    const startIndex = Math.max(1, parseInteger(startIndexParam, 'startIndex') ?? 1);
    const count = Math.min(config.maxResults, Math.max(0, parseInteger(countParam, 'count') ?? config.maxResults));
    const { total, views } = await requireGroups().query(filter, () => ({ start: startIndex - 1, count }), withMembers);
    const page = views.map((view) => project(renderGroupView(view, baseLocation)));
    return scimResponse(200, listResponse(page, total, startIndex));
  }

  /** `POST /Users/.search` (RFC 7644 §3.4.3): the query parameters in a SearchRequest body. */
  async function search(body: JsonValue): Promise<HttpResponse> {
    if (!isJsonObject(body)) throw new ScimBadRequestError('invalidSyntax', 'a SearchRequest must be a JSON object');
    const text = searchText(body);
    const attributes = parseAttributeList(text('attributes'));
    const excluded = parseAttributeList(text('excludedAttributes'));
    return list(parseFilterParam(text('filter')), text('startIndex'), text('count'), (resource) =>
      projectResource(resource, attributes, excluded),
    );
  }

  /** A token that cannot be read now (Secrets Manager down) is a 503 — Entra retries — not a 401 or a 500. */
  async function verify(authorization: string | undefined): Promise<boolean> {
    try {
      return await options.verifyBearer(authorization);
    } catch (error) {
      throw new ScimUnavailableError('the SCIM token could not be read; retry later', { cause: error });
    }
  }

  return {
    async handle(request) {
      const started = Date.now();
      let response: HttpResponse;
      try {
        const route = routeOf(request.path);
        // Authenticate before anything else is read, including the body.
        if (!(await verify(request.headers.authorization))) {
          metrics.count(SCIM_METRICS.authFailed, {});
          throw new ScimUnauthorizedError();
        }
        if (!route) throw new ScimNotFoundError(`no SCIM endpoint at ${request.path}`);
        response = await dispatch(request, route);
      } catch (error) {
        response = scimErrorResponse(toScimError(error, logger, request));
      }
      metrics.count(SCIM_METRICS.request, {});
      if (response.statusCode >= 400 && response.statusCode < 500) {
        metrics.count(SCIM_METRICS.clientError, {});
      }
      if (response.statusCode >= 500) metrics.count(SCIM_METRICS.unavailable, {});
      logger.info('SCIM request', {
        requestId: request.requestId,
        method: request.method,
        path: request.path.replace(/\/(Users|Groups)\/[^/]+$/i, '/$1/{id}'),
        status: response.statusCode,
        durationMs: Date.now() - started,
      });
      return response;
    },
  };
}

/** The route of a path under `…/scim/v2`; null when the path is not a SCIM path at all. */
function routeOf(path: string): Route | null {
  const at = path.toLowerCase().indexOf(SCIM_BASE_PATH);
  if (at < 0) return null;
  const rest = path.slice(at + SCIM_BASE_PATH.length);
  if (rest !== '' && !rest.startsWith('/')) return null;
  const segments = rest.split('/').filter((segment) => segment !== '');
  const [first, second, ...more] = segments.map(decodeSegment);
  if (first === undefined || more.length > 0) return { kind: 'unsupported', what: `no SCIM endpoint at ${path}` };
  switch (first.toLowerCase()) {
    case 'users':
      if (second === undefined) return { kind: 'users' };
      if (second.toLowerCase() === '.search') return { kind: 'search' };
      return { kind: 'user', id: second };
    case 'serviceproviderconfig':
    case 'serviceconfiguration': // the path Microsoft's reference collection uses
      return second === undefined ? { kind: 'serviceProviderConfig' } : null;
    case 'resourcetypes':
      return { kind: 'resourceTypes', ...(second === undefined ? {} : { id: second }) };
    case 'schemas':
      return { kind: 'schemas', ...(second === undefined ? {} : { id: second }) };
    case 'groups':
      if (second === undefined) return { kind: 'groups' };
      if (second.toLowerCase() === '.search') return { kind: 'groupSearch' };
      return { kind: 'group', id: second };
    case 'bulk':
      return { kind: 'unsupported', what: 'Bulk operations are not supported (see ServiceProviderConfig)' };
    default:
      return { kind: 'unsupported', what: `no SCIM endpoint at ${path}` };
  }
}

/** A SearchRequest's field as a query parameter would carry it (a list joined with commas). */
function searchText(body: JsonObject): (name: string) => string | undefined {
  return (name) => {
    const value = getProp(body, name);
    if (value === undefined || value === null) return undefined;
    if (Array.isArray(value)) return value.map(String).join(',');
    return String(value);
  };
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

function requireGet(method: string): void {
  if (method !== 'GET') throw new ScimMethodNotAllowedError(method, ['GET']);
}

function parseFilterParam(filter: string | undefined): FilterExpr | undefined {
  if (filter === undefined || filter.trim() === '') return undefined;
  return parseFilter(filter);
}

function parseInteger(value: string | undefined, name: string): number | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  if (!/^\s*-?\d{1,9}\s*$/.test(value)) {
    throw new ScimBadRequestError('invalidValue', `${name} must be an integer, got "${value.slice(0, 40)}"`);
  }
  return Number.parseInt(value, 10);
}

function locationOf(resource: JsonObject): string {
  const meta = resource.meta;
  return isJsonObject(meta) && typeof meta.location === 'string' ? meta.location : '';
}

function arrivalOf(request: HttpRequest, now: () => Date): string {
  const at = Number.isFinite(request.receivedAtMs) && request.receivedAtMs > 0 ? request.receivedAtMs : now().getTime();
  return new Date(at).toISOString();
}

/** Maps anything thrown to a SCIM error: infrastructure failures are 503 (Entra retries), bugs 500, both logged. */
function toScimError(error: unknown, logger: Logger, request: HttpRequest): ScimError {
  if (error instanceof ScimError) return error;
  const described = describeError(error);
  if (isInfrastructureFailure(error)) {
    logger.error('SCIM request failed on a dependency', { requestId: request.requestId, error: described });
    return new ScimUnavailableError('a dependency of the SCIM service is unavailable; retry later', { cause: error });
  }
  logger.error('SCIM request failed unexpectedly', {
    requestId: request.requestId,
    error: described,
    // The stack's first line repeats the message, which may quote an address.
    stack: error instanceof Error && error.stack !== undefined ? redactEmailsIn(error.stack) : undefined,
  });
  return new ScimError(500, 'internal error; the request was not applied');
}

function isInfrastructureFailure(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  // AWS SDK service and network errors carry `$metadata` or a Node network error code.
  const candidate = error as Error & { $metadata?: unknown; code?: unknown; $fault?: unknown };
  return (
    candidate.$metadata !== undefined ||
    candidate.$fault !== undefined ||
    (typeof candidate.code === 'string' && /^E[A-Z]+/.test(candidate.code)) ||
    error.name === 'TimeoutError' ||
    error.name === 'ScimTimeoutError'
  );
}
