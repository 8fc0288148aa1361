import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { GetQueueAttributesCommand, GetQueueUrlCommand } from '@aws-sdk/client-sqs';
import { describeError } from '../describe-error';
import { isQueueMissing } from '../dlq/queues';
import { type HttpAnswer, type HttpFailure, httpRequest, problemDetail } from './http';
import {
  looksGenerated,
  SECRET_ORIGIN,
  type SecretKind,
  secretFormatProblem,
  usersApiKeyOf,
  WE_CHOOSE,
} from './secret-format';
import type { DoctorTarget, QueueRef, SecretRead } from './target';
import { type CheckResult, type DoctorSource, fail, ok, skip } from './types';

/** A secret that passed its check, for the checks that need it (the Users API key, the test events). */
export interface UsableSecret {
  readonly kind: SecretKind;
  readonly raw: string;
}

/**
 * Checks one secret: set, not CDK's placeholder (for a secret the vendor issues), and in its source's format.
 *
 * @example
 * const { result, usable } = await checkSecret(target, 'hr');
 */
export async function checkSecret(
  target: DoctorTarget,
  kind: SecretKind,
): Promise<{ result: CheckResult; usable?: UsableSecret }> {
  const id = `secret:${kind}`;
  const read: SecretRead = await target.readSecret(kind);
  const what = `put ${SECRET_ORIGIN[kind]}: ${target.secretHint(kind)}`;
  if (read.state === 'missing') {
    return {
      result: fail(id, `${read.where} is not set`, target.mode === 'local' ? target.secretHint(kind) : what),
    };
  }
  if (read.state === 'error') return { result: fail(id, read.detail, read.hint) };
  // CDK generates every secret at deploy. For the ones we choose (Okta, SCIM) that value is the real one; for the ones
  // the vendor issues it is a placeholder that verifies nothing: not set. A second version means someone put a value.
  const generated = read.fromStack && looksGenerated(read.value) && (read.versions === undefined || read.versions <= 1);
  if (generated && !WE_CHOOSE.has(kind)) {
    return {
      result: fail(id, `${read.where} is not set: it still holds the placeholder CDK generated at deploy`, what),
    };
  }
  const problem = secretFormatProblem(kind, read.value);
  if (problem) return { result: fail(id, `${read.where} is set but ${problem}`, what) };
  const rotating =
    kind !== 'users-api-key' && read.value.trim().startsWith('{')
      ? ' (rotating: current and previous both accepted)'
      : '';
  const note = generated
    ? kind === 'okta'
      ? " (the value generated at deploy: it must be the Event Hook's Authentication secret in Okta)"
      : ' (the value generated at deploy: it must be the Secret Token in Entra)'
    : '';
  return {
    result: ok(id, `${read.where} is set and well-formed${rotating}${note}`),
    usable: { kind, raw: read.value },
  };
}

const usersApiHeaders = (key: string) => ({
  authorization: `Bearer ${key}`,
  accept: 'application/json, application/problem+json',
  'user-agent': 'idp-sync-doctor',
});

function unreachable(id: string, what: string, answer: HttpFailure, hint: string): CheckResult {
  return fail(id, `cannot reach ${what} (${answer.failed})`, hint);
}

/**
 * The Users API key the worker uses: a read it must be allowed (`GET /v2/users?limit=1`), then whether it may create
 * users — an empty create (`POST /v2/users {}`), which no server can turn into a user: 403 means the key may not
 * create; 400/422 means the body was refused, not the key. What cannot be checked without changing a user is said so.
 *
 * @example
 * const results = await checkUsersApi(target, usable);
 */
export async function checkUsersApi(target: DoctorTarget, key: UsableSecret | undefined): Promise<CheckResult[]> {
  const base = target.usersApiUrl.replace(/\/+$/, '');
  const apiKey = key ? usersApiKeyOf(key.raw) : undefined;
  if (apiKey === undefined) {
    return [
      skip('users-api:read', `not checked: no usable Users API key (see secret:users-api-key)`),
      skip('users-api:create', 'not checked: no usable Users API key'),
    ];
  }
  const reachHint =
    target.mode === 'local'
      ? 'start the local stack (npm start), or set USERS_API_EMULATOR_PORT (or --users-api-url) to where its emulator listens'
      : 'check --users-api-url (the stack’s usersApi.baseUrl; default https://api.arize.com) and the network';
  const keyHint =
    target.mode === 'local'
      ? target.secretHint('users-api-key')
      : `put a valid key (${SECRET_ORIGIN['users-api-key']}): ${target.secretHint('users-api-key')}`;
  const read = await httpRequest(`${base}/v2/users?limit=1`, { headers: usersApiHeaders(apiKey) });
  if ('failed' in read) {
    return [
      unreachable('users-api:read', `the Users API at ${base}`, read, reachHint),
      skip('users-api:create', 'not checked: the Users API did not answer'),
    ];
  }
  const results: CheckResult[] = [];
  if (read.status === 200) {
    results.push(ok('users-api:read', `the key reads users at ${base} (GET /v2/users → 200)`));
  } else if (read.status === 401) {
    return [
      fail('users-api:read', `the Users API at ${base} refused the key (401: wrong, expired or revoked)`, keyHint),
      skip('users-api:create', 'not checked: the key was refused'),
    ];
  } else if (read.status === 403) {
    results.push(
      fail(
        'users-api:read',
        `the key may not read users at ${base} (403${detailOf(read)})`,
        'use a key of an account admin, or one with USER_READ (the worker looks people up by email)',
      ),
    );
  } else {
    return [
      fail(
        'users-api:read',
        `the Users API at ${base} answered ${read.status} to GET /v2/users${detailOf(read)}`,
        'try again in a minute; if it persists, check --users-api-url and the Users API status',
      ),
      skip('users-api:create', `not checked: the Users API answered ${read.status}`),
    ];
  }
  const probe = await httpRequest(`${base}/v2/users`, {
    method: 'POST',
    headers: { ...usersApiHeaders(apiKey), 'content-type': 'application/json' },
    body: '{}',
  });
  if ('failed' in probe) {
    results.push(unreachable('users-api:create', `the Users API at ${base}`, probe, reachHint));
  } else if (probe.status === 403) {
    results.push(
      fail(
        'users-api:create',
        `the key may not create users (403 to an empty create${detailOf(probe)}; nobody was created)`,
        'use a key of an account admin, or one with USER_CREATE, USER_UPDATE and USER_DELETE: the worker creates, updates and deletes users, resends invitations and resets passwords',
      ),
    );
  } else if (probe.status === 400 || probe.status === 422) {
    results.push(
      ok(
        'users-api:create',
        `the key may create users: an empty create was refused for its body (${probe.status}), not for the key (403); nobody was created`,
      ),
    );
  } else {
    results.push(
      skip(
        'users-api:create',
        `could not tell whether the key may create users: an empty create got ${probe.status}${detailOf(probe)}`,
        'check the key’s roles in Arize: the worker needs to create, update and delete users',
      ),
    );
  }
  results.push(
    skip(
      'users-api:other',
      'not checked: update, delete, resend-invitation and reset-password rights (the Users API has no call that checks them without changing a user)',
      'a key of an account admin has them all; a missing one shows as ForbiddenError 403 in `idp-sync dlq list`',
    ),
  );
  return results;
}

function detailOf(answer: HttpAnswer): string {
  const detail = problemDetail(answer);
  return detail ? `: ${detail}` : '';
}

/**
 * The DLQ and the work queue answer GetQueueAttributes, and the work queue's redrive policy sends to that DLQ.
 *
 * @example
 * const [dlq, queue] = await checkQueues(target);
 */
export async function checkQueues(target: DoctorTarget): Promise<CheckResult[]> {
  const { sqs } = target;
  const local = target.mode === 'local';
  const attributes = async (ref: QueueRef) => {
    const url = ref.url ?? (await sqs.client.send(new GetQueueUrlCommand({ QueueName: ref.name }))).QueueUrl;
    const out = await sqs.client.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['All'] }));
    return out.Attributes ?? {};
  };
  const failure = (id: string, ref: QueueRef, error: unknown): CheckResult => {
    if (isQueueMissing(error)) {
      return fail(
        id,
        `there is no queue ${ref.name} on ${sqs.where}`,
        local
          ? 'start the local stack (npm start); check IDP_SYNC_QUEUE_NAME / IDP_SYNC_DLQ_NAME'
          : 'deploy the stack again (npx cdk deploy); check --region',
      );
    }
    const report = describeError(error, { where: sqs.where, local });
    const hint = local
      ? 'start the local stack (npm start), or set SQS_PORT (or SQS_ENDPOINT) to where its SQS listens'
      : /access denied/i.test(report.message)
        ? 'use a role allowed sqs:GetQueueAttributes on both queues'
        : report.hint;
    return fail(id, `${ref.name}: ${report.message}`, hint);
  };

  const results: CheckResult[] = [];
  let dlqArn: string | undefined;
  if (!sqs.dlq) {
    results.push(fail('dlq', 'the DLQ is unknown (no DlqUrl output)', 'deploy the current infra (npx cdk deploy)'));
  } else {
    try {
      const a = await attributes(sqs.dlq);
      dlqArn = a.QueueArn;
      const waiting = Number(a.ApproximateNumberOfMessages ?? 0) + Number(a.ApproximateNumberOfMessagesNotVisible ?? 0);
      results.push(
        ok(
          'dlq',
          `${sqs.dlq.name} answers; ${waiting === 0 ? 'empty' : `${waiting} message(s) in it: \`npx idp-sync dlq list${local ? '' : ' --stack …'}\` says why`}`,
        ),
      );
    } catch (error) {
      results.push(failure('dlq', sqs.dlq, error));
    }
  }
  if (!sqs.queue) {
    results.push(
      fail('queue', 'the work queue is unknown (no QueueUrl output)', 'deploy the current infra (npx cdk deploy)'),
    );
    return results;
  }
  try {
    const a = await attributes(sqs.queue);
    const depth = `${a.ApproximateNumberOfMessages ?? '?'} waiting, ${a.ApproximateNumberOfMessagesNotVisible ?? '?'} in flight`;
    const redrive = parseRedrive(a.RedrivePolicy);
    if (!redrive) {
      results.push(
        fail(
          'queue',
          `${sqs.queue.name} answers (${depth}) but has no redrive policy: a command that keeps failing never reaches the DLQ`,
          local ? 'restart the local stack (npm start)' : 'deploy the stack again (npx cdk deploy)',
        ),
      );
    } else if (dlqArn !== undefined && redrive.target !== dlqArn) {
      results.push(
        fail(
          'queue',
          `${sqs.queue.name} redrives to ${redrive.target}, not to the DLQ ${dlqArn}`,
          local ? 'restart the local stack (npm start)' : 'deploy the stack again (npx cdk deploy)',
        ),
      );
    } else {
      results.push(
        ok(
          'queue',
          `${sqs.queue.name} answers (${depth}); redrive to the DLQ after ${redrive.maxReceiveCount} receives`,
        ),
      );
    }
  } catch (error) {
    results.push(failure('queue', sqs.queue, error));
  }
  // The work queue first, as a reader expects.
  return results.reverse();
}

function parseRedrive(raw: string | undefined): { target: string; maxReceiveCount: string } | undefined {
  if (!raw) return undefined;
  try {
    const parsed = JSON.parse(raw) as { deadLetterTargetArn?: unknown; maxReceiveCount?: unknown };
    if (typeof parsed.deadLetterTargetArn !== 'string') return undefined;
    return { target: parsed.deadLetterTargetArn, maxReceiveCount: String(parsed.maxReceiveCount ?? '?') };
  } catch {
    return undefined;
  }
}

/**
 * The state table answers DescribeTable, is ACTIVE and has the `pk`/`sk` key the pipeline writes.
 *
 * @example
 * const result = await checkTable(target);
 */
export async function checkTable(target: DoctorTarget): Promise<CheckResult> {
  const { table } = target;
  const local = target.mode === 'local';
  if (!table.name) {
    return fail(
      'table',
      'the state table is unknown (no StateTableName output)',
      'deploy the current infra (npx cdk deploy)',
    );
  }
  try {
    const out = await table.client.send(new DescribeTableCommand({ TableName: table.name }));
    const status = out.Table?.TableStatus ?? 'UNKNOWN';
    const keys = (out.Table?.KeySchema ?? []).map((k) => `${k.AttributeName}:${k.KeyType}`).join(',');
    if (keys !== 'pk:HASH,sk:RANGE') {
      return fail(
        'table',
        `${table.name} has the key ${keys || '(none)'}, not pk (partition) and sk (sort)`,
        'point at the state table the stack created (IDP_SYNC_STATE_TABLE, --stack)',
      );
    }
    if (status !== 'ACTIVE') {
      return fail('table', `${table.name} is ${status}`, 'wait until it is ACTIVE, then run the doctor again');
    }
    return ok('table', `${table.name} answers and is ACTIVE`);
  } catch (error) {
    const text = error instanceof Error ? `${error.name} ${error.message}` : String(error);
    if (/ResourceNotFound/i.test(text)) {
      return fail(
        'table',
        `there is no table ${table.name} on ${table.where}`,
        local
          ? 'start the local stack (npm start); check IDP_SYNC_STATE_TABLE'
          : 'deploy the stack again; check --region',
      );
    }
    const report = describeError(error, { where: table.where, local });
    const hint = local
      ? 'start the local stack (npm start), or set DYNAMODB_PORT (or DYNAMODB_ENDPOINT) to where its DynamoDB listens'
      : /access denied/i.test(report.message)
        ? 'use a role allowed dynamodb:DescribeTable on the state table'
        : 'check the AWS credentials, the region and the network';
    return fail('table', report.message.replace(/^cannot reach SQS/, `cannot reach ${table.where}`), hint);
  }
}

/** What each route answers an unsigned request with (packages/webhooks/README.md, packages/scim/README.md). */
const UNSIGNED: Readonly<Record<DoctorSource, { method: string; path: string; expect: number; check: string }>> = {
  okta: { method: 'POST', path: '', expect: 401, check: 'no shared secret in the auth header' },
  scim: { method: 'GET', path: '/Users', expect: 401, check: 'no bearer token' },
  hr: { method: 'POST', path: '', expect: 401, check: 'no webhook-signature' },
  workos: { method: 'POST', path: '', expect: 401, check: 'no WorkOS-Signature' },
  bamboohr: { method: 'POST', path: '', expect: 401, check: 'no X-BambooHR-Signature' },
};

/**
 * `GET /health` answers ok, and each source's route refuses an unsigned request with its documented 401 (nothing is
 * queued: the sender check runs before the body is read).
 *
 * @example
 * const results = await checkRoutes(target);
 */
export async function checkRoutes(target: DoctorTarget): Promise<CheckResult[]> {
  const local = target.mode === 'local';
  const reachHint = local
    ? 'start the local stack (npm start), or set PORT (or --api-url) to where it listens'
    : 'check the stack’s WebhookBaseUrl output and the network';
  const health = async (): Promise<CheckResult> => {
    if (!target.healthUrl) return fail('route:health', 'no HealthUrl output', 'deploy the current infra');
    const answer = await httpRequest(target.healthUrl, { headers: { accept: 'application/json' } });
    if ('failed' in answer)
      return fail('route:health', `cannot reach ${target.healthUrl} (${answer.failed})`, reachHint);
    const status = (answer.json as { status?: unknown } | undefined)?.status;
    if (answer.status === 200 && status === 'ok') return ok('route:health', `GET ${target.healthUrl} → 200 ok`);
    return fail(
      'route:health',
      `GET ${target.healthUrl} → ${answer.status}${status !== undefined ? ` (status ${String(status)})` : ''}${detailOf(answer)}`,
      local ? 'read the output of npm start' : 'read the ingest function’s log group (/aws/lambda/<prefix>-ingest)',
    );
  };
  const route = async (source: DoctorSource): Promise<CheckResult> => {
    const id = `route:${source}`;
    const base = target.routes[source];
    if (!base) return fail(id, `no route for ${source}`, 'deploy the current infra');
    const spec = UNSIGNED[source];
    const routeUrl = `${base}${spec.path}`;
    const answer = await httpRequest(routeUrl, {
      method: spec.method,
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      ...(spec.method === 'POST' ? { body: '{}' } : {}),
    });
    const label = `${spec.method} ${routeUrl} unsigned`;
    if ('failed' in answer) return fail(id, `cannot reach ${routeUrl} (${answer.failed})`, reachHint);
    if (answer.status === spec.expect) return ok(id, `${label} → ${answer.status} (${spec.check})`);
    if (answer.status === 404) {
      return fail(
        id,
        `${label} → 404: the route does not serve ${source} (a source whose secret is not configured answers 404)`,
        local
          ? 'restart the local stack (npm start)'
          : `deploy again with ${source} in idp-sync.sources; check the function's ${source} secret variable`,
      );
    }
    if (answer.status >= 200 && answer.status < 300) {
      return fail(
        id,
        `${label} → ${answer.status}: an unsigned request was ACCEPTED`,
        'stop routing traffic to it and check what answers at this URL: it must be the idp-sync ingest function',
      );
    }
    return fail(
      id,
      `${label} → ${answer.status}${detailOf(answer)}, expected ${spec.expect}`,
      answer.status === 503
        ? 'the function could not read its secret or SQS: read its log (`dependency unavailable` gives the reason)'
        : 'check what answers at this URL: it must be the idp-sync ingest (or SCIM) function',
    );
  };
  return Promise.all([health(), ...target.sources.map(route)]);
}
