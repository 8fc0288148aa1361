import { request } from 'node:http';
import { ConfigError, ownField } from '@idp-sync/common';
import { SecretsExtensionError } from '../errors';
import type { SecretFetcher } from './provider';

/** The variable that tells a function (and the extension itself) which loopback port the extension listens on. */
export const PARAMETERS_SECRETS_EXTENSION_PORT_ENV = 'PARAMETERS_SECRETS_EXTENSION_HTTP_PORT';
/** The extension's port when {@link PARAMETERS_SECRETS_EXTENSION_PORT_ENV} is not set. */
export const PARAMETERS_SECRETS_EXTENSION_DEFAULT_PORT = 2773;
/** The request header the extension authenticates callers with; its value is the function's `AWS_SESSION_TOKEN`. */
export const PARAMETERS_SECRETS_TOKEN_HEADER = 'X-Aws-Parameters-Secrets-Token';
/**
 * How long one request to the extension may take. A cache miss makes the extension call Secrets Manager (tens of
 * milliseconds); Okta gives up on a delivery after 3 s, so a hung extension must not eat that budget.
 */
export const PARAMETERS_SECRETS_EXTENSION_TIMEOUT_MS = 1500;

/** The only hosts the fetcher talks to: the extension serves loopback, and a secret must never leave the sandbox. */
const LOOPBACK_HOSTS = ['localhost', '127.0.0.1', '::1'] as const;
/** A GetSecretValue answer is a few KiB at most (secrets are ≤ 64 KiB); anything bigger is not the extension. */
const MAX_ANSWER_BYTES = 256 * 1024;
/** How much of an error answer goes into the error message (enough for "AccessDeniedException: …"). */
const ERROR_EXCERPT_CHARS = 200;

export interface ParametersSecretsExtensionOptions {
  /** Where `PARAMETERS_SECRETS_EXTENSION_HTTP_PORT` and `AWS_SESSION_TOKEN` are read. Defaults to `process.env`. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Defaults to `localhost`, the host AWS documents for the extension. Loopback only. */
  readonly host?: (typeof LOOPBACK_HOSTS)[number];
  /** Defaults to {@link PARAMETERS_SECRETS_EXTENSION_TIMEOUT_MS}. */
  readonly timeoutMs?: number;
}

function readPort(env: Readonly<Record<string, string | undefined>>): number {
  const raw = env[PARAMETERS_SECRETS_EXTENSION_PORT_ENV]?.trim();
  if (raw === undefined || raw === '') return PARAMETERS_SECRETS_EXTENSION_DEFAULT_PORT;
  const port = Number(raw);
  if (!/^\d+$/.test(raw) || port < 1 || port > 65_535) {
    throw new ConfigError([`${PARAMETERS_SECRETS_EXTENSION_PORT_ENV}: must be a port number from 1 to 65535`]);
  }
  return port;
}

/** A one-line, bounded excerpt of an error answer, with the token masked in case it were ever echoed. */
function excerpt(body: string, token: string): string {
  const line = body.split(token).join('***').replace(/\s+/g, ' ').trim();
  return line.length > ERROR_EXCERPT_CHARS ? `${line.slice(0, ERROR_EXCERPT_CHARS)}…` : line;
}

function socketCode(error: unknown): string | undefined {
  const e = error as { code?: unknown; errors?: { code?: unknown }[] } | undefined;
  // With both ::1 and 127.0.0.1 for localhost, Node tries each and reports an AggregateError of both.
  const code = e?.code ?? e?.errors?.[0]?.code;
  return typeof code === 'string' ? code : undefined;
}

interface Answer {
  readonly status: number;
  readonly body: string;
}

function get(
  host: string,
  port: number,
  path: string,
  token: string,
  timeoutMs: number,
  where: string,
): Promise<Answer> {
  return new Promise<Answer>((resolve, reject) => {
    let settled = false;
    let timer: NodeJS.Timeout | undefined;
    const finish = (outcome: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      outcome();
    };
    const req = request(
      {
        host,
        port,
        path,
        method: 'GET',
        headers: { [PARAMETERS_SECRETS_TOKEN_HEADER]: token, accept: 'application/json' },
        // A fresh loopback connection per fetch: fetches are minutes apart, and a kept-alive socket may be closed by
        // the extension while the sandbox is frozen.
        agent: false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > MAX_ANSWER_BYTES) {
            finish(() =>
              reject(new SecretsExtensionError(`the answer from ${where} is larger than ${MAX_ANSWER_BYTES} bytes`)),
            );
            req.destroy();
            return;
          }
          chunks.push(chunk);
        });
        res.on('end', () =>
          finish(() => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') })),
        );
        res.on('error', (error) =>
          finish(() =>
            reject(new SecretsExtensionError(`the answer from ${where} broke off (${socketCode(error) ?? 'error'})`)),
          ),
        );
      },
    );
    timer = setTimeout(() => {
      finish(() => reject(new SecretsExtensionError(`${where} did not answer within ${timeoutMs} ms`)));
      req.destroy();
    }, timeoutMs);
    req.on('error', (error) =>
      finish(() => {
        const code = socketCode(error);
        reject(
          code === 'ECONNREFUSED'
            ? new SecretsExtensionError(
                `nothing listens on ${where}: is the AWS Parameters and Secrets Lambda Extension layer attached, and ` +
                  `${PARAMETERS_SECRETS_EXTENSION_PORT_ENV} the port it uses?`,
                { cause: error },
              )
            : new SecretsExtensionError(`the request to ${where} failed (${code ?? 'error'})`, { cause: error }),
        );
      }),
    );
    req.end();
  });
}

/**
 * Fetches a secret through the **AWS Parameters and Secrets Lambda Extension** (an AWS-published Lambda layer):
 * `GET http://localhost:<port>/secretsmanager/get?secretId=<arn>` with the `X-Aws-Parameters-Secrets-Token` header
 * set to the function's `AWS_SESSION_TOKEN`; the answer is Secrets Manager's GetSecretValue JSON and its
 * `SecretString` is returned. The extension calls Secrets Manager with the function's role and caches values itself.
 *
 * Why not the SDK: the HTTP functions then bundle no Secrets Manager client (bundle size, cold start). Why `node:http`
 * and not `fetch`: the first `fetch()` loads Node's internal undici, which costs cold-start time.
 *
 * The port comes from `PARAMETERS_SECRETS_EXTENSION_HTTP_PORT` (default 2773) and is checked when the fetcher is made
 * (a `ConfigError`); everything else fails per call with a {@link SecretsExtensionError}. Binary secrets are not
 * supported. Call it from a request, not at INIT: Lambda starts the function's INIT before the extension is
 * necessarily ready, but invokes only once every extension is.
 *
 * @example
 * const fetchSecret = parametersSecretsExtensionFetcher();
 * const value = await fetchSecret('arn:aws:secretsmanager:eu-west-1:123456789012:secret:idp-sync/hr-webhook-AbCdEf');
 */
export function parametersSecretsExtensionFetcher(options: ParametersSecretsExtensionOptions = {}): SecretFetcher {
  const env = options.env ?? process.env;
  const host = options.host ?? 'localhost';
  if (!(LOOPBACK_HOSTS as readonly string[]).includes(host)) {
    throw new ConfigError([
      `the Parameters and Secrets extension host must be loopback (${LOOPBACK_HOSTS.join(', ')})`,
    ]);
  }
  const port = readPort(env);
  const timeoutMs = options.timeoutMs ?? PARAMETERS_SECRETS_EXTENSION_TIMEOUT_MS;
  const where = `the Parameters and Secrets extension at ${host.includes(':') ? `[${host}]` : host}:${port}`;

  return async (secretId) => {
    const token = env.AWS_SESSION_TOKEN?.trim();
    if (!token) {
      throw new SecretsExtensionError(
        `AWS_SESSION_TOKEN is not set, so ${where} cannot be asked (it authenticates callers with that token)`,
      );
    }
    const answer = await get(
      host,
      port,
      `/secretsmanager/get?secretId=${encodeURIComponent(secretId)}`,
      token,
      timeoutMs,
      where,
    );
    if (answer.status < 200 || answer.status > 299) {
      // An error answer is the extension's own text (e.g. Secrets Manager's AccessDeniedException), never the secret.
      throw new SecretsExtensionError(`${where} answered ${answer.status}: ${excerpt(answer.body, token)}`, {
        status: answer.status,
      });
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(answer.body);
    } catch {
      // JSON.parse's message quotes the input, which may be the secret: neither it nor the error is kept.
      throw new SecretsExtensionError(`the answer from ${where} is not JSON`, { status: answer.status });
    }
    // Own fields only: a value inherited from a polluted prototype must never become a secret.
    const secretString = ownField(parsed, 'SecretString');
    if (typeof secretString === 'string') return secretString;
    const secretBinary = ownField(parsed, 'SecretBinary');
    throw new SecretsExtensionError(
      secretBinary !== undefined && secretBinary !== null
        ? 'the secret is binary (SecretBinary): only string secrets are supported'
        : `the answer from ${where} has no SecretString`,
      { status: answer.status },
    );
  };
}
