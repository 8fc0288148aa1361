import { ScanCommand } from '@aws-sdk/client-dynamodb';
import { DeleteMessageBatchCommand, type Message, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import type { LocalStack } from '@idp-sync/local-stack';
import { commandKey, type ModelResult } from './model';

/** A Users API record as the emulator's control endpoint shows it (deleted ones included). */
export interface EmulatorRecord {
  id: string;
  name: string;
  email: string;
  status: string;
  role: { type: string; name?: string };
  isDeveloper: boolean;
  invitationsSent: number;
  deletedAt?: string;
}

/** A DLQ message, read back. */
export interface DeadLetter {
  readonly body: string;
  readonly attributes: Record<string, string>;
}

export interface Observed {
  readonly records: EmulatorRecord[];
  readonly deadLetters: DeadLetter[];
  /** Watermarks (epoch ms) by email, from the state table. */
  readonly watermarks: Map<string, number>;
  /** Users API calls by operation and status, from the emulator's counters. */
  readonly counters: {
    total: number;
    byOperation: Record<string, { total: number; byStatus: Record<string, number> }>;
  };
}

/** Everything on the DLQ (received and deleted: the run is over), and whatever else there is to read. */
export async function observe(stack: LocalStack): Promise<Observed> {
  const api = stack.urls.usersApi;
  const [records, counters] = await Promise.all([
    fetch(`${api}/_emulator/users`).then(async (r) => ((await r.json()) as { users: EmulatorRecord[] }).users),
    fetch(`${api}/_emulator/counters`).then(async (r) => (await r.json()) as Observed['counters']),
  ]);
  const deadLetters: DeadLetter[] = [];
  for (let empty = 0; empty < 3; ) {
    const out = await stack.sqsClient.send(
      new ReceiveMessageCommand({
        QueueUrl: stack.queues.dlqUrl,
        MaxNumberOfMessages: 10,
        WaitTimeSeconds: 0,
        VisibilityTimeout: 300,
        MessageAttributeNames: ['All'],
      }),
    );
    const messages: Message[] = out.Messages ?? [];
    if (messages.length === 0) {
      empty++;
      continue;
    }
    empty = 0;
    for (const m of messages) {
      const attributes: Record<string, string> = {};
      for (const [name, value] of Object.entries(m.MessageAttributes ?? {})) attributes[name] = value.StringValue ?? '';
      deadLetters.push({ body: m.Body ?? '', attributes });
    }
    await stack.sqsClient.send(
      new DeleteMessageBatchCommand({
        QueueUrl: stack.queues.dlqUrl,
        Entries: messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle ?? '' })),
      }),
    );
  }
  const watermarks = new Map<string, number>();
  let startKey: Record<string, never> | undefined;
  do {
    const out = await stack.dynamoClient.send(
      new ScanCommand({ TableName: stack.stateTableName, ExclusiveStartKey: startKey }),
    );
    for (const item of out.Items ?? []) {
      const pk = item.pk?.S ?? '';
      if (!pk.startsWith('person#') || item.sk?.S !== 'state') continue;
      const ms = item.watermarkMs?.N;
      if (ms !== undefined) watermarks.set(pk.slice('person#'.length), Number(ms));
    }
    startKey = out.LastEvaluatedKey as Record<string, never> | undefined;
  } while (startKey);
  return { records, deadLetters, watermarks, counters };
}

export interface Verdict {
  /** Everything that does not match the model; empty when the run proves its claims. */
  readonly problems: string[];
  readonly figures: {
    readonly usersCompared: number;
    readonly recordsInApi: number;
    readonly deadLetters: number;
    readonly deadLetterCopies: number;
    readonly expectedDeadLetters: number;
    readonly byErrorClass: Record<string, number>;
  };
}

const isDeleted = (record: EmulatorRecord) => record.status === 'DELETED' || record.deletedAt !== undefined;

/**
 * Compares what the pipeline did with what the model says it must have done:
 * - the Users API holds exactly the model's people, each once, with the model's status, name, role and developer flag;
 * - invitations sent are at least the model's (an ambiguous 5xx may legitimately cause one more);
 * - every DLQ message is a permanent failure, carries its reason, and is one the model expects; every command the
 *   model dead-letters is there;
 * - each webhook person's watermark is the `occurredAt` of the last command the model applied.
 */
export function verify(model: ModelResult, observed: Observed): Verdict {
  const problems: string[] = [];
  const byEmail = new Map<string, EmulatorRecord[]>();
  for (const record of observed.records) {
    const email = record.email.toLowerCase();
    byEmail.set(email, [...(byEmail.get(email) ?? []), record]);
  }
  for (const [email, records] of byEmail) {
    if (records.length > 1) problems.push(`${email}: ${records.length} Users API records — created more than once`);
    if (!model.people.has(email)) problems.push(`${email}: in the Users API, but no event named this person`);
  }

  let compared = 0;
  for (const [email, p] of model.people) {
    const record = byEmail.get(email)?.[0];
    compared++;
    if (p.api === 'none') {
      if (record) problems.push(`${email}: expected no user, found ${record.status}`);
      continue;
    }
    if (!record) {
      problems.push(`${email}: expected ${p.api}, found no user`);
      continue;
    }
    const status = isDeleted(record) ? 'DELETED' : record.status;
    if (status !== p.api) problems.push(`${email}: expected ${p.api}, found ${status}`);
    if (p.api === 'DELETED') continue;
    if (record.name !== p.name)
      problems.push(`${email}: expected name ${JSON.stringify(p.name)}, found ${JSON.stringify(record.name)}`);
    if (record.role.name !== p.role) problems.push(`${email}: expected role ${p.role}, found ${record.role.name}`);
    if (record.isDeveloper !== p.isDeveloper)
      problems.push(`${email}: expected isDeveloper ${p.isDeveloper}, found ${record.isDeveloper}`);
    if (record.invitationsSent < p.invitations)
      problems.push(`${email}: expected at least ${p.invitations} invitations, found ${record.invitationsSent}`);
  }

  // DLQ: matched on what the command says; several copies of one command are allowed (a crash between the DLQ send
  // and the acknowledgement, or a late redelivery that fails again), a message the model does not expect is not.
  const expected = new Map<string, { errorClass: string; count: number }>();
  for (const d of model.deadLetters) {
    const key = commandKey(d.command);
    const entry = expected.get(key);
    if (entry && entry.errorClass !== d.errorClass)
      problems.push(`model: ${key} dead-lettered as ${entry.errorClass} and as ${d.errorClass}`);
    expected.set(key, { errorClass: d.errorClass, count: (entry?.count ?? 0) + 1 });
  }
  const seen = new Map<string, number>();
  const byErrorClass: Record<string, number> = {};
  for (const letter of observed.deadLetters) {
    const a = letter.attributes;
    const errorClass = a.errorClass ?? '(none)';
    byErrorClass[errorClass] = (byErrorClass[errorClass] ?? 0) + 1;
    if (Object.keys(a).length === 0) {
      problems.push(
        `DLQ: a message without attributes (moved by SQS redrive, no reason recorded): ${letter.body.slice(0, 200)}`,
      );
      continue;
    }
    // The DLQ contract names `permanent`; the worker may write `retryable` (its inverse) instead.
    const permanent = a.permanent === 'true' || (a.permanent === undefined && a.retryable === 'false');
    if (!permanent)
      problems.push(
        `DLQ: ${a.commandId ?? '(no command id)'} is not a permanent failure (${errorClass}: ${a.errorMessage})`,
      );
    if (!a.errorMessage) problems.push(`DLQ: ${a.commandId ?? '(no command id)'} carries no reason`);
    let command: { source: string; email: string; action: string; occurredAt: string };
    try {
      command = JSON.parse(letter.body);
    } catch {
      problems.push(`DLQ: a body that is not a command: ${letter.body.slice(0, 200)}`);
      continue;
    }
    const key = commandKey({ ...command, occurredAtMs: Date.parse(command.occurredAt) });
    const want = expected.get(key);
    if (!want) {
      problems.push(`DLQ: unexpected ${errorClass} for ${a.commandId} (${key}): ${a.errorMessage}`);
      continue;
    }
    if (want.errorClass !== errorClass)
      problems.push(
        `DLQ: ${a.commandId} (${key}) dead-lettered as ${errorClass}, expected ${want.errorClass}: ${a.errorMessage}`,
      );
    seen.set(key, (seen.get(key) ?? 0) + 1);
  }
  for (const [key, want] of expected) {
    if (!seen.has(key)) problems.push(`DLQ: expected ${want.errorClass} for ${key}, not found — a command lost`);
  }
  let copies = 0;
  for (const [key, n] of seen) copies += Math.max(0, n - (expected.get(key)?.count ?? 0));

  for (const [email, p] of model.people) {
    if (p.scim) continue;
    const actual = observed.watermarks.get(email);
    if (p.watermarkMs !== actual)
      problems.push(
        `${email}: watermark ${actual === undefined ? 'absent' : new Date(actual).toISOString()}, expected ${p.watermarkMs === undefined ? 'absent' : new Date(p.watermarkMs).toISOString()}`,
      );
  }

  return {
    problems,
    figures: {
      usersCompared: compared,
      recordsInApi: observed.records.length,
      deadLetters: observed.deadLetters.length,
      deadLetterCopies: copies,
      expectedDeadLetters: model.deadLetters.length,
      byErrorClass,
    },
  };
}
