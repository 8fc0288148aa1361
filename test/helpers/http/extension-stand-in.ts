import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll } from 'vitest';

/**
 * What the stand-in answers to `/secretsmanager/get`: the stored secrets (the extension's GetSecretValue JSON), an
 * error status with a text body (as the extension relays a Secrets Manager failure), a 200 that is not JSON, or
 * nothing at all (a hung extension).
 */
export type StandInMode =
  | { readonly kind: 'serve' }
  | { readonly kind: 'error'; readonly status: number; readonly body: string }
  | { readonly kind: 'raw'; readonly body: string }
  | { readonly kind: 'hang' };

export interface SeenRequest {
  readonly path: string;
  readonly secretId: string | null;
  readonly token: string | undefined;
}

export interface ExtensionStandIn {
  readonly port: number;
  /** The session token it accepts (what AWS_SESSION_TOKEN holds in the function). */
  readonly token: string;
  /** ARN → SecretString, or `{ binary }` for a SecretBinary secret. Change it to simulate a rotation. */
  readonly secrets: Map<string, string | { binary: string }>;
  mode: StandInMode;
  readonly seen: SeenRequest[];
  close(): Promise<void>;
}

/**
 * A stand-in for the AWS Parameters and Secrets Lambda Extension (AWS itself cannot run here): node:http on
 * 127.0.0.1, port 0. Like the extension it serves `GET /secretsmanager/get?secretId=<id>`, refuses a request without
 * the right `X-Aws-Parameters-Secrets-Token`, and answers Secrets Manager's GetSecretValue JSON.
 *
 * @example
 * const ext = await startExtensionStandIn();
 * ext.secrets.set(ARN, 'value');
 */
export async function startExtensionStandIn(): Promise<ExtensionStandIn> {
  const token = `session-token-${randomUUID()}`;
  const secrets = new Map<string, string | { binary: string }>();
  const seen: SeenRequest[] = [];
  const state = { mode: { kind: 'serve' } as StandInMode };

  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const secretId = url.searchParams.get('secretId');
    const header = req.headers['x-aws-parameters-secrets-token'];
    seen.push({ path: url.pathname, secretId, token: typeof header === 'string' ? header : undefined });
    const text = (status: number, body: string) => {
      res.writeHead(status, { 'content-type': 'text/plain' });
      res.end(body);
    };
    const mode = state.mode;
    if (mode.kind === 'hang') return;
    if (req.method !== 'GET' || url.pathname !== '/secretsmanager/get') return text(404, 'not found');
    if (header !== token) return text(401, 'missing or wrong X-Aws-Parameters-Secrets-Token');
    if (mode.kind === 'error') return text(mode.status, mode.body);
    if (mode.kind === 'raw') {
      res.writeHead(200, { 'content-type': 'application/json' });
      return res.end(mode.body);
    }
    const secret = secretId === null ? undefined : secrets.get(secretId);
    if (secret === undefined) {
      return text(400, "ResourceNotFoundException: Secrets Manager can't find the specified secret.");
    }
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(
      JSON.stringify({
        ARN: secretId,
        CreatedDate: '2026-11-26T09:00:00Z',
        Name: secretId?.split(':').at(-1),
        SecretBinary: typeof secret === 'string' ? null : secret.binary,
        SecretString: typeof secret === 'string' ? secret : null,
        VersionId: randomUUID(),
        VersionStages: ['AWSCURRENT'],
        ResultMetadata: {},
      }),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    port,
    token,
    secrets,
    seen,
    get mode() {
      return state.mode;
    },
    set mode(mode: StandInMode) {
      state.mode = mode;
    },
    async close() {
      // Hung requests keep their sockets open: end them so that close() returns.
      server.closeAllConnections();
      await new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
    },
  };
}

/**
 * One stand-in for the suite (or the describe block) it is called in: started in `beforeAll`, closed in `afterAll`,
 * and back to serving nothing after each test (mode `serve`, no secrets, no requests seen). Returns an accessor, as
 * the stand-in exists only once `beforeAll` ran.
 *
 * @example
 * const ext = useExtensionStandIn();
 * it('…', async () => {
 *   ext().secrets.set(ARN, 'value');
 * });
 */
export function useExtensionStandIn(): () => ExtensionStandIn {
  let standIn: ExtensionStandIn | undefined;
  beforeAll(async () => {
    standIn = await startExtensionStandIn();
  });
  afterAll(async () => {
    await standIn?.close();
  });
  afterEach(() => {
    if (!standIn) return;
    standIn.mode = { kind: 'serve' };
    standIn.secrets.clear();
    standIn.seen.length = 0;
  });
  return () => {
    if (!standIn)
      throw new Error('the extension stand-in starts in beforeAll: call the accessor inside a test or hook');
    return standIn;
  };
}

/** A loopback port with nothing listening on it (bound, then released). */
export async function unusedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
