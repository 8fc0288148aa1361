import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { ControlEndpoints } from './control';
import { EmulatorConfigurationError, EmulatorListenError } from './errors';
import { problemDocument } from './problem';
import { Router } from './router';
import { describeIssues, OptionsSchema } from './schemas';
import { EmulatorState } from './state';
import type { CountersSnapshot, FaultConfig, RateLimitConfig, UsersApiEmulatorOptions } from './types';

const DEFAULT_MAX_BODY_BYTES = 64 * 1024;

/** A running emulator. */
export interface UsersApiEmulator {
  /** Base URL to give a client (`ARIZE_BASE_URL`), e.g. `http://127.0.0.1:4010`. */
  readonly url: string;
  readonly host: string;
  readonly port: number;
  /** The first configured API key (or the generated one): what a client sends as `Bearer`. */
  readonly apiKey: string;
  /** Every accepted API key, in configuration order. */
  readonly apiKeys: readonly string[];
  /** In-process access to users, seeding, invitation control, faults and counters (same as `/_emulator/*`). */
  readonly state: EmulatorState;
  /** Calls per operation and status (same as `GET /_emulator/counters`). */
  counters(): CountersSnapshot;
  resetCounters(): void;
  setFaults(faults: FaultConfig | undefined): void;
  setRateLimit(rateLimit: RateLimitConfig | undefined): void;
  /** Back to the start-up state (same as `POST /_emulator/reset`). */
  reset(): void;
  /** Stops listening, ends every connection (hanging requests included). Safe to call twice. */
  stop(): Promise<void>;
}

/**
 * Starts the Users API v2 emulator on `host` (default 127.0.0.1; nothing else is bound) and `port` (default 0: a free
 * one). The returned handle has the URL and API key to give a client.
 *
 * @throws EmulatorConfigurationError when an option is invalid (the message names it); EmulatorListenError when the
 *   host and port cannot be bound.
 * @example
 * const emulator = await startUsersApiEmulator({ apiKeys: ['test-admin-key'], seed: [{ name: 'Ada', email: 'ada@example.com' }] });
 * const res = await fetch(`${emulator.url}/v2/users`, { headers: { authorization: `Bearer ${emulator.apiKey}` } });
 * await emulator.stop();
 */
export async function startUsersApiEmulator(options: UsersApiEmulatorOptions = {}): Promise<UsersApiEmulator> {
  const checked = OptionsSchema.safeParse(options);
  if (!checked.success) {
    throw new EmulatorConfigurationError(`invalid users-api-emulator options: ${describeIssues(checked.error)}`);
  }
  const host = options.host ?? '127.0.0.1';
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  let state: EmulatorState;
  try {
    state = new EmulatorState(options);
  } catch (error) {
    if (error instanceof EmulatorConfigurationError) throw error;
    throw new EmulatorConfigurationError(`invalid users-api-emulator options: ${(error as Error).message}`);
  }
  const control = new ControlEndpoints(state, maxBodyBytes);
  const router = new Router({
    state,
    control,
    maxBodyBytes,
    ...(options.onRequest ? { onRequest: options.onRequest } : {}),
  });

  const server = createServer({ maxHeaderSize: 16 * 1024 }, (req, res) => {
    void router.handle(req, res);
  });
  // Unparseable HTTP (bad request line, oversized headers): a problem document, then the connection is dropped.
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Socket) => {
    if (!socket.writable) {
      socket.destroy();
      return;
    }
    const status = error.code === 'HPE_HEADER_OVERFLOW' ? 431 : 400;
    const body = JSON.stringify(problemDocument(status, 'the request is not valid HTTP/1.1', '/'));
    socket.end(
      `HTTP/1.1 ${status} ${status === 431 ? 'Request Header Fields Too Large' : 'Bad Request'}\r\n` +
        `Content-Type: application/problem+json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  });

  await listen(server, host, options.port ?? 0);
  const { port } = server.address() as AddressInfo;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;

  let stopping: Promise<void> | undefined;
  return {
    url,
    host,
    port,
    apiKey: state.keys.primaryKey,
    apiKeys: state.keys.secrets,
    state,
    counters: () => state.counterSnapshot(),
    resetCounters: () => state.counters.reset(),
    setFaults: (faults) => state.setFaults(faults),
    setRateLimit: (rateLimit) => state.setRateLimit(rateLimit),
    reset: () => state.reset(),
    stop: () => {
      stopping ??= new Promise<void>((resolve) => {
        router.releaseAll();
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return stopping;
    },
  };
}

function listen(server: Server, host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException): void => {
      reject(new EmulatorListenError(`users-api-emulator cannot listen on ${host}:${port}: ${error.message}`));
    };
    server.once('error', onError);
    server.listen({ host, port, exclusive: true }, () => {
      server.off('error', onError);
      resolve();
    });
  });
}
