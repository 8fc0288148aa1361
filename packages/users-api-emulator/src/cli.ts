import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { EmulatorConfigurationError, EmulatorListenError } from './errors';
import { exampleUsers } from './examples';
import { startUsersApiEmulator, type UsersApiEmulator } from './server';
import type {
  ApiKeyConfig,
  ApiKeyRole,
  FaultConfig,
  RateLimitConfig,
  SeedUser,
  UsersApiEmulatorOptions,
} from './types';

export const USAGE = `Users API v2 emulator: in memory, on loopback, with fault injection.

Usage: npm run emulator -- [options]

Options:
  --host <host>             loopback interface to bind (default 127.0.0.1; 127.x, localhost or ::1 only)
  --port <port>             port to listen on (default 4010; 0 picks a free one)
  --api-key <key[:role]>    an accepted API key, repeatable; role admin | member | read-only (default admin).
                            Without it a random admin key is generated and printed.
  --seed <n | file.json>    start with n example users, or with the users in a JSON file (an array of seed users)
  --faults <json | file>    fault injection config, e.g. '{"seed":1,"rates":{"503":0.1},"latencyMs":{"min":5,"max":50}}'
  --rate-limit <rps[:burst]>  token bucket per API key, e.g. 10:20 (429 + Retry-After when empty)
  --invitation-ttl <ms>     INVITED users lapse to EXPIRED this long after their invitation
  --quiet                   do not print a line per request
  -h, --help                show this help

Control endpoints (emulator only): GET /_emulator/users, POST /_emulator/reset, PUT /_emulator/faults,
GET /_emulator/counters ... (see packages/users-api-emulator/README.md).
`;

export interface CliConfig {
  help: boolean;
  quiet: boolean;
  options: UsersApiEmulatorOptions;
}

const ROLES: readonly ApiKeyRole[] = ['admin', 'member', 'read-only'];

/**
 * Turns command-line arguments into emulator options.
 *
 * @throws EmulatorConfigurationError naming the bad argument.
 * @example
 * parseCliArgs(['--port', '4010', '--api-key', 'local-admin-key']).options; // { host: '127.0.0.1', port: 4010, apiKeys: [...] }
 */
export function parseCliArgs(argv: readonly string[]): CliConfig {
  let values: ReturnType<typeof parse>['values'];
  try {
    values = parse(argv).values;
  } catch (error) {
    throw new EmulatorConfigurationError((error as Error).message);
  }
  const options: UsersApiEmulatorOptions = { host: values.host ?? '127.0.0.1', port: 4010 };
  if (values.port !== undefined) {
    if (!/^[0-9]{1,5}$/.test(values.port) || Number(values.port) > 65_535) {
      throw new EmulatorConfigurationError(`--port must be a number from 0 to 65535 (got "${values.port}")`);
    }
    options.port = Number(values.port);
  }
  if (values['api-key']?.length) options.apiKeys = values['api-key'].map(parseApiKey);
  if (values.seed !== undefined) options.seed = parseSeed(values.seed);
  if (values.faults !== undefined) options.faults = jsonArgument('--faults', values.faults) as FaultConfig;
  if (values['rate-limit'] !== undefined) options.rateLimit = parseRateLimit(values['rate-limit']);
  if (values['invitation-ttl'] !== undefined) {
    const ttl = Number(values['invitation-ttl']);
    if (!Number.isInteger(ttl) || ttl < 1) {
      throw new EmulatorConfigurationError('--invitation-ttl must be a positive whole number of milliseconds');
    }
    options.invitationTtlMs = ttl;
  }
  return { help: values.help ?? false, quiet: values.quiet ?? false, options };
}

function parse(argv: readonly string[]) {
  return parseArgs({
    args: [...argv],
    strict: true,
    allowPositionals: false,
    options: {
      host: { type: 'string' },
      port: { type: 'string' },
      'api-key': { type: 'string', multiple: true },
      seed: { type: 'string' },
      faults: { type: 'string' },
      'rate-limit': { type: 'string' },
      'invitation-ttl': { type: 'string' },
      quiet: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
}

function parseApiKey(value: string): ApiKeyConfig {
  const colon = value.lastIndexOf(':');
  const role = colon > 0 ? value.slice(colon + 1) : '';
  if ((ROLES as readonly string[]).includes(role)) return { key: value.slice(0, colon), role: role as ApiKeyRole };
  return { key: value, role: 'admin' };
}

function parseSeed(value: string): SeedUser[] {
  if (/^[0-9]+$/.test(value)) {
    const count = Number(value);
    if (count > 100_000) throw new EmulatorConfigurationError('--seed: at most 100000 example users');
    return exampleUsers(count);
  }
  const users = jsonArgument('--seed', value);
  if (!Array.isArray(users)) throw new EmulatorConfigurationError('--seed: the JSON file must hold an array of users');
  return users as SeedUser[];
}

function parseRateLimit(value: string): RateLimitConfig {
  const match = /^([0-9]+(?:\.[0-9]+)?)(?::([0-9]+))?$/.exec(value);
  if (!match?.[1] || Number(match[1]) <= 0) {
    throw new EmulatorConfigurationError('--rate-limit must be <requests per second>[:<burst>], e.g. 10:20');
  }
  return { requestsPerSecond: Number(match[1]), ...(match[2] ? { burst: Number(match[2]) } : {}) };
}

/** A JSON argument given inline (starts with `{` or `[`) or as a file path. */
function jsonArgument(flag: string, value: string): unknown {
  const trimmed = value.trim();
  let text = trimmed;
  if (!trimmed.startsWith('{') && !trimmed.startsWith('[')) {
    try {
      text = readFileSync(trimmed, 'utf8');
    } catch (error) {
      throw new EmulatorConfigurationError(`${flag}: cannot read "${trimmed}": ${(error as Error).message}`);
    }
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new EmulatorConfigurationError(`${flag}: not valid JSON: ${(error as Error).message}`);
  }
}

/**
 * Runs the command line: starts the emulator, prints its URL and API key, stops cleanly on SIGINT/SIGTERM.
 * Resolves with the running emulator (or undefined after `--help`).
 *
 * @example
 * await runCli(['--port', '0', '--quiet']);
 */
export async function runCli(
  argv: readonly string[],
  out: (line: string) => void = (line) => process.stdout.write(`${line}\n`),
): Promise<UsersApiEmulator | undefined> {
  const config = parseCliArgs(argv);
  if (config.help) {
    out(USAGE);
    return undefined;
  }
  const options: UsersApiEmulatorOptions = {
    ...config.options,
    ...(config.quiet
      ? {}
      : {
          onRequest: (e) =>
            out(`${e.method} ${e.path} → ${e.status} ${e.durationMs}ms${e.fault ? ` (fault: ${e.fault})` : ''}`),
        }),
  };
  const emulator = await startUsersApiEmulator(options);
  const generated = !config.options.apiKeys;
  out(`Users API emulator listening on ${emulator.url}`);
  out(`API key${generated ? ' (generated)' : ''}: ${emulator.apiKey}`);
  out(`  export ARIZE_BASE_URL=${emulator.url}`);
  out(`  export ARIZE_API_KEY=${emulator.apiKey}`);
  out(
    `Users: ${emulator.state.store.size}. Control: ${emulator.url}/_emulator/users, /_emulator/counters. Ctrl+C stops.`,
  );
  return emulator;
}

async function main(): Promise<void> {
  let emulator: UsersApiEmulator | undefined;
  try {
    emulator = await runCli(process.argv.slice(2));
  } catch (error) {
    if (error instanceof EmulatorConfigurationError) {
      process.stderr.write(`users-api-emulator: ${error.message}\n\n${USAGE}`);
      process.exitCode = 2;
      return;
    }
    if (error instanceof EmulatorListenError) {
      process.stderr.write(`${error.message}\n`);
      process.exitCode = 1;
      return;
    }
    throw error;
  }
  if (!emulator) return;
  const running = emulator;
  let stopping = false;
  const stop = (signal: NodeJS.Signals): void => {
    if (stopping) {
      // A second signal while stopping: give up waiting.
      process.exit(1);
    }
    stopping = true;
    process.stdout.write(`\n${signal}: stopping the Users API emulator…\n`);
    void running.stop().then(() => {
      process.stdout.write('stopped.\n');
      process.exit(0);
    });
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  void main();
}
