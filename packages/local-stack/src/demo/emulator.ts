import type { CountersSnapshot, SeedUser, UserRecord } from '@idp-sync/users-api-emulator';
import { LocalStackError } from '../errors';

/**
 * The emulator's control endpoints over HTTP (`/_emulator/*`), so the demo works the same against its own stack and
 * against one started elsewhere with `npm start`.
 *
 * @example
 * const emulator = emulatorControl('http://127.0.0.1:4010');
 * console.log((await emulator.users()).length);
 */
export function emulatorControl(baseUrl: string) {
  async function call<T>(method: string, path: string, body?: unknown): Promise<T | undefined> {
    let response: Response;
    try {
      response = await fetch(`${baseUrl}${path}`, {
        method,
        ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(5_000),
      });
    } catch (error) {
      throw new LocalStackError(
        `the Users API emulator at ${baseUrl} did not answer ${method} ${path}`,
        'start the local stack (npm start) or set USERS_API_EMULATOR_PORT to where its emulator listens',
        { cause: error },
      );
    }
    const text = await response.text();
    if (!response.ok) {
      throw new LocalStackError(
        `the Users API emulator answered ${method} ${path} with HTTP ${response.status}: ${text.slice(0, 200)}`,
        'is that really the emulator? The demo never runs against the real Users API',
      );
    }
    return text === '' ? undefined : (JSON.parse(text) as T);
  }

  return {
    /** True when an emulator answers at this URL. */
    async isUp(): Promise<boolean> {
      try {
        const response = await fetch(`${baseUrl}/_emulator/health`, { signal: AbortSignal.timeout(2_000) });
        const body = (await response.json().catch(() => undefined)) as { ok?: unknown } | undefined;
        return response.ok && body?.ok === true;
      } catch {
        return false;
      }
    },
    /** Every user record, deleted ones included. */
    async users(): Promise<UserRecord[]> {
      return (await call<{ users: UserRecord[] }>('GET', '/_emulator/users'))?.users ?? [];
    },
    /** Places users in any state (all or nothing: 409 when an email exists). */
    async seed(users: readonly SeedUser[]): Promise<UserRecord[]> {
      return (await call<{ users: UserRecord[] }>('POST', '/_emulator/users', { users }))?.users ?? [];
    },
    async counters(): Promise<CountersSnapshot> {
      return (await call<CountersSnapshot>('GET', '/_emulator/counters')) as CountersSnapshot;
    },
    async resetCounters(): Promise<void> {
      await call('POST', '/_emulator/counters/reset');
    },
  };
}

export type EmulatorControl = ReturnType<typeof emulatorControl>;
