/**
 * Worker benchmarks, end to end against fauxqs (SQS), dynalite (DynamoDB) and the Users API emulator, all local.
 *
 * 1. Throughput: commands applied per second, enqueue → receive (10 per batch) → processBatch → delete.
 * 2. Users API calls per command on a realistic mix (60 % updates, 20 % joins, 15 % leaves, 5 % resends) with warm
 *    state, beside the naive figure (one lookup by email before every call).
 * 3. Rate-limited: the emulator allows R requests/s; the worker is configured with USERS_API_RPS = R. Achieved
 *    successful requests/s against R, and the DLQ must stay empty.
 *
 * Prints numbers; never fails.
 *
 *   npx tsx test/bench/worker.bench.ts        # BENCH_COMMANDS=500 BENCH_RATE=20 BENCH_RATE_COMMANDS=300 BENCH_POLLERS=4
 *
 * BENCH_STABLE_IDS=1 gives every command of 1 and 2 a source's stable id (`sourceUserId`, as Okta, WorkOS, HR and
 * BambooHR commands carry), to measure what following ids costs: the warm people's ids are linked during warm-up.
 */
import { GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { roles } from '@idp-sync/users-client';
import { createWorkerUsersClient } from '@idp-sync/worker/lambda';
import { callsOf, pipeline, startWorkerStack, type WorkerStack } from '../helpers/worker/harness';
import { command, sqsEvent, sqsRecord } from '../helpers/worker/records';

const COMMANDS = Number(process.env.BENCH_COMMANDS ?? 500);
const RATE = Number(process.env.BENCH_RATE ?? 20);
const RATE_COMMANDS = Number(process.env.BENCH_RATE_COMMANDS ?? 300);
const POLLERS = Number(process.env.BENCH_POLLERS ?? 4);
const STABLE_IDS = process.env.BENCH_STABLE_IDS === '1';

type Cmd = ReturnType<typeof command>;

/** A command for `email`, with the person's stable id when BENCH_STABLE_IDS=1. */
function personCommand(email: string, fields: Partial<Cmd>): Cmd {
  return command({ ...fields, email, ...(STABLE_IDS ? { source: 'okta', sourceUserId: `00u-${email}` } : {}) });
}

/** Creates `count` people through the worker itself, so the state table is warm for them. */
async function warmPeople(stack: WorkerStack, tag: string, count: number): Promise<string[]> {
  const p = await pipeline(stack, { config: { usersApiRps: 2_000, concurrency: 10 } });
  const people = Array.from({ length: count }, (_, i) => `${tag}-${i}@example.com`);
  for (let i = 0; i < people.length; i += 10) {
    const batch = people.slice(i, i + 10).map((email) => sqsRecord(personCommand(email, { action: 'create' })));
    await p.worker.processBatch(sqsEvent(batch));
  }
  await p.close();
  return people;
}

/** The 60/20/15/5 mix over warm people: updates and leaves of ACTIVE members, resends of INVITED ones, new joins. */
async function realisticMix(stack: WorkerStack, tag: string, total: number): Promise<Cmd[]> {
  const updates = Math.round(total * 0.6);
  const joins = Math.round(total * 0.2);
  const leaves = Math.round(total * 0.15);
  const resends = total - updates - joins - leaves;
  const members = await warmPeople(stack, `${tag}-m`, updates + leaves);
  const invited = await warmPeople(stack, `${tag}-i`, resends);
  // Members accepted their invitations (ACTIVE); the worker's state still says INVITED for them, as it would.
  for (const email of members) {
    const user = stack.emulator.state.findByEmail(email);
    if (user) stack.emulator.state.acceptInvitation(user.id);
  }
  const commands: Cmd[] = [
    ...members.slice(0, updates).map((email, i) => personCommand(email, { action: 'update', name: `Renamed ${i}` })),
    ...Array.from({ length: joins }, (_, i) => personCommand(`${tag}-new-${i}@example.com`, { action: 'create' })),
    ...members.slice(updates).map((email) => personCommand(email, { action: 'delete' })),
    ...invited.map((email) => personCommand(email, { action: 'resend-invitation' })),
  ];
  // Shuffle deterministically so batches mix actions the way traffic does.
  let seed = 7;
  for (let i = commands.length - 1; i > 0; i--) {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    const j = seed % (i + 1);
    [commands[i], commands[j]] = [commands[j] as Cmd, commands[i] as Cmd];
  }
  return commands;
}

/** Runs `pollers` receive → process → delete loops until the queue holds nothing, visible or in flight. */
async function drain(stack: WorkerStack, p: Awaited<ReturnType<typeof pipeline>>, pollers: number): Promise<number> {
  let applied = 0;
  const remaining = async () => {
    const out = await stack.sqsClient.send(
      new GetQueueAttributesCommand({
        QueueUrl: p.queues.queueUrl,
        AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
      }),
    );
    return (
      Number(out.Attributes?.ApproximateNumberOfMessages ?? 0) +
      Number(out.Attributes?.ApproximateNumberOfMessagesNotVisible ?? 0)
    );
  };
  await Promise.all(
    Array.from({ length: pollers }, async () => {
      for (;;) {
        const report = await p.processNext();
        if (report !== undefined) {
          applied += report.outcomes.filter((o) => o.kind === 'applied' || o.kind === 'noop').length;
          continue;
        }
        if ((await remaining()) === 0) return;
        // Every group with messages left is in flight with another poller.
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    }),
  );
  return applied;
}

async function throughput(stack: WorkerStack): Promise<void> {
  const commands = await realisticMix(stack, 'tp', COMMANDS);
  const p = await pipeline(stack, { config: { usersApiRps: 5_000, concurrency: 10 } });
  await p.enqueue(commands);
  const started = performance.now();
  const applied = await drain(stack, p, POLLERS);
  const seconds = (performance.now() - started) / 1000;
  console.log(
    `1. throughput: ${applied}/${commands.length} commands applied in ${seconds.toFixed(2)} s = ${(applied / seconds).toFixed(1)} commands/s ` +
      `(realistic mix, ${POLLERS} pollers × 10-record batches, worker concurrency 10, fauxqs + dynalite + emulator)`,
  );
  await p.close();
}

async function callsPerCommand(stack: WorkerStack): Promise<void> {
  const commands = await realisticMix(stack, 'cpc', COMMANDS);
  const p = await pipeline(stack, { config: { usersApiRps: 5_000, concurrency: 10 } });
  stack.emulator.resetCounters();
  for (let i = 0; i < commands.length; i += 10) {
    await p.worker.processBatch(sqsEvent(commands.slice(i, i + 10).map((c) => sqsRecord(c))));
  }
  const calls = callsOf(stack.emulator);
  const total = stack.emulator.counters().total;
  const lookups = calls('users.list') + calls('users.get');
  console.log(
    `2. Users API calls per command (warm state, 60/20/15/5 mix, ${commands.length} commands): ${(total / commands.length).toFixed(3)} ` +
      `(${total} calls: ${lookups} lookups, ${calls('users.update')} update, ${calls('users.create')} create, ` +
      `${calls('users.delete')} delete, ${calls('users.resendInvitation')} resend)`,
  );
  await p.close();

  // The naive worker: look the person up by email before every call.
  const naiveMix = await realisticMix(stack, 'naive', COMMANDS);
  stack.emulator.resetCounters();
  const users = createWorkerUsersClient(p.config, { apiKey: stack.emulator.apiKey });
  for (const c of naiveMix) {
    const found = await users.client.users.get({ user: c.email });
    if (c.action === 'create') {
      await users.client.users
        .create({ name: c.name ?? 'x', email: c.email, role: roles.member(), inviteMode: 'EMAIL_LINK' })
        .catch(() => undefined);
    } else if (found !== null) {
      if (c.action === 'update') await users.client.users.update({ userId: found.id, name: c.name ?? 'x' });
      if (c.action === 'delete') await users.client.users.delete({ userId: found.id });
      if (c.action === 'resend-invitation') await users.client.users.resendInvitation({ userId: found.id });
    }
  }
  await users.close();
  console.log(
    `   naive (one lookup per command): ${(stack.emulator.counters().total / naiveMix.length).toFixed(3)} calls per command`,
  );
}

async function rateLimited(stack: WorkerStack): Promise<void> {
  const people = await warmPeople(stack, 'rl', RATE_COMMANDS);
  const commands = people.map((email, i) => command({ action: 'update', email, name: `Rate ${i}` }));
  stack.emulator.setRateLimit({ requestsPerSecond: RATE });
  stack.emulator.resetCounters();
  const p = await pipeline(stack, { config: { usersApiRps: RATE, concurrency: 10 } });
  await p.enqueue(commands);
  const started = performance.now();
  await drain(stack, p, POLLERS);
  const seconds = (performance.now() - started) / 1000;
  stack.emulator.setRateLimit(undefined);
  const updates = stack.emulator.counters().byOperation['users.update'];
  const ok = updates?.byStatus['200'] ?? 0;
  const limited = updates?.byStatus['429'] ?? 0;
  const dead = await p.deadLetters();
  console.log(
    `3. rate-limited to R = ${RATE} req/s: ${ok} successful requests in ${seconds.toFixed(2)} s = ${(ok / seconds).toFixed(2)} req/s ` +
      `= ${((ok / seconds / RATE) * 100).toFixed(1)} % of R; ${limited} answered 429; ${dead.length} messages in the DLQ`,
  );
  await p.close();
}

const ONLY = process.env.BENCH_ONLY; // '1', '2' or '3' to run one section
const stack = await startWorkerStack();
try {
  if (!ONLY || ONLY === '1') await throughput(stack);
  stack.emulator.reset();
  if (!ONLY || ONLY === '2') await callsPerCommand(stack);
  stack.emulator.reset();
  if (!ONLY || ONLY === '3') await rateLimited(stack);
} finally {
  await stack.stop();
}
