import { readFileSync } from 'node:fs';
import { ConfigurationError, createUsersClient, VERSION } from '@idp-sync/users-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer, wireUser } from './server';

const QUIET = { DISABLE_PRERELEASE_WARNING: 'true' };

describe('createUsersClient configuration', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer(() => ({ status: 200, body: wireUser() }));
  });
  afterAll(() => server.close());

  it('takes the API key and base URL from ARIZE_API_KEY / ARIZE_BASE_URL', async () => {
    const client = createUsersClient({ env: { ...QUIET, ARIZE_API_KEY: 'env-key', ARIZE_BASE_URL: server.url } });
    expect(client.baseUrl).toBe(server.url);
    await client.users.get({ user: 'VXNlcjox' });
    expect(server.requests.at(-1)?.headers.authorization).toBe('Bearer env-key');
    await client.close();
  });

  it('prefers explicit options over the environment', async () => {
    const client = createUsersClient({
      apiKey: 'option-key',
      baseUrl: server.url,
      env: { ...QUIET, ARIZE_API_KEY: 'env-key', ARIZE_BASE_URL: 'https://elsewhere.invalid' },
    });
    await client.users.get({ user: 'VXNlcjox' });
    expect(server.requests.at(-1)?.headers.authorization).toBe('Bearer option-key');
    await client.close();
  });

  it('defaults the base URL to https://api.arize.com', async () => {
    const client = createUsersClient({ apiKey: 'k', env: QUIET });
    expect(client.baseUrl).toBe('https://api.arize.com');
    await client.close();
  });

  it('fails at construction, saying what to set, when no API key is available', () => {
    expect(() => createUsersClient({ env: QUIET })).toThrow(ConfigurationError);
    expect(() => createUsersClient({ env: { ...QUIET, ARIZE_API_KEY: '   ' } })).toThrow(/ARIZE_API_KEY/);
  });

  it('keeps a path prefix of the base URL', async () => {
    const client = createUsersClient({ apiKey: 'k', baseUrl: `${server.url}/proxy/arize/`, env: QUIET });
    await client.users.get({ user: 'VXNlcjox' });
    expect(server.requests.at(-1)?.path).toBe('/proxy/arize/v2/users/VXNlcjox');
    await client.close();
  });

  it.each([
    ['not a url', /absolute URL/],
    ['ftp://api.arize.com', /http and https/],
    ['https://user:pw@api.arize.com', /credentials/],
    ['https://api.arize.com/?x=1', /query/],
    ['http://api.arize.com', /allowInsecureHttp/],
  ])('rejects the base URL %s', (baseUrl, message) => {
    expect(() => createUsersClient({ apiKey: 'k', baseUrl, env: QUIET })).toThrow(message);
  });

  it.each(['ftp://user:s3cret-pw@api.arize.com', 'https://user:s3cret-pw@api arize.com'])(
    'never quotes a rejected base URL (it may carry credentials): %s',
    (baseUrl) => {
      expect(() => createUsersClient({ apiKey: 'k', baseUrl, env: QUIET })).toThrow(/Invalid base URL/);
      expect(() => createUsersClient({ apiKey: 'k', baseUrl, env: QUIET })).not.toThrow(/s3cret-pw/);
    },
  );

  it('allows plain http to a non-loopback host only when asked to', async () => {
    const client = createUsersClient({
      apiKey: 'k',
      baseUrl: 'http://emulator:8080',
      allowInsecureHttp: true,
      env: QUIET,
    });
    expect(client.baseUrl).toBe('http://emulator:8080');
    await client.close();
  });

  it.each([
    [{ timeoutMs: 0 }, /timeoutMs/],
    [{ retry: { maxAttempts: 0 } }, /retry\.maxAttempts/],
    [{ connections: 1.5 }, /connections/],
    [{ logger: {} }, /logger/],
    [{ userAgent: 'bad\nagent' }, /userAgent/],
  ])('rejects invalid options %j', (options, message) => {
    expect(() => createUsersClient({ apiKey: 'k', env: QUIET, ...(options as object) })).toThrow(message);
  });

  it('never puts the API key in a configuration error', () => {
    try {
      createUsersClient({ apiKey: 'super-secret-key', baseUrl: 'nope', env: QUIET });
      expect.unreachable();
    } catch (e) {
      expect((e as Error).message).not.toContain('super-secret-key');
    }
  });

  it('names the project and version in User-Agent, after a caller prefix', async () => {
    const client = createUsersClient({
      apiKey: 'k',
      baseUrl: server.url,
      userAgent: 'idp-sync-worker/9.9.9',
      env: QUIET,
    });
    await client.users.get({ user: 'VXNlcjox' });
    const ua = server.requests.at(-1)?.headers['user-agent'];
    expect(ua).toMatch(
      new RegExp(`^idp-sync-worker/9\\.9\\.9 idp-sync-users-client/${VERSION.replace(/\./g, '\\.')} node/v`),
    );
    await client.close();
  });

  it('keeps VERSION equal to package.json', () => {
    const pkg = JSON.parse(
      readFileSync(new URL('../../../packages/users-client/package.json', import.meta.url), 'utf8'),
    );
    expect(VERSION).toBe(pkg.version);
  });
});
