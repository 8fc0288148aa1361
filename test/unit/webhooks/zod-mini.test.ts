import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { build, type Metafile } from 'esbuild';
import { afterAll, describe, expect, it } from 'vitest';
import { INGEST_ENTRY, LAMBDA_BUNDLE_OPTIONS } from '../../helpers/bundle';

// The webhook ingest Lambda validates with zod/mini (issue #4: classic zod was 96 KiB of its bundle and ~20 ms of its
// cold start). These tests bundle the code the way the stack does, so they see what the Lambda sees: classic zod is
// not in the bundle, and without it — so without the English locale classic zod registers — the issues that reach
// senders and INIT logs still read as they did.

const ROOT = resolve(import.meta.dirname, '../../..');
const options = { ...LAMBDA_BUNDLE_OPTIONS, metafile: true, write: false };

/** The zod files a bundle holds, relative to the zod package. */
function zodFiles(metafile: Metafile | undefined): string[] {
  const inputs = Object.values(metafile?.outputs ?? {}).flatMap((output) => Object.keys(output.inputs));
  return inputs.filter((path) => path.includes('node_modules/zod/')).map((path) => path.split('node_modules/zod/')[1]!);
}

/** zod/mini, the zod core it is built on, and the English locale — nothing of classic zod or of the other locales. */
const MINI_ONLY = /^(mini\/|v4\/mini\/|v4\/core\/|locales\/index\.js$|v4\/locales\/(en|index)\.js$)/;

// Runs in a fresh process from a bundle: exercises each schema family and prints the issues it reports.
const PROBE = `
import { ProvisioningCommandSchema } from '@idp-sync/contracts';
import { loadIngestConfig } from '@idp-sync/webhooks';
import { createHrAdapter, createOktaAdapter } from '@idp-sync/webhooks/sources';

const context = { receivedAt: '2026-11-26T10:00:01.000Z', delivery: { deliveryId: 'msg_1' } };
const defaults = { defaultRole: 'MEMBER', defaultInviteMode: 'EMAIL_LINK' };
const caught = (fn) => { try { fn(); return null; } catch (e) { return { message: e.message, errors: e.errors }; } };
const command = ProvisioningCommandSchema.safeParse({
  v: 1, id: '', source: 'okta', sourceEventType: 'x', occurredAt: '2026-11-26T10:00:00Z', receivedAt: 'yesterday',
  action: 'promote', email: 'a@example.com', extra: true,
});
const okta = createOktaAdapter({ authHeader: 'authorization', suspendAction: 'ignore', membershipEvents: 'off', ...defaults });
const hr = createHrAdapter(defaults);
process.stdout.write(JSON.stringify({
  command: command.error.issues.map((issue) => [issue.path.join('.'), issue.message]),
  okta: caught(() => okta.normalize({ data: { events: [{ uuid: 7, eventType: 'user.lifecycle.create' }] } }, context)),
  hr: caught(() => hr.normalize({ type: 'users.left', timestamp: '2026-11-26T10:00:00Z', data: { emails: [] } }, context)),
  config: caught(() => loadIngestConfig({ QUEUE_URL: 'http://127.0.0.1:4566/q.fifo', DEFAULT_ROLE: 'OWNER', SQS_SEND_ATTEMPTS: '0' })),
}));
`;

const dir = mkdtempSync(join(tmpdir(), 'idp-sync-zod-mini-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('zod/mini on the webhook ingest path', () => {
  it('leaves classic zod out of the ingest Lambda bundle', async () => {
    const result = await build({ ...options, entryPoints: [INGEST_ENTRY] });
    const files = zodFiles(result.metafile);
    expect(files.length).toBeGreaterThan(0);
    expect(files.filter((file) => !MINI_ONLY.test(file))).toEqual([]);
  });

  it('reports issues in English, as classic zod did, in a process without classic zod', async () => {
    const result = await build({ ...options, stdin: { contents: PROBE, resolveDir: ROOT, loader: 'js' } });
    expect(zodFiles(result.metafile).filter((file) => !MINI_ONLY.test(file))).toEqual([]);
    const file = join(dir, 'probe.mjs');
    writeFileSync(file, result.outputFiles?.[0]?.text ?? '');
    const out = JSON.parse(execFileSync(process.execPath, [file], { encoding: 'utf8' }));

    expect(out.command).toEqual([
      ['id', 'Too small: expected string to have >=1 characters'],
      ['receivedAt', 'must be an RFC 3339 timestamp'],
      [
        'action',
        'Invalid option: expected one of "create"|"update"|"delete"|"resend-invitation"|"reset-password"|"membership"',
      ],
      ['', 'Unrecognized key: "extra"'],
    ]);
    expect(out.okta).toEqual({
      message: 'an Okta LogEvent is malformed',
      errors: [
        { path: 'data.events[0].uuid', message: 'Invalid input: expected string, received number' },
        { path: 'data.events[0].published', message: 'Invalid input: expected string, received undefined' },
      ],
    });
    expect(out.hr).toEqual({
      message: 'the data of a users.left event is not valid',
      errors: [{ path: 'data.emails', message: 'Too small: expected array to have >=1 items' }],
    });
    expect(out.config.message).toContain('DEFAULT_ROLE: Invalid option: expected one of "ADMIN"|"MEMBER"|"ANNOTATOR"');
    expect(out.config.message).toContain('SQS_SEND_ATTEMPTS: must be a whole number of attempts from 1 to 10');
  });
});
