import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '@idp-sync/cli';
import { type LocalStack, type SourceRequests, sourceRequests } from '@idp-sync/local-stack';
import type { UserRecord, UsersApiEmulator } from '@idp-sync/users-api-emulator';
import { createUsersClient } from '@idp-sync/users-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { captureIo } from '../helpers/cli-io';
import { deliver, startTestStack } from '../helpers/local-stack';
import { type OktaStandIn, startOktaStandIn } from '../helpers/okta-stand-in';
import { startWorkosStandIn } from '../helpers/workos-stand-in';

/**
 * Issue #17 on the running local stack: webhooks lost while ingest was down (built, then sent nowhere), then
 * `idp-sync reconcile` repairs exactly the drift through the real queue and worker; a second run plans nothing.
 */

let stack: LocalStack;
let emulator: UsersApiEmulator;
let sources: SourceRequests;
let dir: string;
let n = 0;
const email = (tag: string, domain = 'drift.example') => `${tag}-${++n}@${domain}`;
const user = (address: string): UserRecord | undefined => emulator.state.findByEmail(address);

beforeAll(async () => {
  stack = await startTestStack();
  emulator = stack.emulator as UsersApiEmulator;
  sources = sourceRequests({ ingestUrl: stack.urls.ingest, secrets: stack.secrets });
  dir = mkdtempSync(join(tmpdir(), 'idp-sync-drift-'));
});
afterAll(async () => {
  await stack?.stop();
  rmSync(dir, { recursive: true, force: true });
});

async function reconcile(argv: string[], extraEnv: NodeJS.ProcessEnv = {}) {
  const captured = captureIo({
    ...extraEnv,
    SQS_ENDPOINT: stack.urls.sqs,
    DYNAMODB_ENDPOINT: stack.urls.dynamoDb,
    IDP_SYNC_STATE_TABLE: stack.stateTableName,
    IDP_SYNC_QUEUE_NAME: stack.queues.queueName,
    IDP_SYNC_DLQ_NAME: stack.queues.dlqName,
    AWS_REGION: stack.region,
    ARIZE_BASE_URL: stack.urls.usersApi,
    ARIZE_API_KEY: stack.usersApiKey,
    DISABLE_PRERELEASE_WARNING: 'true',
  });
  const code = await runCli(['reconcile', ...argv], captured.io);
  return { code, stdout: captured.stdout(), stderr: captured.stderr() };
}

const drained = () => stack.waitForDrain({ timeoutMs: 20_000 });

describe('drift repaired by reconcile', () => {
  it('--from file: a leave, a rename and a join lost while ingest was down are applied, nothing else; then nothing to do', async () => {
    const [stays, leaves, renamed, joins] = [email('stays'), email('leaves'), email('renamed'), email('joins')];
    for (const [who, name] of [
      [stays, 'Stays Put'],
      [leaves, 'Leaves Soon'],
      [renamed, 'Old Name'],
    ] as const) {
      expect((await deliver(sources.hr('user.joined', { email: who, name }))).status).toBe(202);
    }
    await drained();
    const before = emulator.counters();
    // Ingest is down: the HR system's deliveries go nowhere (built and signed, never sent).
    sources.hr('user.left', { email: leaves });
    sources.hr('user.updated', { email: renamed, name: 'New Name' });
    sources.hr('user.joined', { email: joins, name: 'Joins Late' });
    // The HR system's export: who should have an account now.
    const file = join(dir, 'hr-export.csv');
    writeFileSync(file, ['email,name', `${stays},Stays Put`, `${renamed},New Name`, `${joins},Joins Late`].join('\n'));

    const applied = await reconcile([
      '--from',
      'file',
      '--file',
      file,
      '--domain',
      'drift.example',
      '--apply',
      '--yes',
      '--json',
    ]);
    expect(applied.code, applied.stderr).toBe(0);
    expect(JSON.parse(applied.stdout.slice(0, applied.stdout.lastIndexOf('}') + 1)).counts).toMatchObject({
      create: 1,
      update: 1,
      delete: 1,
      adopt: 0,
    });
    await drained();
    expect(user(leaves)?.status).toBe('DELETED');
    expect(user(renamed)?.name).toBe('New Name');
    expect(user(joins)).toMatchObject({ name: 'Joins Late', status: 'INVITED' });
    expect(user(stays)).toMatchObject({ name: 'Stays Put' });
    // Exactly the drift: one create, one update, one delete (single or bulk) since the snapshot.
    const after = emulator.counters();
    const calls = (op: string) => (after.byOperation[op]?.total ?? 0) - (before.byOperation[op]?.total ?? 0);
    expect(calls('users.create')).toBe(1);
    expect(calls('users.update')).toBe(1);
    expect(calls('users.delete') + calls('users.bulkDelete')).toBe(1);

    const second = await reconcile(['--from', 'file', '--file', file, '--domain', 'drift.example']);
    expect(second.code).toBe(0);
    expect(second.stderr).toMatch(/Plan: create 0, update 0, adopt 0, delete 0/);
    expect(second.stderr).toMatch(/Nothing to apply/);
  });

  it('--from okta (a stand-in of Okta’s list endpoint): a deactivation and an assignment lost while ingest was down', async () => {
    const okta: OktaStandIn = await startOktaStandIn();
    try {
      // Its own domain: the app speaks for everyone in scope, and the other tests' people are not in it.
      const [kept, gone, added] = [
        email('kept', 'okta.example'),
        email('gone', 'okta.example'),
        email('added', 'okta.example'),
      ];
      const id = (who: string) => `00u${Buffer.from(who).toString('hex').slice(0, 16)}`;
      expect(
        (
          await deliver(
            sources.okta([
              { eventType: 'user.lifecycle.activate', email: kept, name: 'Kept Okta' },
              { eventType: 'user.lifecycle.activate', email: gone, name: 'Gone Okta' },
            ]),
          )
        ).status,
      ).toBe(200);
      await drained();
      // Ingest down: the deactivation and the new assignment never arrive. Okta's app says what is true now.
      okta.setApp('0oaDRIFT', [
        { id: id(kept), status: 'ACTIVE', login: kept, firstName: 'Kept', lastName: 'Okta' },
        { id: id(gone), status: 'DEPROVISIONED', login: gone, firstName: 'Gone', lastName: 'Okta' },
        { id: id(added), status: 'ACTIVE', login: added, firstName: 'Added', lastName: 'Late' },
      ]);
      const oktaArgs = [
        '--from',
        'okta',
        '--okta-org-url',
        okta.url,
        '--okta-app-id',
        '0oaDRIFT',
        '--domain',
        'okta.example',
      ];
      const oktaEnv = { OKTA_API_TOKEN: okta.token };
      const applied = await reconcile([...oktaArgs, '--apply', '--yes'], oktaEnv);
      expect(applied.code, applied.stderr).toBe(0);
      expect(applied.stderr).toMatch(/Plan: create 1, update 0, adopt 0, delete 1/);
      await drained();
      expect(user(gone)?.status).toBe('DELETED');
      expect(user(added)).toMatchObject({ name: 'Added Late', status: 'INVITED' });
      expect(user(kept)?.deletedAt).toBeUndefined();
      const again = await reconcile(oktaArgs, oktaEnv);
      expect(again.stderr).toMatch(/Nothing to apply/);
      // The token is never printed.
      expect(`${applied.stdout}${applied.stderr}`).not.toContain(okta.token);
    } finally {
      await okta.stop();
    }
  });

  it('--from workos (a stand-in of WorkOS’s list endpoint): a user set inactive and one added while ingest was down', async () => {
    const workos = await startWorkosStandIn();
    try {
      const [stays, leaves, arrives] = [
        email('stays', 'workos.example'),
        email('leaves', 'workos.example'),
        email('arrives', 'workos.example'),
      ];
      for (const who of [stays, leaves]) {
        expect((await deliver(sources.hr('user.joined', { email: who, name: 'Via HR' }))).status).toBe(202);
      }
      await drained();
      workos.setDirectory('directory_01E2E', [
        { id: 'directory_user_1', email: stays, first_name: 'Via', last_name: 'HR', state: 'active' },
        { id: 'directory_user_2', email: leaves, first_name: 'Via', last_name: 'HR', state: 'inactive' },
        { id: 'directory_user_3', email: arrives, first_name: 'New', last_name: 'Arrival', state: 'active' },
      ]);
      const args = [
        '--from',
        'workos',
        '--workos-directory-id',
        'directory_01E2E',
        '--workos-base-url',
        workos.url,
        '--domain',
        'workos.example',
      ];
      const env = { WORKOS_API_KEY: workos.apiKey };
      const applied = await reconcile([...args, '--apply', '--yes'], env);
      expect(applied.code, applied.stderr).toBe(0);
      expect(applied.stderr).toMatch(/Plan: create 1, update 0, adopt 0, delete 1/);
      await drained();
      expect(user(leaves)?.status).toBe('DELETED');
      expect(user(arrives)).toMatchObject({ name: 'New Arrival' });
      expect((await reconcile(args, env)).stderr).toMatch(/Nothing to apply/);
      expect(`${applied.stdout}${applied.stderr}`).not.toContain(workos.apiKey);
    } finally {
      await workos.stop();
    }
  });

  it('--from scim: a rename made by hand in the Users API is put back to what Entra says', async () => {
    // Its own domain: the SCIM store speaks for everyone in scope, and the other tests' people are not in it.
    const who = email('scim', 'scim.example');
    const created = await deliver(sources.scimCreate({ userName: who, givenName: 'Scim', familyName: 'Person' }));
    expect(created.status).toBe(201);
    await drained();
    const users = createUsersClient({ apiKey: stack.usersApiKey, baseUrl: stack.urls.usersApi });
    try {
      const found = await users.users.get({ user: who });
      await users.users.update({ userId: found!.id, name: 'Edited By Hand' });
    } finally {
      await users.close();
    }
    const out = await reconcile(['--from', 'scim', '--domain', 'scim.example', '--apply', '--yes']);
    expect(out.code, out.stderr).toBe(0);
    expect(out.stderr).toMatch(/Plan: create 0, update 1, adopt 0, delete 0/);
    await drained();
    expect(user(who)?.name).toBe('Scim Person');
    const again = await reconcile(['--from', 'scim', '--domain', 'scim.example']);
    expect(again.stderr).toMatch(/Nothing to apply/);
  });
});
