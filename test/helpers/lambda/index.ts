import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { afterAll, beforeAll, vi } from 'vitest';

/**
 * An API Gateway HTTP API (payload v2) event as the stack's API sends it to the ingest and SCIM functions.
 *
 * @example
 * httpApiEvent({ method: 'POST', path: '/webhooks/hr', headers, body, base64: true })
 */
export function httpApiEvent(init: {
  method: string;
  path: string;
  headers?: Record<string, string>;
  body?: string;
  base64?: boolean;
  userAgent?: string;
}): APIGatewayProxyEventV2 {
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: init.path,
    rawQueryString: '',
    headers: init.headers ?? {},
    requestContext: {
      accountId: '123456789012',
      apiId: 'api',
      domainName: 'example.execute-api.us-east-1.amazonaws.com',
      domainPrefix: 'example',
      http: {
        method: init.method,
        path: init.path,
        protocol: 'HTTP/1.1',
        sourceIp: '127.0.0.1',
        userAgent: init.userAgent ?? 'test',
      },
      requestId: 'req-1',
      routeKey: '$default',
      stage: '$default',
      time: '26/Nov/2026:10:00:00 +0000',
      timeEpoch: 1795514400000,
    },
    ...(init.body !== undefined
      ? {
          body: init.base64 ? Buffer.from(init.body).toString('base64') : init.body,
          isBase64Encoded: init.base64 ?? false,
        }
      : { isBase64Encoded: false }),
  };
}

/**
 * A Lambda context for a function of this name (request id `aws-req-1`).
 *
 * @example
 * await handler(httpApiEvent({ method: 'GET', path: '/health' }), lambdaContext('idp-sync-ingest'));
 */
export function lambdaContext(functionName: string): Context {
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:us-east-1:123456789012:function:${functionName}`,
    memoryLimitInMB: '512',
    awsRequestId: 'aws-req-1',
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: 'stream',
    getRemainingTimeInMillis: () => 3000,
    done: () => {},
    fail: () => {},
    succeed: () => {},
  };
}

/** What the ingest and SCIM functions export as `handler`: API Gateway v2 in and out. */
export type HttpApiHandler = (
  event: APIGatewayProxyEventV2,
  context: Context,
) => Promise<APIGatewayProxyStructuredResultV2>;

/**
 * A function's handler as Lambda runs it, for one suite: before the suite, adds `env` to process.env, captures what
 * the process writes to stdout and stderr into `output` (the function's structured logs) and imports `module` (its
 * INIT); after the suite, restores the mocks and the environment. `handler` forwards to the imported one.
 *
 * @example
 * const { handler, output } = useHttpApiHandler('@idp-sync/scim-function/handler', env);
 * it('…', async () => {
 *   const result = await handler(httpApiEvent({ method: 'GET', path: '/health' }), lambdaContext('idp-sync-scim'));
 * });
 */
export function useHttpApiHandler(
  module: string,
  env: Record<string, string>,
): { handler: HttpApiHandler; output: string[] } {
  let loaded: HttpApiHandler | undefined;
  const output: string[] = [];
  const saved = { ...process.env };
  beforeAll(async () => {
    Object.assign(process.env, env);
    for (const stream of [process.stdout, process.stderr]) {
      vi.spyOn(stream, 'write').mockImplementation((chunk: string | Uint8Array) => {
        output.push(String(chunk));
        return true;
      });
    }
    ({ handler: loaded } = (await import(module)) as { handler: HttpApiHandler });
  });
  afterAll(() => {
    vi.restoreAllMocks();
    process.env = saved;
  });
  const handler: HttpApiHandler = (event, context) => {
    if (!loaded) throw new Error(`${module} is imported in beforeAll: call the handler inside a test`);
    return loaded(event, context);
  };
  return { handler, output };
}
