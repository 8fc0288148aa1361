import { processPartialResponse, SqsFifoPartialProcessorAsync } from '@aws-lambda-powertools/batch';
import { IdempotencyConfig, makeIdempotent } from '@aws-lambda-powertools/idempotency';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { SQSClient } from '@aws-sdk/client-sqs';
import { type Logger, mapWithConcurrency, redactEmail, redactEmailsIn, silentLogger } from '@idp-sync/common';
import { commandFingerprint, type ProvisioningCommand } from '@idp-sync/contracts';
import type { UsersClient } from '@idp-sync/users-client';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { Applier } from '../applier/applier';
import { BulkDeleteCoalescer } from '../applier/bulk-delete';
import { IdentityResolver } from '../applier/identity';
import type { ApplyContext, ApplyResult, BulkDeleteTicket } from '../applier/types';
import { DeleteDeferredError, DeleteHeldError, RecordRetryLater } from '../errors';
import { PendingDeleteRepository } from '../grace/pending-deletes';
import type { WorkerConfig } from '../lambda/config';
import { MetricsTally, noopWorkerMetrics, WORKER_METRICS, type WorkerMetrics } from '../metrics';
import { BatchStateView } from '../state/batch-view';
import { DeletionGuardRepository } from '../state/deletion-guard';
import { createIdempotencyPersistence, IDEMPOTENCY_KEY_PREFIX } from '../state/idempotency';
import { IdentityLinkRepository } from '../state/identity-links';
import { PersonStateRepository } from '../state/person-state';
import { visibilityTimeoutFor } from './backoff';
import { COMMAND_ID_REUSED_REASON, classifyFailure, type FailureInfo } from './classify';
import { DeletionGate } from './deletion-gate';
import { changeVisibility, DeadLetterSender, queueUrlFromArn } from './dlq';
import { GraceGate } from './grace-gate';
import { deleteSubjectsOf, groupRecords, parseRecord, type WorkerRecord } from './records';
import type { UsersApiRateLimiter } from './users-api-rate-limiter';

/** What became of one record. `retry` and `blocked` are the batch item failures; the rest are acknowledged. */
export type RecordOutcome =
  | {
      messageId: string;
      kind: 'applied' | 'noop' | 'stale';
      commandId: string;
      action: ProvisioningCommand['action'];
      detail: string;
      unsupported?: string[];
      /** How the command's stable id was resolved, when not routine (see `ApplyResult.identity`). */
      identity?: ApplyResult['identity'];
    }
  | { messageId: string; kind: 'duplicate'; commandId: string; action: ProvisioningCommand['action'] }
  | {
      messageId: string;
      kind: 'dead-lettered';
      commandId?: string;
      errorClass: string;
      httpStatus?: number;
      reason: string;
    }
  | {
      messageId: string;
      kind: 'retry';
      commandId?: string;
      errorClass: string;
      httpStatus?: number;
      reason: string;
      visibilityTimeoutSeconds?: number;
    }
  | { messageId: string; kind: 'blocked'; commandId?: string; blockedBy: string }
  | {
      messageId: string;
      /** A delete the deletion guard did not let through (acknowledged, not applied; see `idp-sync deletes`). */
      kind: 'held';
      commandId: string;
      action: 'delete';
      /** `held`: stored for a person; `discarded`: a person had decided it must not run. */
      verdict: 'held' | 'discarded';
    }
  | {
      messageId: string;
      /**
       * A deactivation waiting out its source's grace period (acknowledged, not applied): `scheduled` by this
       * record, `waiting` behind one scheduled before, or `cancelled` (a released delete whose person came back).
       */
      kind: 'deferred';
      commandId: string;
      action: 'delete';
      state: 'scheduled' | 'waiting' | 'cancelled';
      dueAt?: string;
    };

/** The response plus what happened, for the local poller, tests and benchmarks. */
export interface BatchReport {
  response: SQSBatchResponse;
  /** One per record, in the event's order. */
  outcomes: RecordOutcome[];
  /** The batch's metric counts by metric name. */
  counts: Record<string, number>;
  /** HTTP requests sent to the Users API during the batch (when a rate limiter was given). */
  usersApiCalls?: number;
  /** `users.bulkDelete` calls made (0 or 1). */
  bulkDeleteCalls: number;
}

/**
 * Where `processBatch` attaches its {@link BatchCounts} to the response it returns, for the local stack's batch line.
 * A symbol key: Lambda serialises the response as JSON, which leaves symbols out, so AWS sees `{ batchItemFailures }`.
 */
export const BATCH_COUNTS: unique symbol = Symbol.for('idp-sync.worker.batch-counts');

/** What became of a batch's acknowledged records, beyond the response (which names only the failures). */
export interface BatchCounts {
  /** Sent to the DLQ (and so acknowledged): not done. */
  deadLettered: number;
}

export interface CreateWorkerOptions {
  config: WorkerConfig;
  /** A Users API client; build it with `createWorkerUsersClient` so its requests share the rate limiter. */
  usersClient: Pick<UsersClient, 'users'>;
  sqsClient: SQSClient;
  dynamoClient: DynamoDBClient;
  logger?: Logger;
  metrics?: WorkerMetrics;
  /** The limiter under the Users API client, read for the `UsersApiCalls` metric. */
  limiter?: UsersApiRateLimiter;
  now?: () => Date;
  random?: () => number;
  /** Publish metrics at the end of each batch. Default true; the Lambda handler leaves it to the Powertools middleware. */
  publishMetrics?: boolean;
}

/** The worker: one call per SQS batch. */
export interface Worker {
  /** The response carries {@link BatchCounts} under {@link BATCH_COUNTS} (not serialised). */
  processBatch(event: SQSEvent, context?: Context): Promise<SQSBatchResponse & { [BATCH_COUNTS]?: BatchCounts }>;
  processBatchWithReport(event: SQSEvent, context?: Context): Promise<BatchReport>;
}

/**
 * What the idempotency record stores: the result, with the fingerprint of the command that produced it, so that a
 * later command with the same id and other content is told apart from a redelivery (records written before the
 * fingerprint existed have none: then Powertools' payload validation alone decides).
 */
type StoredResult = ApplyResult & { fingerprint?: string };

type IdempotentApply = (command: ProvisioningCommand, context: ApplyContext) => Promise<StoredResult>;

/** One SQS batch in progress, shared by the steps that run its records. */
interface BatchInProgress {
  byMessageId: Map<string, WorkerRecord>;
  /** The records per person, each in SQS order (see `groupRecords`). */
  groups: WorkerRecord[][];
  /** What became of each record so far. */
  outcomes: Map<string, RecordOutcome>;
  tally: MetricsTally;
  /** The batch's deletion guard (absent when `DELETION_GUARD=off`). */
  gate: DeletionGate | undefined;
  /** Runs one record (with its place in the bulk delete, for a person's first delete) and records its outcome. */
  run(record: WorkerRecord, ticket?: BulkDeleteTicket): Promise<RecordOutcome>;
}

/**
 * The call made idempotent: resolves the command's stable id, then applies it. Resolving inside the idempotent call
 * means a retry resolves again and a duplicate returns the stored result, so the idempotency key, payload and
 * fingerprint stay those of the command as queued.
 */
function resolveAndApply(identities: IdentityResolver, applier: Applier) {
  return async (command: ProvisioningCommand, ctx: ApplyContext): Promise<StoredResult> => {
    let resolved: Awaited<ReturnType<IdentityResolver['resolve']>>;
    try {
      resolved = await identities.resolve(command);
    } catch (error) {
      ctx.bulkDelete?.release();
      throw error;
    }
    const result = await applier.apply(resolved.command, ctx);
    const { outcome } = resolved;
    if (outcome === 'followed' && command.action === 'delete' && resolved.command.email !== command.email) {
      // A leave fails toward removing access: a link made by a wrong first address (a typo in the source, or a
      // person provisioned before stable ids) must not let the real leave miss the account the leave names. The
      // sender could name that address directly anyway, so this grants it nothing new.
      await applier.apply(command, {});
    }
    const identity =
      outcome === 'followed' || outcome === 'moved' || outcome === 'refused' ? { identity: outcome } : {};
    return { ...result, ...identity, fingerprint: commandFingerprint(command) };
  };
}

/**
 * Builds the worker that turns an SQS FIFO batch into Users API calls, usable with or without Lambda (the local
 * stack's poller calls `processBatch` with Lambda-shaped records).
 *
 * Per batch: records are parsed (an invalid one goes to the DLQ with its reason); the first command of every person
 * that is a delete goes out together in one `users.bulkDelete`; then people run in parallel (`concurrency` at a
 * time), each person's records in order through Powertools' FIFO batch processor with `skipGroupOnError`, each
 * command made idempotent on its id by Powertools idempotency. A transient failure leaves the record for redelivery
 * with a visibility timeout that grows with the receive count, and the person's later records are not attempted
 * (`blocked`); a permanent failure, or a transient one on the last allowed receive, goes to the DLQ with its reason
 * and is acknowledged — as SQS itself unblocks a FIFO group once a message moves to the DLQ, the person's later
 * records then proceed (the watermark keeps a replay of the failed one from overwriting them).
 * `processBatch` never throws for a record: every failure is an outcome, so the response is always a partial batch
 * response (Powertools' full-batch-failure exception is switched off).
 *
 * @example
 * const worker = createWorker({ config, usersClient, sqsClient, dynamoClient });
 * export const handler = (event: SQSEvent, context: Context) => worker.processBatch(event, context);
 */
export function createWorker(options: CreateWorkerOptions): Worker {
  const { config } = options;
  const logger = options.logger ?? silentLogger;
  const sink = options.metrics ?? noopWorkerMetrics;
  const now = options.now ?? (() => new Date());
  const random = options.random ?? Math.random;
  const state = new PersonStateRepository({ client: options.dynamoClient, tableName: config.stateTableName, now });
  const links = new IdentityLinkRepository({ client: options.dynamoClient, tableName: config.stateTableName, now });
  const persistenceStore = createIdempotencyPersistence(options.dynamoClient, config.stateTableName);
  const dlq = new DeadLetterSender(options.sqsClient, config.dlqUrl);
  const guard = config.deletionGuard.enabled
    ? new DeletionGuardRepository({
        client: options.dynamoClient,
        tableName: config.stateTableName,
        config: config.deletionGuard,
        now,
        random,
      })
    : undefined;
  const pendingDeletes = new PendingDeleteRepository({
    client: options.dynamoClient,
    tableName: config.stateTableName,
    now,
  });

  /**
   * One batch, in named steps: parse the records, prepare the idempotent apply (prefetching everyone's state), run
   * the first deletes of the batch as one bulk delete, run each person's records in order, then count, publish and
   * log what happened.
   */
  async function processBatchWithReport(event: SQSEvent, context?: Context): Promise<BatchReport> {
    const batchStart = Date.now();
    const limiterBefore = limiterCounts();
    const tally = new MetricsTally();
    const records = (event.Records ?? []).map((r) => parseRecord(r, now()));
    tally.count(WORKER_METRICS.batchSize, records.length);

    const gate = guard === undefined ? undefined : new DeletionGate({ repository: guard, records, tally, logger });
    // Always present, also with no grace period configured: a delete scheduled before one was removed is still released.
    const grace = new GraceGate({
      repository: pendingDeletes,
      config: config.gracePeriods,
      subjects: deleteSubjectsOf(records),
      tally,
      logger,
      now,
    });
    const apply = await prepareIdempotentApply(records, context ?? syntheticLambdaContext(batchStart), gate, grace);
    const outcomes = new Map<string, RecordOutcome>();
    const batch: BatchInProgress = {
      byMessageId: new Map(records.map((r) => [r.messageId, r])),
      groups: groupRecords(records),
      outcomes,
      tally,
      gate,
      run: async (record, ticket) => {
        const outcome = await attempt(record, apply, ticket, tally);
        if (gate !== undefined && (outcome.kind === 'applied' || outcome.kind === 'noop' || outcome.kind === 'stale')) {
          await gate.settleApproved(record, outcome.kind);
        }
        outcomes.set(record.messageId, outcome);
        return outcome;
      },
    };
    const bulkDelete = await runFirstDeletesAsOneBulkDelete(batch);
    await runEachPersonInOrder(batch);

    const ordered = records.map((r) => outcomes.get(r.messageId) as RecordOutcome);
    const batchItemFailures = ordered
      .filter((o) => o.kind === 'retry' || o.kind === 'blocked')
      .map((o) => ({ itemIdentifier: o.messageId }));
    const usersApiCalls = countUsersApiTraffic(limiterBefore, tally);
    if (bulkDelete.calls > 0) tally.count(WORKER_METRICS.bulkDeletes, bulkDelete.calls);
    publishBatchMetrics(tally);
    logger.info('batch processed', {
      records: records.length,
      failures: batchItemFailures.length,
      deadLettered: ordered.filter((o) => o.kind === 'dead-lettered').length,
      usersApiCalls,
      durationMs: Date.now() - batchStart,
    });
    return {
      response: { batchItemFailures },
      outcomes: ordered,
      counts: tally.counts,
      ...(usersApiCalls === undefined ? {} : { usersApiCalls }),
      bulkDeleteCalls: bulkDelete.calls,
    };
  }

  /**
   * Without Lambda (the local poller, tests), a deadline of `processingTimeoutMs` from the batch's start stands in
   * for the remaining time of an invocation.
   */
  function syntheticLambdaContext(batchStart: number): Context {
    return {
      getRemainingTimeInMillis: () => Math.max(1, batchStart + config.processingTimeoutMs - Date.now()),
    } as Context;
  }

  /**
   * The batch's apply: resolve the command's stable id, then apply it, made idempotent on the command id by
   * Powertools. Everyone's state and stable-id links are read first, one round trip each.
   */
  async function prepareIdempotentApply(
    records: WorkerRecord[],
    lambdaContext: Context,
    gate: DeletionGate | undefined,
    grace: GraceGate,
  ): Promise<IdempotentApply> {
    const idempotencyConfig = idempotencyConfigFor(lambdaContext);
    // Everyone's state in one round trip instead of one read per command; kept current as the batch writes.
    const view = new BatchStateView(state);
    const identities = new IdentityResolver({ links, state: view });
    await prefetchBatch(records, view, identities);
    const applier = new Applier({
      users: options.usersClient.users,
      state: view,
      defaultRole: config.defaultRole,
      defaultInviteMode: config.defaultInviteMode,
      now,
      ...(gate === undefined ? {} : { guard: gate }),
      grace,
      rolePolicy: config.rolePolicy,
    });
    return makeIdempotent(resolveAndApply(identities, applier), {
      persistenceStore,
      config: idempotencyConfig,
      keyPrefix: IDEMPOTENCY_KEY_PREFIX,
    }) as IdempotentApply;
  }

  /**
   * One idempotency config per batch: it carries the Lambda context whose remaining time bounds an in-progress
   * record, so a crashed invocation's records expire and the redelivery can run them.
   */
  function idempotencyConfigFor(lambdaContext: Context): IdempotencyConfig {
    return new IdempotencyConfig({
      eventKeyJmesPath: 'id',
      // The time as the sender claimed it: a capped occurredAt moves with receivedAt, which differs per redelivery.
      // For a command that was not capped this is the same array (and hash) as `[action, email, occurredAt]`.
      // SCIM's time is ingest's receipt time (its id hashes the content): validated without it (see commandFingerprint).
      payloadValidationJmesPath: "[action, email, source == 'scim' && source || claimedOccurredAt || occurredAt]",
      expiresAfterSeconds: config.idempotencyTtlSeconds,
      throwOnNoIdempotencyKey: true,
      lambdaContext,
    });
  }

  /** Reads the batch's person states and stable-id links up front. */
  async function prefetchBatch(
    records: WorkerRecord[],
    view: BatchStateView,
    identities: IdentityResolver,
  ): Promise<void> {
    const commands = records.flatMap((r) => (r.command ? [r.command] : []));
    try {
      await Promise.all([view.prefetch(commands.map((c) => c.email)), identities.prefetch(commands)]);
    } catch (error) {
      // Not fatal: each command then reads its own state (and fails transiently if DynamoDB is really down).
      logger.warn('could not prefetch the batch’s person states', {
        error: redactEmailsIn(String((error as Error)?.message)),
      });
    }
  }

  /**
   * The people whose first pending command is a delete: one users.bulkDelete for all of them. All run at once (a
   * batch holds at most ten records), since each waits for the others before the call goes out.
   */
  async function runFirstDeletesAsOneBulkDelete(batch: BatchInProgress): Promise<BulkDeleteCoalescer> {
    const firstDeletes = batch.groups.map((g) => g[0] as WorkerRecord).filter((r) => r.command?.action === 'delete');
    // The deletes inside bulkDelete wait for rate-limit slots within their timeout, so not too many at once.
    const coalescer = new BulkDeleteCoalescer(options.usersClient.users, firstDeletes.length, {
      concurrency: Math.max(1, Math.min(config.concurrency, Math.ceil(config.usersApiRps))),
      ...(batch.gate === undefined ? {} : { guard: batch.gate }),
    });
    await Promise.all(
      firstDeletes.map(async (record) => {
        const ticket = coalescer.ticket();
        try {
          await batch.run(record, ticket);
        } finally {
          ticket.release();
        }
      }),
    );
    return coalescer;
  }

  /**
   * Every person's records in SQS order (those the bulk delete already ran are kept), `concurrency` people at a time.
   * Powertools' FIFO processor skips a person's later records once one is left for redelivery; those are `blocked`.
   */
  async function runEachPersonInOrder(batch: BatchInProgress): Promise<void> {
    // Memberships first (their own FIFO groups): a create in the same batch then reads the groups they record,
    // whichever of the two the sender sent first.
    const isMembership = (group: WorkerRecord[]) => group.every((r) => r.command?.action === 'membership');
    await runGroups(batch, batch.groups.filter(isMembership));
    await runGroups(
      batch,
      batch.groups.filter((group) => !isMembership(group)),
    );
  }

  async function runGroups(batch: BatchInProgress, groups: WorkerRecord[][]): Promise<void> {
    const { outcomes } = batch;
    await mapWithConcurrency(groups, config.concurrency, async (group) => {
      const processor = new SqsFifoPartialProcessorAsync();
      await processPartialResponse(
        { Records: group.map((r) => r.record) },
        async (sqsRecord: SQSRecord) => {
          const record = batch.byMessageId.get(sqsRecord.messageId) as WorkerRecord;
          const outcome = outcomes.get(record.messageId) ?? (await batch.run(record));
          if (outcome.kind === 'retry') throw new RecordRetryLater(record.messageId);
        },
        processor,
        { skipGroupOnError: true, throwOnFullBatchFailure: false },
      );
      // Records Powertools skipped after a failure in their group were never attempted.
      const failed = group.find((r) => outcomes.get(r.messageId)?.kind === 'retry');
      for (const record of group) {
        if (outcomes.has(record.messageId)) continue;
        outcomes.set(record.messageId, await block(record, failed?.messageId ?? 'unknown', batch.tally));
      }
    });
  }

  /** The limiter's counters now (undefined without a limiter), to tell what one batch used. */
  function limiterCounts(): { requests: number; rateLimited: number } | undefined {
    const stats = options.limiter?.stats;
    return stats === undefined ? undefined : { requests: stats.requests, rateLimited: stats.rateLimited };
  }

  /** Counts the batch's Users API requests and 429s since `before`; returns the requests (undefined without a limiter). */
  function countUsersApiTraffic(before: ReturnType<typeof limiterCounts>, tally: MetricsTally): number | undefined {
    const after = limiterCounts();
    if (before === undefined || after === undefined) return undefined;
    const usersApiCalls = after.requests - before.requests;
    tally.count(WORKER_METRICS.usersApiCalls, usersApiCalls);
    const limited = after.rateLimited - before.rateLimited;
    if (limited > 0) tally.count(WORKER_METRICS.usersApiRateLimited, limited);
    return usersApiCalls;
  }

  /** Hands the batch's counts to the sink (and publishes them unless the Lambda middleware does); never throws. */
  function publishBatchMetrics(tally: MetricsTally): void {
    try {
      tally.flushTo(sink);
      if (options.publishMetrics !== false) sink.publish();
    } catch (error) {
      logger.warn('metrics could not be published', { error: redactEmailsIn(String((error as Error)?.message)) });
    }
  }

  /** Applies one record's command and turns whatever happens into an outcome (never throws). */
  async function attempt(
    record: WorkerRecord,
    apply: IdempotentApply,
    ticket: BulkDeleteTicket | undefined,
    tally: MetricsTally,
  ): Promise<RecordOutcome> {
    if (record.command === undefined) {
      return deadLetter(
        record,
        { retryable: false, errorClass: 'InvalidCommand', message: record.invalid ?? 'invalid' },
        tally,
      );
    }
    const command = record.command;
    if (record.cappedHere) reportCappedOccurredAt(record, command, tally);
    const settle = settleSecondsLeft(record, command);
    if (settle > 0) return deferForMemberships(record, command, settle, tally);
    const context: ApplyContext = ticket === undefined ? {} : { bulkDelete: ticket };
    let result: StoredResult;
    try {
      result = await apply(command, context);
    } catch (error) {
      return settleFailure(record, error, tally);
    }
    if (context.executed !== true) return settleStoredResult(record, command, result, tally);
    const outcome: RecordOutcome = {
      messageId: record.messageId,
      kind: result.outcome,
      commandId: command.id,
      action: command.action,
      detail: result.detail,
      ...(result.unsupported === undefined ? {} : { unsupported: result.unsupported }),
      ...(result.identity === undefined ? {} : { identity: result.identity }),
    };
    if (result.identity !== undefined) reportIdentity(command, result.identity, tally);
    if (result.outcome === 'stale') reportStale(record, command, result, tally);
    else reportApplied(record, command, result, tally);
    return outcome;
  }

  function reportCappedOccurredAt(record: WorkerRecord, command: ProvisioningCommand, tally: MetricsTally): void {
    tally.count(WORKER_METRICS.occurredAtCapped);
    logger.warn('occurredAt capped: the message was queued with a time beyond its receipt + 1 min', {
      ...logFields(record),
      claimedOccurredAt: command.claimedOccurredAt,
      occurredAt: command.occurredAt,
    });
  }

  /** A failed apply: permanent → DLQ; transient → retry later, or DLQ on the last allowed receive. */
  async function settleFailure(record: WorkerRecord, error: unknown, tally: MetricsTally): Promise<RecordOutcome> {
    if (error instanceof DeleteHeldError && record.command !== undefined) {
      // Not a failure: the delete is stored for a person (or was discarded by one). The gate logged and counted it.
      return {
        messageId: record.messageId,
        kind: 'held',
        commandId: record.command.id,
        action: 'delete',
        verdict: error.verdict,
      };
    }
    if (error instanceof DeleteDeferredError && record.command !== undefined) {
      // Not a failure either: the delete waits out a grace period (the gate logged and counted a new schedule).
      if (error.note !== undefined) logger.warn(error.note, logFields(record));
      if (error.state !== 'scheduled') {
        logger.info(
          error.state === 'cancelled'
            ? 'released delete dropped: the person came back within the grace period'
            : 'deactivation acknowledged: a delete of this person already waits out its grace period',
          { ...logFields(record), ...(error.dueAt === undefined ? {} : { dueAt: error.dueAt }) },
        );
      }
      return {
        messageId: record.messageId,
        kind: 'deferred',
        commandId: record.command.id,
        action: 'delete',
        state: error.state,
        ...(error.dueAt === undefined ? {} : { dueAt: error.dueAt }),
      };
    }
    const failure = classifyFailure(error);
    if (!failure.retryable) return deadLetter(record, failure, tally);
    if (record.receiveCount >= config.maxReceiveCount) {
      return deadLetter(
        record,
        { ...failure, message: `gave up after ${record.receiveCount} receives: ${failure.message}` },
        tally,
      );
    }
    return retryLater(record, failure, tally);
  }

  /**
   * The idempotency store answered instead of the applier: a redelivery of this command (`duplicate`), or another
   * command under a reused id (its fingerprint differs: DLQ).
   */
  async function settleStoredResult(
    record: WorkerRecord,
    command: ProvisioningCommand,
    result: StoredResult,
    tally: MetricsTally,
  ): Promise<RecordOutcome> {
    if (result.fingerprint !== undefined && result.fingerprint !== commandFingerprint(command)) {
      return deadLetter(
        record,
        { retryable: false, errorClass: 'CommandIdReused', message: COMMAND_ID_REUSED_REASON },
        tally,
      );
    }
    tally.count(WORKER_METRICS.duplicate);
    logger.info('duplicate command skipped', logFields(record));
    return { messageId: record.messageId, kind: 'duplicate', commandId: command.id, action: command.action };
  }

  function reportStale(
    record: WorkerRecord,
    command: ProvisioningCommand,
    result: StoredResult,
    tally: MetricsTally,
  ): void {
    tally.count(WORKER_METRICS.stale);
    const staleFields = {
      ...logFields(record),
      occurredAt: command.occurredAt,
      watermark: result.watermark,
      watermarkCommandId: result.watermarkCommandId,
      ...(result.notes === undefined ? {} : { notes: result.notes }),
    };
    if (command.action === 'delete') {
      // A leave that was not applied: the person may keep access. Alarmed; the runbook says what to do.
      tally.count(WORKER_METRICS.staleDelete);
      logger.warn('stale delete skipped: the person may keep access', staleFields);
    } else {
      logger.warn('stale command skipped', staleFields);
    }
  }

  function reportApplied(
    record: WorkerRecord,
    command: ProvisioningCommand,
    result: StoredResult,
    tally: MetricsTally,
  ): void {
    const fields = logFields(record);
    tally.count(result.outcome === 'applied' ? WORKER_METRICS.applied : WORKER_METRICS.noop, 1, {
      action: command.action,
    });
    const delay = now().getTime() - Date.parse(command.occurredAt);
    if (Number.isFinite(delay)) tally.timing(WORKER_METRICS.endToEndDelay, delay);
    if (result.unsupported !== undefined) {
      tally.count(WORKER_METRICS.unsupported, result.unsupported.length);
      logger.warn('attributes the Users API cannot change were recorded, not applied', {
        ...fields,
        unsupported: result.unsupported,
      });
    }
    for (const note of result.notes ?? []) logger.warn(note, fields);
    logger.info(result.outcome === 'applied' ? 'command applied' : 'command needed no change', {
      ...fields,
      detail: result.detail,
      endToEndDelayMs: delay,
    });
  }

  /**
   * Says how a command's stable id was resolved when it was not routine. The lines carry the source and the command
   * id, never an email (not even redacted: the point is that two addresses are involved).
   */
  function reportIdentity(
    command: ProvisioningCommand,
    identity: NonNullable<ApplyResult['identity']>,
    tally: MetricsTally,
  ): void {
    const fields = {
      correlation_id: command.id,
      commandId: command.id,
      action: command.action,
      source: command.source,
    };
    if (identity === 'followed') {
      tally.count(WORKER_METRICS.emailChangesFollowed, 1, { source: command.source });
      logger.warn(
        'the source names this person by another email than the one they were provisioned with; applied to the provisioned account, the email change recorded as unsupported',
        fields,
      );
    } else if (identity === 'moved') {
      tally.count(WORKER_METRICS.identityLinksMoved, 1, { source: command.source });
      logger.info('a person whose account was deleted joins again under a new email; their link moved there', fields);
    } else {
      tally.count(WORKER_METRICS.identityLinksRefused, 1, { source: command.source });
      logger.warn(
        'another id of this source is linked to this email; applied to the email named, without following the id',
        fields,
      );
    }
  }

  async function deadLetter(record: WorkerRecord, failure: FailureInfo, tally: MetricsTally): Promise<RecordOutcome> {
    const fields = logFields(record);
    try {
      await dlq.send(record, failure, now());
    } catch (error) {
      // Not acknowledged: SQS keeps the message and it is tried again (and dead-lettered then, with its reason).
      tally.count(WORKER_METRICS.dlqSendFailed);
      logger.error('could not send the record to the DLQ; leaving it on the queue', {
        ...fields,
        errorClass: failure.errorClass,
        dlqError: redactEmailsIn(String((error as Error)?.message)),
      });
      return {
        messageId: record.messageId,
        kind: 'retry',
        ...(record.command ? { commandId: record.command.id } : {}),
        errorClass: 'DlqSendFailed',
        reason: failure.message,
      };
    }
    tally.count(WORKER_METRICS.deadLettered, 1, { errorClass: failure.errorClass });
    logger.error('command sent to the DLQ', {
      ...fields,
      errorClass: failure.errorClass,
      httpStatus: failure.httpStatus,
      reason: failure.message,
    });
    return {
      messageId: record.messageId,
      kind: 'dead-lettered',
      ...(record.command ? { commandId: record.command.id } : {}),
      errorClass: failure.errorClass,
      ...(failure.httpStatus === undefined ? {} : { httpStatus: failure.httpStatus }),
      reason: failure.message,
    };
  }

  /**
   * Seconds a create should still wait for the person's memberships (`ROLE_SETTLE_SECONDS`): only when the role
   * policy chooses by group for the command's source and the command names no role of its own, counted from when it
   * was queued, and never on the last allowed receive (it is then applied with what is known).
   */
  function settleSecondsLeft(record: WorkerRecord, command: ProvisioningCommand): number {
    if (config.roleSettleSeconds <= 0 || command.action !== 'create' || command.customRoleId !== undefined) return 0;
    if (record.receiveCount >= config.maxReceiveCount) return 0;
    const byGroup = config.rolePolicy.some(
      (rule) => rule.group !== undefined && (rule.source === undefined || rule.source === command.source),
    );
    if (!byGroup) return 0;
    const sentMs = Number(record.record.attributes?.SentTimestamp);
    const queuedAt = Number.isFinite(sentMs) && sentMs > 0 ? sentMs : record.firstSeenAt.getTime();
    const left = config.roleSettleSeconds * 1000 - (now().getTime() - queuedAt);
    return left > 0 ? Math.ceil(left / 1000) : 0;
  }

  /** Leaves a create in the queue until its settle time is over; the person's later records wait behind it. */
  async function deferForMemberships(
    record: WorkerRecord,
    command: ProvisioningCommand,
    seconds: number,
    tally: MetricsTally,
  ): Promise<RecordOutcome> {
    const queueUrl = config.queueUrl ?? queueUrlFromArn(record.record.eventSourceARN ?? '');
    let applied: number | undefined = seconds;
    try {
      if (queueUrl === undefined) throw new Error('no QUEUE_URL and no parsable eventSourceARN');
      await changeVisibility(options.sqsClient, queueUrl, record.record.receiptHandle, seconds);
    } catch (error) {
      applied = undefined;
      logger.warn('could not change the visibility timeout; SQS redelivers after the queue default', {
        ...logFields(record),
        sqsError: redactEmailsIn(String((error as Error)?.message)),
      });
    }
    tally.count(WORKER_METRICS.createsDeferred, 1, { source: command.source });
    logger.info('create deferred for memberships that may follow it (ROLE_SETTLE_SECONDS)', {
      ...logFields(record),
      visibilityTimeoutSeconds: applied,
    });
    return {
      messageId: record.messageId,
      kind: 'retry',
      commandId: command.id,
      errorClass: 'RoleSettling',
      reason: `the role policy chooses by group: waiting ${seconds} s for memberships sent after the create`,
      ...(applied === undefined ? {} : { visibilityTimeoutSeconds: applied }),
    };
  }

  async function retryLater(record: WorkerRecord, failure: FailureInfo, tally: MetricsTally): Promise<RecordOutcome> {
    const seconds = visibilityTimeoutFor(record.receiveCount, {
      baseSeconds: config.visibilityBaseSeconds,
      maxSeconds: config.visibilityMaxSeconds,
      retryAfterMs: failure.retryAfterMs,
      random,
    });
    const fields = logFields(record);
    let applied: number | undefined = seconds;
    const queueUrl = config.queueUrl ?? queueUrlFromArn(record.record.eventSourceARN ?? '');
    try {
      if (queueUrl === undefined) throw new Error('no QUEUE_URL and no parsable eventSourceARN');
      await changeVisibility(options.sqsClient, queueUrl, record.record.receiptHandle, seconds);
    } catch (error) {
      applied = undefined;
      logger.warn('could not change the visibility timeout; SQS redelivers after the queue default', {
        ...fields,
        sqsError: redactEmailsIn(String((error as Error)?.message)),
      });
    }
    tally.count(WORKER_METRICS.retried, 1, { errorClass: failure.errorClass });
    logger.warn('transient failure; left for redelivery', {
      ...fields,
      errorClass: failure.errorClass,
      httpStatus: failure.httpStatus,
      reason: failure.message,
      visibilityTimeoutSeconds: applied,
    });
    return {
      messageId: record.messageId,
      kind: 'retry',
      ...(record.command ? { commandId: record.command.id } : {}),
      errorClass: failure.errorClass,
      ...(failure.httpStatus === undefined ? {} : { httpStatus: failure.httpStatus }),
      reason: failure.message,
      ...(applied === undefined ? {} : { visibilityTimeoutSeconds: applied }),
    };
  }

  /**
   * A record not attempted because an earlier record of the same person failed. It goes back to the queue, except
   * on its last allowed receive: then SQS would move it to the DLQ without a reason, so the worker does it with one.
   */
  async function block(record: WorkerRecord, blockedBy: string, tally: MetricsTally): Promise<RecordOutcome> {
    if (record.receiveCount >= config.maxReceiveCount) {
      return deadLetter(
        record,
        {
          retryable: true,
          errorClass: 'BlockedByEarlierFailure',
          message: `not attempted on its last allowed receive (${record.receiveCount}): message ${blockedBy} of the same person failed before it`,
        },
        tally,
      );
    }
    tally.count(WORKER_METRICS.blocked);
    logger.info('not attempted: an earlier command of the same person failed', { ...logFields(record), blockedBy });
    return {
      messageId: record.messageId,
      kind: 'blocked',
      ...(record.command ? { commandId: record.command.id } : {}),
      blockedBy,
    };
  }

  return {
    processBatchWithReport,
    async processBatch(event, context) {
      const report = await processBatchWithReport(event, context);
      const counts: BatchCounts = { deadLettered: report.outcomes.filter((o) => o.kind === 'dead-lettered').length };
      return Object.assign(report.response, { [BATCH_COUNTS]: counts });
    },
  };
}

/** Log fields of a record: the command id is the correlation id; the person's email is redacted. */
function logFields(record: WorkerRecord): Record<string, unknown> {
  const command = record.command;
  return {
    correlation_id: command?.id ?? record.messageId,
    messageId: record.messageId,
    receiveCount: record.receiveCount,
    ...(command
      ? { commandId: command.id, action: command.action, source: command.source, person: redactEmail(command.email) }
      : {}),
  };
}
