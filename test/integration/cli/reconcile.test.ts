import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '@idp-sync/cli';
import { createStateTable } from '@idp-sync/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { captureIo } from '../../helpers/cli-io';
import { type Pipeline, pipeline, startWorkerStack, type WorkerStack } from '../../helpers/worker/harness';
import { command } from '../../helpers/worker/records';

// Issue #17: `idp-sync reconcile --from file` against fauxqs, dynalite, the Users API emulator and the real worker.

let stack: WorkerStack;
let dir: string;
let n = 0;

beforeAll(async () => {
  stack = await startWorkerStack();
  dir = mkdtempSync(join(tmpdir(), 'idp-sync-reconcile-'));
});
afterAll(async () => {
  await stack.stop();
  rmSync(dir, { recursive: true, force: true });
});

interface Setup {
  p: Pipeline;
  env: NodeJS.ProcessEnv;
  domain: string;
  file(name: string, text: string): string;
}

async function setup(): Promise<Setup> {
  const tableName = `reconcile-${randomUUID().slice(0, 8)}`;
  await createStateTable(stack.dynamoClient, tableName);
  const p = await pipeline(stack, { config: { stateTableName: tableName } });
  const name = (url: string) => url.slice(url.lastIndexOf('/') + 1);
  const env: NodeJS.ProcessEnv = {
    SQS_ENDPOINT: stack.sqs.endpoint,
    DYNAMODB_ENDPOINT: stack.ddb.endpoint,
    IDP_SYNC_STATE_TABLE: tableName,
    IDP_SYNC_QUEUE_NAME: name(p.queues.queueUrl),
    IDP_SYNC_DLQ_NAME: name(p.queues.dlqUrl),
    AWS_REGION: stack.sqs.region,
    ARIZE_BASE_URL: stack.emulator.url,
    ARIZE_API_KEY: stack.emulator.apiKey,
    DISABLE_PRERELEASE_WARNING: 'true',
  };
  const domain = `r${++n}.example`;
  return {
    p,
    env,
    domain,
    file(fileName, text) {
      const path = join(dir, `${domain}-${fileName}`);
      writeFileSync(path, text);
      return path;
    },
  };
}

async function cli(env: NodeJS.ProcessEnv, argv: string[]) {
  const captured = captureIo(env);
  const code = await runCli(argv, captured.io);
  return { code, stdout: captured.stdout(), stderr: captured.stderr() };
}

async function drain(p: Pipeline) {
  const reports = [];
  for (let r = await p.processNext(); r !== undefined; r = await p.processNext()) reports.push(r);
  return reports;
}

const user = (email: string) => stack.emulator.state.findByEmail(email);

describe('idp-sync reconcile --from file', () => {
  it('plans every category, applies them through the queue and the worker, and a second run plans nothing', async () => {
    const { p, env, domain, file } = await setup();
    const at = (local: string) => `${local}@${domain}`;
    // Managed people (through the worker): one renamed in the source, one who left, one whose email it deleted.
    await p.enqueue(
      ['renamed', 'leaver', 'rehired', 'steady'].map((local) =>
        command({ action: 'create', email: at(local), name: local === 'renamed' ? 'Old Name' : local }),
      ),
    );
    await drain(p);
    await p.enqueue([command({ action: 'delete', email: at('rehired') })]);
    await drain(p);
    // People the Users API had before idp-sync: one still in the source (adopted), one not (unmanaged).
    stack.emulator.state.seed([
      { name: 'Before', email: at('before') },
      { name: 'Stray', email: at('stray') },
    ]);
    const csv = file(
      'people.csv',
      [
        'email,name,role,active',
        `${at('newcomer')},New Comer,ANNOTATOR,`,
        `${at('Renamed')},New Name,,`,
        `${at('leaver')},leaver,,false`,
        `${at('rehired')},Back Again,,`,
        `${at('steady')},steady,,`,
        `${at('before')},Before,,`,
        'someone@elsewhere.example,Out Of Scope,,',
      ].join('\n'),
    );

    const dry = await cli(env, ['reconcile', '--from', 'file', '--file', csv, '--domain', domain, '--json']);
    expect(dry.code, dry.stderr).toBe(0);
    const planned = JSON.parse(dry.stdout) as { counts: Record<string, number>; rows: Array<Record<string, string>> };
    expect(planned.counts).toMatchObject({
      create: 1,
      update: 1,
      adopt: 1,
      delete: 1,
      unmanaged: 1,
      terminal: 1,
      inSync: 1,
      outOfScope: 1,
    });
    expect(planned.rows.map((r) => r.action)).toEqual(['create', 'update', 'adopt', 'delete', 'unmanaged', 'terminal']);
    // Redacted unless asked.
    expect(dry.stdout).not.toContain(at('newcomer'));
    expect(dry.stderr).toMatch(/Dry run: nothing sent\. To apply these 4 change\(s\)/);
    expect(user(at('newcomer'))).toBeUndefined();

    const applied = await cli(env, [
      'reconcile',
      '--from',
      'file',
      '--file',
      csv,
      '--domain',
      domain,
      '--apply',
      '--yes',
    ]);
    expect(applied.code, applied.stderr).toBe(0);
    expect(applied.stdout).toMatch(/Sent 4 command\(s\)/);
    await drain(p);
    expect(user(at('newcomer'))).toMatchObject({ name: 'New Comer', role: { type: 'PREDEFINED', name: 'ANNOTATOR' } });
    expect(user(at('renamed'))?.name).toBe('New Name');
    expect(user(at('leaver'))?.deletedAt).toBeDefined();
    expect(user(at('before'))?.deletedAt).toBeUndefined();
    expect(user(at('stray'))?.deletedAt).toBeUndefined();
    expect(await p.deadLetters()).toEqual([]);

    const again = await cli(env, ['reconcile', '--from', 'file', '--file', csv, '--domain', domain, '--json']);
    expect(JSON.parse(again.stdout).counts).toMatchObject({
      create: 0,
      update: 0,
      adopt: 0,
      delete: 0,
      unmanaged: 1,
      terminal: 1,
    });
    expect(again.stderr).toMatch(/Nothing to apply/);
    await p.close();
  });

  it('a saved plan applied twice takes effect once (same command ids), and the file is its owner’s only', async () => {
    const { p, env, domain, file } = await setup();
    const csv = file('people.csv', `email,name\na@${domain},Ay\nb@${domain},Bee\n`);
    const planPath = join(dir, `${domain}-plan.json`);
    const saved = await cli(env, ['reconcile', '--from', 'file', '--file', csv, '--save-plan', planPath]);
    expect(saved.code, saved.stderr).toBe(0);
    expect(statSync(planPath).mode & 0o777).toBe(0o600);
    expect(readFileSync(planPath, 'utf8')).toContain(`a@${domain}`);
    for (let i = 0; i < 2; i++) {
      const out = await cli(env, ['reconcile', '--plan', planPath, '--apply', '--yes']);
      expect(out.code, out.stderr).toBe(0);
    }
    const outcomes = (await drain(p)).flatMap((r) => r.outcomes);
    expect(outcomes.filter((o) => o.kind === 'applied')).toHaveLength(2);
    expect([user(`a@${domain}`)?.name, user(`b@${domain}`)?.name]).toEqual(['Ay', 'Bee']);
    expect(stack.emulator.counters().byOperation['users.create']?.total).toBeGreaterThanOrEqual(2);
    // A plan edited into something else is refused, naming what is wrong.
    const edited = join(dir, `${domain}-edited.json`);
    writeFileSync(edited, readFileSync(planPath, 'utf8').replace(`"a@${domain}"`, '"not an email"'));
    const refused = await cli(env, ['reconcile', '--plan', edited]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/rows\.\d+\.email/);
    await p.close();
  });

  it('refuses an empty source, a malformed file (by line and field), and applying without a terminal or --yes', async () => {
    const { p, env, domain, file } = await setup();
    await p.enqueue([command({ action: 'create', email: `kept@${domain}` })]);
    await drain(p);
    const empty = await cli(env, [
      'reconcile',
      '--from',
      'file',
      '--file',
      file('empty.csv', 'email,name\n'),
      '--apply',
      '--yes',
    ]);
    expect(empty.code).toBe(1);
    expect(empty.stderr).toMatch(/names nobody: refusing to plan against it/);
    expect(empty.stderr).toMatch(/never taken as "everyone left"/);
    const bad = await cli(env, [
      'reconcile',
      '--from',
      'file',
      '--file',
      file('bad.csv', 'email,active\nx@example.com,perhaps\n'),
    ]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/line 2, field "active": must be true or false/);
    const noTty = await cli(env, [
      'reconcile',
      '--from',
      'file',
      '--file',
      file('ok.csv', `email\nnew@${domain}\n`),
      '--apply',
    ]);
    expect(noTty.code).toBe(2);
    expect(noTty.stderr).toMatch(/pass --yes/);
    const noSource = await cli(env, ['reconcile']);
    expect(noSource.code).toBe(2);
    expect(noSource.stderr).toMatch(/--from file/);
    expect(user(`kept@${domain}`)?.deletedAt).toBeUndefined();
    await p.close();
  });
});
