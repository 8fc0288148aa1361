import { toHttpRequest } from '@idp-sync/http';
import { afterEach, describe, expect, it } from 'vitest';
import { guardPrototypes } from '../../helpers/prototype-guard';

// Hostile JSON in what API Gateway hands over (issue #14): header names are the sender's, never a prototype's. The
// local stack's HTTP server is held to the same: test/unit/local-stack/hostile-json.test.ts.

const guard = guardPrototypes();
afterEach(() => guard.restore());

describe('header and query names are the sender’s', () => {
  it('the API Gateway request keeps __proto__/constructor headers as plain names and never inherits one', () => {
    // Lambda hands over the event as parsed JSON: a header object may own a "__proto__" key.
    const event = JSON.parse(
      '{"rawPath":"/webhooks/hr","rawQueryString":"","headers":{"__proto__":"a","Constructor":"b","content-type":"application/json"},"requestContext":{"http":{"method":"POST"}},"body":""}',
    );
    const request = toHttpRequest(event);
    expect(Object.hasOwn(request.headers, '__proto__')).toBe(true);
    expect(Reflect.get(request.headers, '__proto__')).toBe('a');
    expect(request.headers.constructor).toBe('b');
    Object.defineProperty(Object.prototype, 'webhook-id', { value: 'inherited', configurable: true });
    expect(request.headers['webhook-id']).toBeUndefined();
  });
});
