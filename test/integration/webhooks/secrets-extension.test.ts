import { PARAMETERS_SECRETS_EXTENSION_PORT_ENV } from '@idp-sync/http/secrets';
import { createIngestApp, loadIngestConfig } from '@idp-sync/webhooks';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { unusedPort, useExtensionStandIn } from '../../helpers/http/extension-stand-in';
import { bodyOf, hrRequest, NOW_MS, recordingSender, TEST_SECRETS } from '../../helpers/webhooks';

// The webhook app with its HR secret in Secrets Manager, read through the Parameters and Secrets extension (a
// stand-in on 127.0.0.1). The extension fetcher and the secret provider themselves: test/integration/http.

// Secret ids are ARNs: ':' and '/' must survive the query string.
const HR_ARN = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:idp-sync/hr-webhook-AbCdEf';
const QUEUE_URL = 'https://sqs.eu-west-1.amazonaws.com/123456789012/idp-sync-commands.fifo';

const ext = useExtensionStandIn();
afterEach(() => {
  vi.unstubAllEnvs();
});

describe('ingest app with an ARN-configured HR secret', () => {
  it('verifies a signed HR delivery with the secret the extension serves, fetching it once', async () => {
    vi.stubEnv(PARAMETERS_SECRETS_EXTENSION_PORT_ENV, String(ext().port));
    vi.stubEnv('AWS_SESSION_TOKEN', ext().token);
    ext().secrets.set(HR_ARN, TEST_SECRETS.hr);
    const sender = recordingSender();
    const app = createIngestApp({
      config: loadIngestConfig({ QUEUE_URL, HR_WEBHOOK_SECRET_ARN: HR_ARN }),
      sender,
      now: () => NOW_MS,
    });

    const joined = {
      type: 'user.joined',
      timestamp: '2026-11-26T09:59:00Z',
      data: { email: 'Ada@Example.com', name: 'Ada Lovelace' },
    };
    const response = await app.handle(hrRequest(joined, { id: 'msg_extension_join' }));
    expect(response.statusCode).toBe(202);
    expect(bodyOf(response)).toEqual({ queued: 1, ignored: 0 });
    expect(sender.sent).toEqual([
      expect.objectContaining({ id: 'hr:msg_extension_join', action: 'create', email: 'ada@example.com' }),
    ]);

    // A delivery signed with another secret is refused; the cached secret is reused (one extension request in all).
    const forged = await app.handle(
      hrRequest(joined, { id: 'msg_forged', secret: 'whsec_c2VjcmV0LWFmdGVyLXJvdGF0aW9uLTAxMjM0NTY3' }),
    );
    expect(forged.statusCode).toBe(401);
    expect(sender.sent).toHaveLength(1);
    expect(ext().seen).toEqual([{ path: '/secretsmanager/get', secretId: HR_ARN, token: ext().token }]);
  });

  it('answers 503 (retry later) when the extension is not there and nothing is cached', async () => {
    vi.stubEnv(PARAMETERS_SECRETS_EXTENSION_PORT_ENV, String(await unusedPort()));
    vi.stubEnv('AWS_SESSION_TOKEN', ext().token);
    const sender = recordingSender();
    const app = createIngestApp({
      config: loadIngestConfig({ QUEUE_URL, HR_WEBHOOK_SECRET_ARN: HR_ARN }),
      sender,
      now: () => NOW_MS,
    });
    const response = await app.handle(
      hrRequest({ type: 'user.left', timestamp: '2026-11-26T09:59:00Z', data: { email: 'ada@example.com' } }),
    );
    expect(response.statusCode).toBe(503);
    expect(response.headers['retry-after']).toBe('5');
    expect(sender.sent).toEqual([]);
  });
});
