import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';

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
