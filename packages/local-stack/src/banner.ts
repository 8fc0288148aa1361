import { randomUUID } from 'node:crypto';
import { DEFAULT_HOST, DEFAULT_PORTS, DEFAULT_SQS_ENDPOINT } from './defaults';
import { currentSecret, EMULATOR_KEY_ENV, STACK_SECRET_ENV, STACK_SECRET_NAMES } from './secrets';
import type { LocalStack } from './stack';

/** What the banner needs from a running stack. */
export type BannerInput = Pick<
  LocalStack,
  | 'urls'
  | 'secrets'
  | 'generatedSecrets'
  | 'usersApiKey'
  | 'usersApiKeyGenerated'
  | 'embedded'
  | 'queues'
  | 'stateTableName'
  | 'settings'
>;

/** One ready-to-paste example. */
export interface CurlExample {
  readonly source: 'okta' | 'scim' | 'hr' | 'workos' | 'bamboohr';
  readonly title: string;
  /** The email of the person the example is about (the person it creates). */
  readonly email: string;
  /** A bash/zsh snippet: it computes any signature when it runs, so it works whenever it is pasted. */
  readonly command: string;
}

/**
 * Single-quotes a value for bash/zsh.
 *
 * @example
 * shellQuote("it's") // 'it'\''s'
 */
export function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

/** The `node -e` HMAC: node is on every machine that runs `npm start`, unlike a given openssl flavour. */
function nodeHmac(keyEncoding: 'base64' | 'utf8', digest: 'base64' | 'hex'): string {
  const key = keyEncoding === 'base64' ? 'Buffer.from(process.argv[1],"base64")' : 'process.argv[1]';
  return `node -e 'process.stdout.write(require("crypto").createHmac("sha256",${key}).update(process.argv[2]).digest("${digest}"))'`;
}

/** `curl` printing the answer and its status, so a pasted example shows what happened. */
const CURL = `curl -sS -w '\\n-> HTTP %{http_code}\\n'`;

/**
 * One example per source: a signed (or authenticated) request that creates a person. The HR, WorkOS and BambooHR
 * snippets compute their signature over the body with the current time when they run.
 *
 * @example
 * for (const { title, command } of curlExamples(stack)) console.log(`# ${title}\n${command}`);
 */
export function curlExamples(stack: BannerInput, now = new Date()): CurlExample[] {
  const at = now.toISOString().replace(/\.\d{3}Z$/, 'Z');
  const { webhooks, scim } = stack.urls;
  const oktaUuid = randomUUID();
  const okta = JSON.stringify({
    eventType: 'com.okta.event_hook',
    eventTypeVersion: '1.0',
    cloudEventsVersion: '0.1',
    source: 'https://example.okta.com/api/v1/eventHooks/whoLocalStack',
    eventId: randomUUID(),
    eventTime: at,
    contentType: 'application/json',
    data: {
      events: [
        {
          uuid: oktaUuid,
          published: at,
          eventType: 'user.lifecycle.create',
          version: '0',
          displayMessage: 'Create Okta user',
          severity: 'INFO',
          outcome: { result: 'SUCCESS' },
          target: [
            { id: '00uLocalJane', type: 'User', alternateId: 'jane.okta@example.com', displayName: 'Jane Okta' },
          ],
        },
      ],
    },
  });
  const scimUser = JSON.stringify({
    schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
    userName: 'alex.entra@example.com',
    active: true,
    displayName: 'Alex Entra',
    name: { givenName: 'Alex', familyName: 'Entra' },
    emails: [{ primary: true, type: 'work', value: 'alex.entra@example.com' }],
    externalId: 'alex.entra',
  });
  const hr = JSON.stringify({
    type: 'user.joined',
    timestamp: at,
    data: { email: 'sam.hr@example.com', name: 'Sam HR' },
  });
  const workos = JSON.stringify({
    id: `event_${randomUUID().replace(/-/g, '').slice(0, 26).toUpperCase()}`,
    event: 'dsync.user.created',
    data: {
      id: 'directory_user_local_kim',
      directory_id: 'directory_local',
      organization_id: 'org_local',
      state: 'active',
      email: 'kim.workos@example.com',
      first_name: 'Kim',
      last_name: 'WorkOS',
    },
    created_at: at,
  });
  const bamboo = JSON.stringify({
    type: 'employee.created',
    timestamp: at,
    data: {
      companyId: 1,
      employeeId: 4001,
      changedFields: ['firstName', 'lastName', 'workEmail'],
      fields: { firstName: 'Lee', lastName: 'Bamboo', workEmail: 'lee.bamboo@example.com', status: 'Active' },
    },
  });
  const current = currentSecret;
  const hrKey = current(stack.secrets.hr);

  return [
    {
      source: 'okta',
      title: 'Okta event hook: user.lifecycle.create (the auth header carries the shared secret)',
      email: 'jane.okta@example.com',
      command: [
        `${CURL} -X POST ${shellQuote(webhooks.okta)} \\`,
        `  -H 'content-type: application/json' -H ${shellQuote(`${stack.settings.oktaAuthHeader}: ${current(stack.secrets.okta)}`)} \\`,
        `  --data-raw ${shellQuote(okta)}`,
      ].join('\n'),
    },
    {
      source: 'scim',
      title: 'Entra ID SCIM: POST /Users (bearer token)',
      email: 'alex.entra@example.com',
      command: [
        `${CURL} -X POST ${shellQuote(`${scim}/Users`)} \\`,
        `  -H ${shellQuote(`authorization: Bearer ${current(stack.secrets.scim)}`)} -H 'content-type: application/scim+json' \\`,
        `  --data-raw ${shellQuote(scimUser)}`,
      ].join('\n'),
    },
    {
      source: 'hr',
      title: 'HR, Standard Webhooks: user.joined (signed when run)',
      email: 'sam.hr@example.com',
      command: [
        `BODY=${shellQuote(hr)}`,
        `ID="msg_$(date +%s)$RANDOM"; TS=$(date +%s)`,
        `SIG=$(${nodeHmac('base64', 'base64')} ${shellQuote(hrKey.replace(/^whsec_/, ''))} "$ID.$TS.$BODY")`,
        `${CURL} -X POST ${shellQuote(webhooks.hr)} -H 'content-type: application/json' \\`,
        `  -H "webhook-id: $ID" -H "webhook-timestamp: $TS" -H "webhook-signature: v1,$SIG" --data-raw "$BODY"`,
      ].join('\n'),
    },
    {
      source: 'workos',
      title: 'WorkOS Directory Sync: dsync.user.created (signed when run)',
      email: 'kim.workos@example.com',
      command: [
        `BODY=${shellQuote(workos)}`,
        `T=$(( $(date +%s) * 1000 ))`,
        `SIG=$(${nodeHmac('utf8', 'hex')} ${shellQuote(current(stack.secrets.workos))} "$T.$BODY")`,
        `${CURL} -X POST ${shellQuote(webhooks.workos)} -H 'content-type: application/json' \\`,
        `  -H "workos-signature: t=$T, v1=$SIG" --data-raw "$BODY"`,
      ].join('\n'),
    },
    {
      source: 'bamboohr',
      title: 'BambooHR: employee.created (signed when run)',
      email: 'lee.bamboo@example.com',
      command: [
        `BODY=${shellQuote(bamboo)}`,
        `TS=$(date +%s)`,
        `SIG=$(${nodeHmac('utf8', 'hex')} ${shellQuote(current(stack.secrets.bamboohr))} "$BODY$TS")`,
        `${CURL} -X POST ${shellQuote(webhooks.bamboohr)} -H 'content-type: application/json' \\`,
        `  -H "x-bamboohr-timestamp: $TS" -H "x-bamboohr-signature: $SIG" --data-raw "$BODY"`,
      ].join('\n'),
    },
  ];
}

function urlHost(url: string): string {
  return new URL(url).hostname;
}

function urlPort(url: string): number {
  const { port, protocol } = new URL(url);
  return port === '' ? (protocol === 'https:' ? 443 : 80) : Number(port);
}

/**
 * Where the stack listens, as the `npm start` variables that say so — `HOST`, `PORT`, `SQS_PORT` (or `SQS_ENDPOINT`),
 * `USERS_API_EMULATOR_PORT`, `DYNAMODB_PORT` (or `DYNAMODB_ENDPOINT`) — when any of it is not the default; `undefined`
 * when all of it is. `npm run demo` in another terminal reads these to find the stack (`idp-sync dlq` takes
 * `SQS_ENDPOINT`: the banner's "Watch it" line gives it).
 *
 * @example
 * locationExports(stack) // "export PORT=3001 SQS_PORT=4566 USERS_API_EMULATOR_PORT=4010 DYNAMODB_PORT=8000"
 */
export function locationExports(stack: Pick<BannerInput, 'urls' | 'embedded'>): string | undefined {
  const { urls, embedded } = stack;
  const host = urlHost(urls.ingest);
  const assignments: [string, string][] = [];
  let nonDefault = host !== DEFAULT_HOST;
  if (nonDefault) assignments.push(['HOST', host]);
  const port = (variable: string, url: string, fallback: number) => {
    const actual = urlPort(url);
    if (actual !== fallback) nonDefault = true;
    assignments.push([variable, String(actual)]);
  };
  port('PORT', urls.ingest, DEFAULT_PORTS.ingest);
  if (embedded.sqs) port('SQS_PORT', urls.sqs, DEFAULT_PORTS.sqs);
  else assignments.push(['SQS_ENDPOINT', urls.sqs]);
  if (embedded.usersApi) port('USERS_API_EMULATOR_PORT', urls.usersApi, DEFAULT_PORTS.emulator);
  if (embedded.dynamoDb) port('DYNAMODB_PORT', urls.dynamoDb, DEFAULT_PORTS.dynamoDb);
  else assignments.push(['DYNAMODB_ENDPOINT', urls.dynamoDb]);
  // An external SQS or DynamoDB is no default either: the other terminal needs its endpoint.
  if (!embedded.sqs || !embedded.dynamoDb) nonDefault = true;
  if (!nonDefault) return undefined;
  const quoted = (value: string) => (/^[\w.:/-]+$/.test(value) ? value : shellQuote(value));
  return `export ${assignments.map(([name, value]) => `${name}=${quoted(value)}`).join(' ')}`;
}

/**
 * The start-up banner of `npm start`: every URL, every secret (as `export` lines to paste into another terminal, e.g.
 * for `npm run demo` against this stack) and one ready-to-paste example per source. This is the only place the
 * local stack ever prints a secret.
 *
 * @example
 * process.stdout.write(renderBanner(stack));
 */
export function renderBanner(stack: BannerInput, now = new Date()): string {
  const { urls, settings, queues } = stack;
  const lines: string[] = [];
  const row = (label: string, value: string) => lines.push(`  ${label.padEnd(13)}${value}`);
  lines.push('idp-sync local stack');
  lines.push('');
  row('ingest', `${urls.ingest}   (GET ${urls.health})`);
  row('webhooks', `POST ${urls.webhooks.okta}  ·  /webhooks/hr  ·  /webhooks/workos  ·  /webhooks/bamboohr`);
  row('SCIM (Entra)', `${urls.scim}   (Tenant URL for Entra provisioning)`);
  row(
    'Users API',
    stack.embedded.usersApi
      ? `${urls.usersApi}   (emulator; state at ${urls.usersApi}/_emulator/users)`
      : `${urls.usersApi}   (the real Users API: ARIZE_BASE_URL)`,
  );
  row(
    'SQS',
    `${urls.sqs}   ${stack.embedded.sqs ? '(fauxqs)' : '(SQS_ENDPOINT)'}  queue ${queues.queueName}, DLQ ${queues.dlqName}, maxReceiveCount ${settings.maxReceiveCount}`,
  );
  row(
    'DynamoDB',
    `${urls.dynamoDb}   ${stack.embedded.dynamoDb ? '(dynalite, in memory)' : '(DYNAMODB_ENDPOINT)'}  table ${stack.stateTableName}`,
  );
  row(
    'worker',
    `${settings.workerInstances} environment(s), batches of up to 10, timeout ${settings.workerTimeoutSeconds} s, visibility ${settings.visibilityTimeoutSeconds} s`,
  );
  row('defaults', `role ${settings.defaultRole}, invite mode ${settings.defaultInviteMode}`);
  lines.push('');
  const generated = new Set<string>(stack.generatedSecrets);
  // `idp-sync start` also writes them to its stack file, where the demo and the doctor of the same directory read them.
  lines.push('Secrets (generated ones are new at every start; export them to keep them across restarts, or to reach');
  lines.push('this stack from a terminal in another directory):');
  for (const name of STACK_SECRET_NAMES) {
    const note = generated.has(name) ? '   # generated' : '';
    lines.push(`  export ${STACK_SECRET_ENV[name]}=${shellQuote(stack.secrets[name])}${note}`);
  }
  if (stack.embedded.usersApi) {
    lines.push(
      `  export ${EMULATOR_KEY_ENV}=${shellQuote(stack.usersApiKey)}${stack.usersApiKeyGenerated ? '   # generated' : ''}`,
    );
  }
  const location = locationExports(stack);
  if (location) lines.push(`  ${location}   # where this stack listens (not the defaults)`);
  if (settings.oktaAuthHeader !== 'authorization')
    lines.push(`  # Okta sends the secret in: ${settings.oktaAuthHeader}`);
  lines.push('');
  lines.push('Try it (bash or zsh; signatures are computed when you run each snippet, so paste them any time):');
  for (const example of curlExamples(stack, now)) {
    lines.push('');
    lines.push(`# ${example.title}`);
    lines.push(example.command);
  }
  lines.push('');
  const dlqList =
    urls.sqs === DEFAULT_SQS_ENDPOINT ? 'npx idp-sync dlq list' : `SQS_ENDPOINT=${urls.sqs} npx idp-sync dlq list`;
  lines.push(`Watch it: curl -s ${urls.health}   ·   ${dlqList}   ·   npm run demo`);
  lines.push('');
  return `${lines.join('\n')}\n`;
}
