import { LocalStackConfigError, loadWorkerHandler } from '@idp-sync/local-stack';
import { afterEach, describe, expect, it, vi } from 'vitest';

afterEach(() => {
  vi.unstubAllEnvs();
});

describe('a handler the local stack cannot initialise', () => {
  it('is one line naming every variable its ConfigError lists (npm start prints it as it is)', async () => {
    vi.stubEnv('DLQ_URL', '');
    vi.stubEnv('ARIZE_API_KEY', '');
    const error = await loadWorkerHandler().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(LocalStackConfigError);
    const line = (error as LocalStackConfigError).line();
    expect(line).not.toContain('\n');
    expect(line).toMatch(
      /^the worker handler failed to initialise: .*DLQ_URL.*; .*ARIZE_API_KEY.* — fix the environment/,
    );
  });
});
