import { type Logger, type Metrics, redactEmail } from '@idp-sync/common';
import { type CommandSender, QueueSendError } from '@idp-sync/contracts';
import type { HttpRequest, HttpResponse, SecretName, SecretProvider } from '@idp-sync/http';
import {
  assertBodySize,
  assertJsonContentType,
  errorToResponse,
  type HttpRoute,
  INGEST_METRIC,
  jsonResponse,
  PayloadError,
  ProblemError,
  parseJsonBody,
  SecretUnavailableError,
  withOutcome,
} from '@idp-sync/http';
import { VerificationError } from './errors';
import { assertWithinLimit, DELIVERY_LIMITS } from './sources/fan-out';
import type { IgnoredEvent, SourceAdapter } from './sources/types';

/** What every webhook route needs. */
export interface WebhookRouteDeps {
  readonly secrets: SecretProvider;
  readonly sender: CommandSender;
  readonly logger: Logger;
  readonly metrics: Metrics;
  readonly now: () => number;
}

export interface WebhookRouteOptions {
  readonly path: string;
  /** The status of a successful POST (Okta wants 200 or 204; the others get 202 Accepted). */
  readonly successStatus: 200 | 202;
  /** Answers a verified GET (Okta's one-time verification); without it the route is POST only. */
  readonly challenge?: (request: HttpRequest) => unknown;
}

/** How many ignored events a success body lists (the count is always exact). */
const MAX_LISTED_IGNORED = 50;

function outcomeOf(error: unknown): string {
  if (error instanceof VerificationError) return 'unauthorized';
  if (error instanceof PayloadError) return 'invalid';
  if (error instanceof ProblemError) {
    if (error.status === 413) return 'too-large';
    if (error.status === 415) return 'unsupported-media-type';
    return 'invalid';
  }
  if (error instanceof QueueSendError) return 'queue-failed';
  if (error instanceof SecretUnavailableError) return 'secret-unavailable';
  return 'error';
}

/**
 * The route of one webhook source, the same pipeline for all: size (413) → verify the sender over the raw bytes
 * (401) → content type (415) → parse (400) → map to commands (400 on schema violations) → SendMessageBatch → answer.
 * It answers 2xx only after SQS accepted every command; a queue failure is a 503 with `Retry-After`.
 *
 * @example
 * const route = webhookRoute(createHrAdapter(opts), deps, { path: '/webhooks/hr', successStatus: 202 });
 */
export function webhookRoute(adapter: SourceAdapter, deps: WebhookRouteDeps, options: WebhookRouteOptions): HttpRoute {
  const source = adapter.source;
  const secretName: SecretName = source;

  async function handle(request: HttpRequest): Promise<HttpResponse> {
    const started = deps.now();
    const log = { requestId: request.requestId, source, method: request.method };
    try {
      assertBodySize(request);
      const secrets = await deps.secrets.get(secretName);
      const delivery = adapter.verify(request, secrets, deps.now());

      if (request.method.toUpperCase() === 'GET' && options.challenge) {
        const body = options.challenge(request);
        deps.logger.info('verification challenge answered', { ...log, status: 200 });
        return withOutcome(jsonResponse(200, body), 'challenge');
      }

      assertJsonContentType(request);
      const payload = parseJsonBody(request);
      const { commands, ignored } = adapter.normalize(payload, {
        receivedAt: new Date(deps.now()).toISOString(),
        delivery,
      });
      // Each source bounds its own fan-out before walking the payload; this backstop keeps any source, present or
      // future, from turning one delivery into more SendMessageBatch calls than answer within a sender's timeout.
      assertWithinLimit(commands.length, DELIVERY_LIMITS.commands, 'people (commands)', '(body)');
      await deps.sender.send(commands);

      countCommands(commands.map((command) => command.action));
      countIgnored(ignored);
      // A sender's clock ahead of ours, or a timestamp from the future: queued with its time capped (`boundOccurredAt`).
      const capped = commands.filter((command) => command.claimedOccurredAt !== undefined);
      if (capped.length > 0) {
        deps.metrics.count(INGEST_METRIC.occurredAtCapped, { source }, capped.length);
        deps.logger.warn('occurredAt capped', {
          ...log,
          capped: capped.length,
          claimedOccurredAt: capped[0]?.claimedOccurredAt,
          occurredAt: capped[0]?.occurredAt,
        });
      }
      // One line per command only when someone reads them (a bulk leave queues 1,000).
      if (deps.logger.isEnabled?.('debug') ?? true) {
        for (const command of commands) {
          deps.logger.debug('command queued', { ...log, action: command.action, email: redactEmail(command.email) });
        }
      }
      deps.logger.info('webhook accepted', {
        ...log,
        status: options.successStatus,
        queued: commands.length,
        ignored: ignored.length,
        durationMs: deps.now() - started,
      });
      const response = jsonResponse(options.successStatus, {
        queued: commands.length,
        ignored: ignored.length,
        ...(ignored.length > 0 ? { ignoredEvents: ignored.slice(0, MAX_LISTED_IGNORED) } : {}),
      });
      return withOutcome(response, 'accepted');
    } catch (error) {
      const outcome = outcomeOf(error);
      const response = withOutcome(errorToResponse(error, deps.logger, request), outcome);
      const fields: Record<string, unknown> = {
        ...log,
        status: response.statusCode,
        outcome,
        durationMs: deps.now() - started,
      };
      if (error instanceof ProblemError) {
        fields.reason = error.detail;
        if (error.errors) fields.paths = error.errors.map((e) => e.path);
      }
      if (response.statusCode < 500) deps.logger.warn('webhook rejected', fields);
      return response;
    }
  }

  function countCommands(actions: readonly string[]): void {
    const byAction = new Map<string, number>();
    for (const action of actions) byAction.set(action, (byAction.get(action) ?? 0) + 1);
    for (const [action, n] of byAction) deps.metrics.count(INGEST_METRIC.commandsQueued, { source, action }, n);
  }

  function countIgnored(ignored: readonly IgnoredEvent[]): void {
    const byKey = new Map<string, { eventType: string; reason: string; n: number }>();
    for (const { eventType, reason } of ignored) {
      const key = `${eventType}\u0000${reason}`;
      const entry = byKey.get(key) ?? { eventType, reason, n: 0 };
      entry.n++;
      byKey.set(key, entry);
    }
    for (const { eventType, reason, n } of byKey.values()) {
      deps.metrics.count(INGEST_METRIC.eventsIgnored, { source, eventType, reason }, n);
    }
  }

  return {
    name: source,
    methods: options.challenge ? ['GET', 'POST'] : ['POST'],
    pathPattern: options.path,
    handler: handle,
  };
}
