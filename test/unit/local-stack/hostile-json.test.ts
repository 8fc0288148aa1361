import type { IncomingMessage } from 'node:http';
import { toApiGatewayEvent } from '@idp-sync/local-stack';
import { afterEach, describe, expect, it } from 'vitest';
import { guardPrototypes } from '../../helpers/prototype-guard';

// Hostile names in a request to the local stack's HTTP server (issue #14): headers and query keys are the sender's,
// as in the API Gateway adapter (test/unit/http/hostile-json.test.ts).

const guard = guardPrototypes();
afterEach(() => guard.restore());

describe('header and query names are the sender’s', () => {
  it('the local HTTP server does the same for headers and query keys', () => {
    const message = {
      url: '/webhooks/hr?constructor=1&__proto__=2',
      method: 'POST',
      rawHeaders: ['Constructor', 'x', '__proto__', 'y', 'Content-Type', 'application/json'],
      socket: { remoteAddress: '127.0.0.1' },
    } as unknown as IncomingMessage;
    const event = toApiGatewayEvent(message, Buffer.alloc(0), Date.now());
    expect(event.headers.constructor).toBe('x');
    expect(Reflect.get(event.headers, '__proto__')).toBe('y');
    expect(event.queryStringParameters?.constructor).toBe('1');
    expect(Reflect.get(event.queryStringParameters ?? {}, '__proto__')).toBe('2');
    expect(guard.changes()).toEqual([]);
  });
});
