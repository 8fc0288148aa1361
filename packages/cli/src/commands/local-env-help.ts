import { DEFAULT_PORTS } from '@idp-sync/local-stack/defaults';

/**
 * The environment variables of the local stack, for `start --help` and `demo --help`: the stack takes no flags (the
 * same variables configure `npm start`, the demo and the tests), so `--help` is where a newcomer looks for them.
 * The full table is in packages/local-stack/README.md.
 *
 * @example
 * cmd.addHelpText('after', localStackEnvHelp('start'));
 */
export function localStackEnvHelp(command: 'start' | 'demo'): string {
  const rows: [string, string][] = [
    ['PORT', `the API: webhooks, /scim/v2, /health (default ${DEFAULT_PORTS.ingest})`],
    ['USERS_API_EMULATOR_PORT', `the Users API emulator (default ${DEFAULT_PORTS.emulator})`],
    ['SQS_PORT', `the embedded SQS, fauxqs (default ${DEFAULT_PORTS.sqs}); where \`idp-sync dlq\` looks`],
    ['DYNAMODB_PORT', `the embedded DynamoDB, dynalite (default ${DEFAULT_PORTS.dynamoDb})`],
    ['HOST', 'interface of every listener, loopback only (default 127.0.0.1)'],
    ['SQS_ENDPOINT, DYNAMODB_ENDPOINT', 'an external SQS / DynamoDB instead of the embedded ones'],
    // The demo refuses the real Users API (it creates and deletes people): only start lists it.
    ...(command === 'start'
      ? ([
          ['ARIZE_BASE_URL + ARIZE_API_KEY', 'the real Users API instead of the emulator'],
          [
            'IDP_SYNC_QUIET=1',
            'no line per request and per worker batch (as --quiet; `npm start --quiet` is npm’s own flag)',
          ],
        ] as [string, string][])
      : []),
    [
      'OKTA_AUTH_SECRET, SCIM_BEARER_TOKEN, HR_WEBHOOK_SECRET, WORKOS_WEBHOOK_SECRET, BAMBOOHR_WEBHOOK_KEY',
      'the sources’ secrets (generated and printed by start when unset)',
    ],
    ['MAX_RECEIVE_COUNT, WORKER_INSTANCES, WORKER_TIMEOUT_SECONDS, DEFAULT_ROLE, DEFAULT_INVITE_MODE, AWS_REGION', ''],
  ];
  const lines = rows.map(([name, what]) => (what ? `  ${name}\n      ${what}` : `  ${name}`));
  const example =
    command === 'start'
      ? `  PORT=3370 SQS_PORT=4570 npx idp-sync start\n  npm start -- --quiet          # or IDP_SYNC_QUIET=1 npm start`
      : '  npx idp-sync demo            # uses the stack npm start runs in this directory, else starts its own';
  const demoNote =
    command === 'demo'
      ? '\nA stack `npm start` runs in this directory is found through its stack file (.idp-sync/local-stack.json:\n' +
        'ports and secrets; IDP_SYNC_RUN_DIR moves it); variables set here win. From elsewhere, set the PORT/\n' +
        'USERS_API_EMULATOR_PORT/SQS_PORT (or SQS_ENDPOINT) it was started with and paste its banner’s `export …` lines.\n' +
        'It waits for its own people, at most IDP_SYNC_DEMO_WAIT_SECONDS (default 60).\n'
      : '';
  return (
    `\nEnvironment (the local stack takes no flags; every variable: packages/local-stack/README.md):\n${lines.join('\n')}\n` +
    `${demoNote}Example:\n${example}`
  );
}
